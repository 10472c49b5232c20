from django.urls import path

from hotline.api import views

urlpatterns = [
    path("hotline/requests/", views.RequestListCreateApi.as_view(), name="hotline-request-list"),
    path(
        "hotline/requests/<int:pk>/",
        views.RequestDetailApi.as_view(),
        name="hotline-request-detail",
    ),
    path(
        "hotline/requests/<int:pk>/messages/",
        views.RequestMessageCreateApi.as_view(),
        name="hotline-request-message",
    ),
]
