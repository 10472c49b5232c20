"""Thin tasks: ids in, one service call. Other modules enqueue points this way after their
own commit (``points_credit_later``)."""

from __future__ import annotations

from celery import shared_task
from django.contrib.auth import get_user_model

from activities.services import points_credit, points_expire_due
from portal.outbox import outbox_enqueue


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


@shared_task(
    name="activities.tasks.expire_points",
    autoretry_for=(ConnectionError, TimeoutError),
    retry_backoff=True,
    max_retries=3,
    soft_time_limit=1800,
    time_limit=1900,
)
def expire_points() -> int:
    """Run by beat every night; idempotent (each member's ledger is replayed under the
    account lock, so a second run writes nothing)."""
    return points_expire_due()
