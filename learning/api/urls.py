from django.urls import path

from learning.api import views

urlpatterns = [
    path("learning/courses/", views.CourseListApi.as_view(), name="learning-course-list"),
    path(
        "learning/courses/<int:pk>/", views.CourseDetailApi.as_view(), name="learning-course-detail"
    ),
    path(
        "learning/courses/<int:pk>/enroll/",
        views.CourseEnrollApi.as_view(),
        name="learning-course-enroll",
    ),
    path(
        "learning/enrollments/",
        views.MyEnrollmentListApi.as_view(),
        name="learning-enrollment-list",
    ),
    path(
        "learning/enrollments/<int:pk>/complete-lesson/",
        views.LessonCompleteApi.as_view(),
        name="learning-lesson-complete",
    ),
    path("learning/practice/next/", views.PracticeNextApi.as_view(), name="learning-practice-next"),
    path(
        "learning/practice/answers/",
        views.PracticeAnswerApi.as_view(),
        name="learning-practice-answer",
    ),
    path(
        "learning/papers/<int:pk>/attempts/",
        views.AttemptStartApi.as_view(),
        name="learning-attempt-start",
    ),
    path(
        "learning/attempts/<int:pk>/",
        views.AttemptDetailApi.as_view(),
        name="learning-attempt-detail",
    ),
    path(
        "learning/attempts/<int:pk>/answers/",
        views.AttemptAnswersApi.as_view(),
        name="learning-attempt-answers",
    ),
    path(
        "learning/attempts/<int:pk>/submit/",
        views.AttemptSubmitApi.as_view(),
        name="learning-attempt-submit",
    ),
]
