"""Periodic hotline work: overdue flags and escalation, auto-close, consultation reminders;
and the time limits recomputed after a calendar change. Each task loads ids and calls a
service; the services are idempotent."""

from __future__ import annotations

from datetime import date

from celery import shared_task

from hotline.selectors import (
    consultation_bookings_due_for_reminder,
    hotline_request_ids_overdue,
    hotline_request_ids_to_auto_close,
)
from hotline.services.consultations import consultation_remind
from hotline.services.deadlines import hotline_due_dates_recompute
from hotline.services.requests import hotline_request_auto_close, hotline_request_flag_overdue

RETRY = {
    "autoretry_for": (ConnectionError,),
    "retry_backoff": True,
    "max_retries": 3,
    "soft_time_limit": 240,
    "time_limit": 280,
}


@shared_task(name="hotline.tasks.flag_overdue", **RETRY)
def flag_overdue() -> int:
    return sum(hotline_request_flag_overdue(request_id=pk) for pk in hotline_request_ids_overdue())


@shared_task(name="hotline.tasks.auto_close", **RETRY)
def auto_close() -> int:
    return sum(
        hotline_request_auto_close(request_id=pk) for pk in hotline_request_ids_to_auto_close()
    )


@shared_task(name="hotline.tasks.consultation_reminders", **RETRY)
def consultation_reminders() -> int:
    return sum(
        consultation_remind(booking_id=pk) for pk in consultation_bookings_due_for_reminder()
    )


@shared_task(name="hotline.tasks.recompute_due_dates", **RETRY)
def recompute_due_dates(dates: list[str], after_id: int = 0, run: str = "") -> int:
    """Enqueued by the calendar services (``due_dates_recompute_later``); a long run hands
    the rest to a new one itself."""
    return hotline_due_dates_recompute(
        dates=[date.fromisoformat(day) for day in dates], after_id=after_id, run=run
    ).moved
