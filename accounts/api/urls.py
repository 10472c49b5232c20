from django.urls import path  # noqa: F401 - each area below adds its paths

# Included under /api/. Each area's API views live in accounts/api/views/<area>.py.
urlpatterns = [
    # --- identity: card verification ---
    # --- membership: status and history ---
    # --- me ---
]
