from django.urls import path

from datahub import views

app_name = "datahub"

urlpatterns = [
    path("imports/", views.import_list, name="import_list"),
    path("databases/", views.work_database_list, name="work_database_list"),
    path("imports/<int:pk>/", views.import_detail, name="import_detail"),
    path("imports/<int:pk>/progress/", views.import_progress, name="import_progress"),
    path(
        "imports/<int:pk>/report.<str:fmt>",
        views.import_report,
        name="import_report",
    ),
]
