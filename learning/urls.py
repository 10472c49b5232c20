from django.urls import path

from learning import views

app_name = "learning"

urlpatterns = [
    path("", views.catalogue, name="index"),
    path("me/", views.my_learning, name="me"),
    path("courses/<int:pk>/", views.course_detail, name="course_detail"),
    path("courses/<int:pk>/enroll/", views.course_enroll, name="course_enroll"),
    path("courses/<int:pk>/continue/", views.course_continue, name="course_continue"),
    path("courses/<int:pk>/lessons/<int:position>/", views.lesson_detail, name="lesson_detail"),
    path(
        "courses/<int:pk>/lessons/<int:position>/complete/",
        views.lesson_done,
        name="lesson_complete",
    ),
    path("practice/", views.practice_index, name="practice"),
    path("practice/question/", views.practice_question, name="practice_question"),
    path("exams/", views.paper_list, name="papers"),
    path("exams/<int:pk>/", views.paper_detail, name="paper_detail"),
    path("exams/<int:pk>/start/", views.paper_start, name="paper_start"),
    path("attempts/<int:pk>/", views.attempt_take, name="attempt"),
    path("attempts/<int:pk>/result/", views.attempt_result, name="attempt_result"),
    path("competitions/", views.competitions, name="competitions"),
    path("competitions/<int:pk>/", views.competition_detail, name="competition_detail"),
    path("competitions/<int:pk>/register/", views.competition_join, name="competition_register"),
    path(
        "competitions/<int:pk>/rounds/<int:round_pk>/start/",
        views.competition_round_begin,
        name="round_start",
    ),
    path("competitions/<int:pk>/leaderboard/", views.competition_board, name="leaderboard"),
]
