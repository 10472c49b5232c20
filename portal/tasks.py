"""Periodic portal work: relaying outbox rows left pending while the broker was down."""

from __future__ import annotations

from datetime import timedelta

from celery import shared_task

from portal.outbox import outbox_purge, outbox_relay

#: Sent rows are kept this long for inspection, then purged.
OUTBOX_KEEP_SENT = timedelta(days=7)


@shared_task(name="portal.tasks.outbox_relay_pending", soft_time_limit=50, time_limit=60)
def outbox_relay_pending() -> int:
    """Send what the after-commit relay could not (idempotent: sent rows are skipped)."""
    sent = outbox_relay()
    outbox_purge(older_than=OUTBOX_KEEP_SENT)
    return sent


@shared_task(name="portal.tasks.audit_log_prune", ignore_result=True)
def audit_log_prune() -> int:
    """Nightly: drop audit entries past their retention (never younger than six months);
    idempotent."""
    from portal.audit import audit_log_prune as prune

    return prune()
