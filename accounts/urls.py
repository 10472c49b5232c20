from django.urls import path

from accounts.views import auth as auth_views
from accounts.views import consent as consent_views
from accounts.views import identity as identity_views
from accounts.views import me, push
from accounts.views import membership as membership_views

app_name = "accounts"

# Paths are absolute from the site root (this module is included at ""), grouped by area.
# Each area's views live in accounts/views/<area>.py.
urlpatterns = [
    # --- auth: sign-in / sign-up by SMS code (allauth serves password login at /auth/) ---
    path("auth/code/", auth_views.login_code, name="login_code"),
    path("auth/code/confirm/", auth_views.login_code_confirm, name="login_code_confirm"),
    path("privacy/", auth_views.privacy_policy, name="privacy_policy"),
    # --- identity: real name, member card, wallet, public verification ---
    path("me/identity/", identity_views.identity_detail, name="identity"),
    path("me/identity/reveal/", identity_views.identity_reveal, name="identity_reveal"),
    path("me/card/", identity_views.card_detail, name="card"),
    path("me/wallet/", identity_views.wallet_list, name="wallet"),
    path("me/wallet/<str:serial>/", identity_views.wallet_detail, name="wallet_detail"),
    path("me/wallet/<str:serial>/qr/", identity_views.credential_qr, name="credential_qr"),
    path("verify/", identity_views.credential_verify, name="credential_verify"),
    # --- membership: 入会, 转会, history ---
    path("me/membership/", membership_views.membership_status, name="membership"),
    path("me/membership/apply/", membership_views.membership_apply, name="membership_apply"),
    path(
        "me/membership/transfer/",
        membership_views.membership_transfer,
        name="membership_transfer",
    ),
    path(
        "me/membership/applications/<int:pk>/withdraw/",
        membership_views.membership_application_withdraw,
        name="membership_application_withdraw",
    ),
    path(
        "me/membership/transfers/<int:pk>/withdraw/",
        membership_views.membership_transfer_withdraw,
        name="membership_transfer_withdraw",
    ),
    # --- me: the member's home, privacy, data export, closing the account ---
    path("me/", me.me_home, name="me"),
    path("me/privacy/", me.me_privacy, name="me_privacy"),
    path("me/privacy/export/", me.me_data_export, name="me_data_export"),
    # the consent gate (accounts.middleware.ConsentGateMiddleware) sends members here
    path("me/consent/", consent_views.consent_required, name="consent"),
    path("me/notices/", me.me_notices, name="notices"),
    path("me/notices/read/", me.me_notices_read, name="notices_read"),
    # the "开启手机推送" control (static/js/pwa.js posts the browser's subscription)
    path("me/notices/push/", push.push_subscribe, name="push_subscribe"),
    path("me/notices/push/delete/", push.push_unsubscribe, name="push_unsubscribe"),
]
