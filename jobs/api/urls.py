from django.urls import path

from jobs.api import views

urlpatterns = [
    path("jobs/", views.JobListApi.as_view(), name="job-list"),
    path("jobs/<int:pk>/", views.JobDetailApi.as_view(), name="job-detail"),
    path("me/jobs/resume/", views.MyResumeApi.as_view(), name="my-resume"),
    path(
        "me/jobs/recommendations/", views.MyRecommendationsApi.as_view(), name="my-recommendations"
    ),
    path("me/jobs/applications/", views.MyApplicationListApi.as_view(), name="my-applications"),
    path(
        "me/jobs/applications/new/", views.ApplicationCreateApi.as_view(), name="application-create"
    ),
    path(
        "me/jobs/applications/<int:pk>/",
        views.MyApplicationDetailApi.as_view(),
        name="my-application-detail",
    ),
]
