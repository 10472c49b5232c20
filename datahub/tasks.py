"""Thin tasks: take an id, call the service."""

from __future__ import annotations

from celery import shared_task

from datahub.services.imports import roster_import_run
from datahub.services.works import work_import_run


@shared_task(
    acks_late=True,
    # A 2-million-row roster takes minutes: well past the default limits.
    soft_time_limit=30 * 60,
    time_limit=35 * 60,
    autoretry_for=(ConnectionError,),
    retry_backoff=True,
    max_retries=3,
)
def roster_import_run_task(import_id: int) -> str:
    """Run a queued import; a second delivery finds it running or done and does nothing."""
    roster_import = roster_import_run(import_id=import_id)
    return roster_import.status if roster_import is not None else "missing"


@shared_task(
    acks_late=True,
    soft_time_limit=30 * 60,
    time_limit=35 * 60,
    autoretry_for=(ConnectionError,),
    retry_backoff=True,
    max_retries=3,
)
def work_import_run_task(import_id: int) -> str:
    """Run a queued work-database import; a redelivery finds it running or done."""
    work_import = work_import_run(import_id=import_id)
    return work_import.status if work_import is not None else "missing"
