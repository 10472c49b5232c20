"""A test-only task for the worker-killed test, loaded by its worker (``celery -I``).

It does a real task's work (matching a job post: match rows and notices), records that it
got there in a marker file, then lingers so the test can SIGKILL the worker at that point.
A redelivered run (the marker already has a line) does not linger.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from celery import shared_task
from django.db import transaction

from jobs.services import job_post_match


def _mark_and_linger(marker: Path, linger: float) -> None:
    runs = marker.read_text().count("\n") if marker.exists() else 0
    with marker.open("a") as out:
        out.write(f"{os.getpid()}\n")
    if runs == 0:
        time.sleep(linger)  # the test kills the worker here


@shared_task(name="tests.faults.tasks.match_post_then_linger", acks_late=True)
def match_post_then_linger(
    post_id: int, marker: str, linger: float, inside_transaction: bool
) -> int:
    if inside_transaction:  # killed before the work commits: nothing of it remains
        with transaction.atomic():
            notified = job_post_match(post_id=post_id)
            _mark_and_linger(Path(marker), linger)
        return notified
    notified = job_post_match(post_id=post_id)  # committed, but the message not yet acked
    _mark_and_linger(Path(marker), linger)
    return notified
