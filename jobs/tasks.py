"""Thin Celery tasks: ids in, a service call, idempotent, retried with backoff."""

from __future__ import annotations

from celery import chord, group, shared_task
from django.db import OperationalError

from jobs.services import (
    job_post_match,
    matching_refresh_chunk,
    matching_refresh_plan,
    occupation_vocabulary_learn,
    resume_match,
)

REFRESH_CHUNK = 500
_RETRY = {
    "autoretry_for": (OperationalError, ConnectionError),
    "retry_backoff": 5,
    "retry_backoff_max": 300,
    "retry_jitter": True,
    "max_retries": 5,
    "acks_late": True,
}


@shared_task(soft_time_limit=60, time_limit=90, **_RETRY)
def match_resume(resume_id: int, revision: int | None = None) -> int:
    return resume_match(resume_id=resume_id, revision=revision)


@shared_task(soft_time_limit=240, time_limit=300, **_RETRY)
def match_post(post_id: int) -> int:
    """A published post against every résumé in one batch (enqueued through the outbox when
    a post is published or edited); idempotent, so a redelivery notifies no one twice."""
    return job_post_match(post_id=post_id)


@shared_task(bind=True, soft_time_limit=600, time_limit=660, **_RETRY)
def refresh_chunk(self, resume_ids: list[int]) -> int:
    """One chunk of the nightly refresh; the worker's name is kept on each résumé."""
    return matching_refresh_chunk(resume_ids=resume_ids, worker=self.request.hostname or "")


@shared_task
def refresh_done(counts: list[int]) -> int:
    return sum(counts)


@shared_task(soft_time_limit=120, time_limit=180, **_RETRY)
def nightly_refresh(chunk: int = REFRESH_CHUNK) -> int:
    """Split every complete résumé into chunks (ordered by occupation, so each chunk
    batches well) that any worker can take: a chord, or a plain group without a result
    backend."""
    chunks = matching_refresh_plan(chunk=chunk)
    if not chunks:
        return 0
    signatures = group(refresh_chunk.s(part) for part in chunks)
    if refresh_chunk.app.conf.result_backend:
        chord(signatures)(refresh_done.s())
    else:
        signatures.apply_async()  # no result backend: a plain group
    return len(chunks)


@shared_task(soft_time_limit=900, time_limit=960, **_RETRY)
def learn_vocabulary() -> int:
    """Nightly, before the refresh: which titles name which occupation, from all active
    posts (``occupation_vocabulary_learn``; memory bounded by its caps)."""
    return occupation_vocabulary_learn()
