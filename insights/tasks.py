"""Periodic work of the data platform: flush the daily-active notes, compute yesterday."""

from __future__ import annotations

from datetime import date, timedelta

from celery import shared_task
from django.utils import timezone

from insights.services import daily_active_flush, facts_compute_day

RETRY = {
    "autoretry_for": (ConnectionError,),
    "retry_backoff": True,
    "max_retries": 3,
}


@shared_task(name="insights.tasks.flush_active", soft_time_limit=120, time_limit=150, **RETRY)
def flush_active() -> int:
    return daily_active_flush()


@shared_task(name="insights.tasks.compute_day", soft_time_limit=900, time_limit=960, **RETRY)
def compute_day(day: str | None = None) -> int:
    """Compute the facts of ``day`` (ISO date; yesterday if omitted). Idempotent: the day
    is replaced. Yesterday's last daily-active notes are written first."""
    target = date.fromisoformat(day) if day else timezone.localdate() - timedelta(days=1)
    daily_active_flush(day=target)
    return facts_compute_day(day=target).rows
