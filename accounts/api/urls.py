from django.urls import path

from accounts.api.views import identity as identity_api
from accounts.api.views import me
from accounts.api.views import membership as membership_api

# Included under /api/. Each area's API views live in accounts/api/views/<area>.py.
urlpatterns = [
    # --- identity: card verification ---
    path("cards/verify/", identity_api.CredentialVerifyApi.as_view(), name="card-verify"),
    path("cards/public-key/", identity_api.CardPublicKeyApi.as_view(), name="card-public-key"),
    # --- membership: status and history ---
    path("me/membership/", membership_api.MembershipStatusApi.as_view(), name="membership-status"),
    path(
        "me/membership/applications/",
        membership_api.MembershipApplicationCreateApi.as_view(),
        name="membership-application-create",
    ),
    path(
        "me/membership/applications/<int:pk>/withdraw/",
        membership_api.MembershipApplicationWithdrawApi.as_view(),
        name="membership-application-withdraw",
    ),
    path(
        "me/membership/transfers/",
        membership_api.TransferRequestCreateApi.as_view(),
        name="membership-transfer-create",
    ),
    path(
        "me/membership/transfers/<int:pk>/withdraw/",
        membership_api.TransferRequestWithdrawApi.as_view(),
        name="membership-transfer-withdraw",
    ),
    # --- me ---
    path("me/", me.MeApi.as_view(), name="me"),
    path("me/export/", me.MeExportApi.as_view(), name="me-export"),
]
