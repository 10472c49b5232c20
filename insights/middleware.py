"""Notes each signed-in user once a day as active (see ``insights.services``)."""

from __future__ import annotations

import logging

from django.http import HttpRequest, HttpResponse

from insights.services import daily_active_note

logger = logging.getLogger(__name__)


class DailyActiveMiddleware:
    """After authentication: a cache note per user and day, never a database query."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and response.status_code < 400:
            try:
                daily_active_note(user_id=user.pk)
            except Exception:  # a cache outage must never fail the request
                logger.warning("daily active note failed", exc_info=True)
        return response
