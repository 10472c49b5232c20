from django.conf import settings
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from core.notifications import notification_unread_count
from portal.navigation import nav_items
from portal.views import LARGE_TEXT_COOKIE


def site(request: HttpRequest) -> dict:
    return {
        "hotline_number": settings.PORTAL_HOTLINE_NUMBER,
        "large_text": request.COOKIES.get(LARGE_TEXT_COOKIE) == "1",
        "nav_items": nav_items(request),
        # Counted only if a template shows it.
        "unread_notifications": SimpleLazyObject(
            lambda: notification_unread_count(user=getattr(request, "user", None))
        ),
    }
