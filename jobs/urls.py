from django.urls import path

from jobs import views

app_name = "jobs"

urlpatterns = [
    path("", views.index, name="index"),
    path("posts/<int:pk>/", views.post_detail, name="post_detail"),
    path("near/<str:code>/", views.region_posts, name="region_posts"),
    path("posts/<int:pk>/apply/", views.post_apply, name="post_apply"),
    path("resume/", views.resume_edit, name="resume_edit"),
    path("recommendations/", views.recommendations, name="recommendations"),
    path("applications/", views.application_list, name="application_list"),
    path("applications/<int:pk>/", views.application_detail, name="application_detail"),
    path(
        "applications/<int:pk>/withdraw/", views.application_withdraw, name="application_withdraw"
    ),
    path("manage/posts/", views.manage_posts, name="manage_posts"),
    path("manage/posts/new/", views.manage_post_new, name="manage_post_new"),
    path("manage/posts/<int:pk>/", views.manage_post_edit, name="manage_post_edit"),
    path("manage/posts/<int:pk>/action/", views.manage_post_action, name="manage_post_action"),
    path("manage/resumes/", views.manage_resumes, name="manage_resumes"),
    path("manage/resumes/<int:pk>/", views.manage_resume, name="manage_resume"),
    path("manage/applications/", views.manage_applications, name="manage_applications"),
    path("manage/applications/<int:pk>/", views.manage_application, name="manage_application"),
]
