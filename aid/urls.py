from django.urls import path

from aid import views

app_name = "aid"

urlpatterns = [
    path("", views.index, name="index"),
    path("hardship/apply/", views.hardship_apply, name="hardship_apply"),
    path("hardship/<int:pk>/", views.hardship_detail, name="hardship_detail"),
    path("hardship/<int:pk>/withdraw/", views.hardship_withdraw, name="hardship_withdraw"),
    path("hardship/documents/<int:pk>/", views.hardship_document, name="hardship_document"),
    path("plans/<int:pk>/", views.plan_detail, name="plan_detail"),
    path("plans/<int:pk>/enrol/", views.plan_enrol, name="plan_enrol"),
    path("enrolments/<int:pk>/", views.enrolment_detail, name="enrolment_detail"),
    path("enrolments/<int:pk>/claim/", views.enrolment_claim, name="enrolment_claim"),
    path("enrolments/<int:pk>/cancel/", views.enrolment_cancel, name="enrolment_cancel"),
    path("claims/<int:pk>/", views.claim_detail, name="claim_detail"),
    path("claims/documents/<int:pk>/", views.claim_document, name="claim_document"),
]
