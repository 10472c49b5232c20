from django.urls import path

from datahub.api import views

urlpatterns = [
    path("exchange/v1/members/", views.MemberListApi.as_view(), name="exchange-members"),
    path("exchange/v1/members/push/", views.MemberPushApi.as_view(), name="exchange-members-push"),
    path("exchange/v1/changes/", views.MemberChangeListApi.as_view(), name="exchange-changes"),
]
