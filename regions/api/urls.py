from django.urls import path

from regions.api import views

urlpatterns = [
    path("regions/", views.RegionListApi.as_view(), name="region-list"),
    path("regions/<str:code>/", views.RegionDetailApi.as_view(), name="region-detail"),
]
