from django.urls import path, re_path

from regions import views

app_name = "regions"

urlpatterns = [
    path("regions/choose/", views.region_choose, name="choose"),
    path("regions/current/", views.region_set_current, name="set_current"),
    # province / city / county, each a lowercase pinyin slug: /hebei/langfang/guan/
    re_path(r"^(?P<slugs>[a-z0-9-]+(?:/[a-z0-9-]+){0,2})/$", views.region_detail, name="detail"),
]
