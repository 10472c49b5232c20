"""URLs of the national sign-in. allauth includes this module's ``urlpatterns`` under
``/auth/`` for its provider registry and looks the first two up by the bare names
``acftu_login`` / ``acftu_callback``, so this module has no ``app_name``."""

from django.urls import path

from accounts.national import views

urlpatterns = [
    path("national/login/", views.national_login, name="acftu_login"),
    path("national/login/callback/", views.national_callback, name="acftu_callback"),
    path("national/continue/", views.national_continue, name="acftu_continue"),
    path("national/unlink/", views.national_unlink, name="acftu_unlink"),
]
