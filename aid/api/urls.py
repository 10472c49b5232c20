from django.urls import path

from aid.api import views

urlpatterns = [
    path("aid/hardship/", views.HardshipListCreateApi.as_view(), name="aid-hardship-list"),
    path("aid/hardship/<int:pk>/", views.HardshipDetailApi.as_view(), name="aid-hardship-detail"),
    path("aid/plans/", views.PlanListApi.as_view(), name="aid-plan-list"),
    path("aid/enrolments/", views.EnrolmentListCreateApi.as_view(), name="aid-enrolment-list"),
    path(
        "aid/enrolments/<int:pk>/",
        views.EnrolmentDetailApi.as_view(),
        name="aid-enrolment-detail",
    ),
    path(
        "aid/enrolments/<int:pk>/claims/", views.ClaimCreateApi.as_view(), name="aid-claim-create"
    ),
    path("aid/claims/<int:pk>/", views.ClaimDetailApi.as_view(), name="aid-claim-detail"),
]
