"""Nightly: the hardship aid disbursed a year ago falls due for its re-check (复核). The
task loads the ids and calls the idempotent service for each."""

from __future__ import annotations

from celery import shared_task

from aid.selectors import hardship_application_ids_recheck_due
from aid.services.hardship import hardship_application_flag_recheck


@shared_task(
    name="aid.tasks.flag_rechecks",
    autoretry_for=(ConnectionError,),
    retry_backoff=True,
    max_retries=3,
    soft_time_limit=240,
    time_limit=280,
)
def flag_rechecks() -> int:
    return sum(
        hardship_application_flag_recheck(application_id=pk)
        for pk in hardship_application_ids_recheck_due()
    )
