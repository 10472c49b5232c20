from django.urls import path  # noqa: F401 - each area below adds its paths

app_name = "accounts"

# Paths are absolute from the site root (this module is included at ""), grouped by area.
# Each area's views live in accounts/views/<area>.py.
urlpatterns = [
    # --- auth: sign-in / sign-up by SMS code (allauth serves password login at /auth/) ---
    # --- identity: real name, member card, wallet, public verification ---
    # --- membership: 入会, 转会, history ---
    # --- me: the member's home, privacy, data export, closing the account ---
]
