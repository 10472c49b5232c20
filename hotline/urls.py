from django.urls import path

from hotline import views

app_name = "hotline"

urlpatterns = [
    path("", views.index, name="index"),
    path("suggestions/", views.suggestions, name="suggestions"),
    path("requests/<int:pk>/", views.request_detail, name="request_detail"),
    path("requests/<int:pk>/info/", views.request_add_info, name="request_add_info"),
    path("requests/<int:pk>/rate/", views.request_rate, name="request_rate"),
    path("requests/<int:pk>/confirm/", views.request_confirm, name="request_confirm"),
    path("requests/<int:pk>/reopen/", views.request_reopen, name="request_reopen"),
    path("requests/<int:pk>/book/", views.request_book, name="request_book"),
    path(
        "requests/<int:pk>/bookings/<int:booking_pk>/cancel/",
        views.booking_cancel,
        name="booking_cancel",
    ),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment_download"),
]
