from django.urls import path
from rest_framework.routers import SimpleRouter

from activities.api import views

router = SimpleRouter()
router.register("activities", views.ActivityViewSet, basename="activity")
router.register("mall/items", views.MallItemViewSet, basename="mall-item")

# Included under /api/.
urlpatterns = [
    path(
        "activities/<int:pk>/signup/",
        views.ActivitySignupApi.as_view(),
        name="activity-signup",
    ),
    path(
        "me/activity-signups/",
        views.MySignupListApi.as_view(),
        name="my-activity-signups",
    ),
    path(
        "me/activity-signups/<int:pk>/cancel/",
        views.SignupCancelApi.as_view(),
        name="activity-signup-cancel",
    ),
    path("benefits/<int:pk>/claim/", views.CampaignClaimApi.as_view(), name="campaign-claim"),
    path("me/vouchers/", views.MyVoucherListApi.as_view(), name="my-vouchers"),
    path("me/points/", views.MyPointsApi.as_view(), name="my-points"),
    path("me/points/ledger/", views.MyPointsLedgerApi.as_view(), name="my-points-ledger"),
    path("mall/items/<int:pk>/redeem/", views.MallOrderCreateApi.as_view(), name="mall-redeem"),
    path("me/mall-orders/", views.MyOrderListApi.as_view(), name="my-mall-orders"),
    *router.urls,
]
