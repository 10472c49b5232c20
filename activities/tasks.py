"""Thin tasks: ids in, one service call. Other modules enqueue points this way after their
own commit (``points_credit_later``)."""

from __future__ import annotations

from celery import shared_task
from django.contrib.auth import get_user_model
from django.db import OperationalError

from activities.services import points_credit, points_expiry_run_continue, points_expiry_run_start
from core.outbox import outbox_enqueue


@shared_task(
    bind=True,
    autoretry_for=(ConnectionError, TimeoutError),
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=5,
    soft_time_limit=30,
    time_limit=60,
)
def points_credit_task(
    self, user_id: int, amount: int, reason: str, source: str, idempotency_key: str
) -> int | None:
    """Idempotent by ``idempotency_key``: a retry never pays twice."""
    user = get_user_model().objects.filter(pk=user_id).first()
    if user is None:
        return None
    entry = points_credit(
        user=user, amount=amount, reason=reason, source=source, idempotency_key=idempotency_key
    )
    return entry.pk


def points_credit_later(
    *, user_id: int, amount: int, reason: str, source: str, idempotency_key: str
) -> None:
    """Credit points once the caller's transaction commits (e.g. a finished course)."""
    outbox_enqueue(
        points_credit_task,
        args=[user_id, amount, reason, source, idempotency_key],
        key=f"activities.points_credit:{idempotency_key}",
    )


#: Seconds of batches one task runs before handing the rest of the walk to a fresh task
#: (under the soft time limit, so a batch is never cut off midway by it).
EXPIRE_POINTS_SLICE_SECONDS = 20 * 60


@shared_task(
    name="activities.tasks.expire_points",
    autoretry_for=(ConnectionError, TimeoutError, OperationalError),
    retry_backoff=True,
    max_retries=5,
    soft_time_limit=EXPIRE_POINTS_SLICE_SECONDS + 600,
    time_limit=EXPIRE_POINTS_SLICE_SECONDS + 700,
)
def expire_points(run_id: int | None = None) -> int:
    """Run by beat every night: today's expiry run, walked from its stored cursor. After a
    slice of time it enqueues itself for the rest; a retry, a crash or a second start the
    same day resumes after the last committed batch and never writes a row twice. Returns
    the rows this task wrote."""
    if run_id is None:
        run_id = points_expiry_run_start().pk
    written, done = points_expiry_run_continue(
        run_id=run_id, max_seconds=EXPIRE_POINTS_SLICE_SECONDS
    )
    if not done:
        expire_points.apply_async(args=[run_id])
    return written
