"""Periodic hotline work: overdue flags and escalation, auto-close, consultation reminders.
Each task loads ids and calls a service per id; the services are idempotent."""

from __future__ import annotations

from celery import shared_task

from hotline.selectors import (
    consultation_bookings_due_for_reminder,
    hotline_request_ids_overdue,
    hotline_request_ids_to_auto_close,
)
from hotline.services.consultations import consultation_remind
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
