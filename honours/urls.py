from django.urls import path, re_path

from honours import views

app_name = "honours"

urlpatterns = [
    path("", views.honour_list, name="list"),
    path("mine/", views.honour_mine, name="mine"),
    path("<int:pk>/", views.honour_detail, name="detail"),
    path("<int:pk>/consent/", views.honour_consent, name="consent"),
    re_path(r"^in/(?P<slugs>[a-z0-9-]+(?:/[a-z0-9-]+)*)/$", views.honour_list, name="region"),
]
