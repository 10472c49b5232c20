from django.urls import path

from insights import views

app_name = "insights"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("export/", views.dashboard_export, name="export"),
    path("indicators/", views.indicator_dictionary, name="dictionary"),
    path("screen/", views.screen_home, name="screen_home"),
    path("screen/<str:code>/", views.screen, name="screen"),
    path("screen/<str:code>/panel/", views.screen_panel, name="screen_panel"),
]
