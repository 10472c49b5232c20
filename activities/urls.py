from django.urls import path

from activities import views

app_name = "activities"

urlpatterns = [
    path("", views.index, name="index"),
    path("<int:pk>/", views.activity_detail, name="activity_detail"),
    path("<int:pk>/signup/", views.activity_signup_view, name="activity_signup"),
    path("signups/<int:pk>/cancel/", views.signup_cancel_view, name="signup_cancel"),
    path("me/signups/", views.my_signups, name="my_signups"),
    path("benefits/<int:pk>/", views.campaign_detail, name="campaign_detail"),
    path("benefits/<int:pk>/claim/", views.campaign_claim_view, name="campaign_claim"),
    path("me/vouchers/", views.my_vouchers, name="my_vouchers"),
    path("me/points/", views.my_points, name="my_points"),
    path("mall/", views.mall_index, name="mall"),
    path("mall/<int:pk>/", views.mall_item_detail, name="mall_item"),
    path("mall/<int:pk>/redeem/", views.mall_order_place_view, name="mall_redeem"),
    path("me/orders/", views.my_orders, name="my_orders"),
    path("me/orders/<int:pk>/cancel/", views.order_cancel_view, name="order_cancel"),
    path("region/<str:code>/", views.region_block, name="region_block"),
    path("staff/scan/", views.staff_scan, name="staff_scan"),
    path("staff/claims.csv", views.staff_claims_csv, name="staff_claims_csv"),
    path("staff/orders.csv", views.staff_orders_csv, name="staff_orders_csv"),
]
