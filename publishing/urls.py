from django.urls import path, re_path

from publishing import views

app_name = "publishing"

urlpatterns = [
    path("regions/choose/", views.region_choose, name="choose"),
    path("regions/current/", views.region_set_current, name="set_current"),
    path("regions/entry/", views.region_entry, name="entry"),
    path("regions/locate/", views.region_locate, name="locate"),
    path("articles/", views.article_list, name="article_list"),
    path("articles/<int:pk>/", views.article_detail, name="article_detail"),
    path("articles/<int:pk>/preview/", views.article_preview, name="article_preview"),
    # province / city / county, each a lowercase pinyin slug: /hebei/langfang/guan/
    re_path(r"^(?P<slugs>[a-z0-9-]+(?:/[a-z0-9-]+){0,2})/$", views.region_detail, name="detail"),
]
