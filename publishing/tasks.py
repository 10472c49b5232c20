"""Background work for regions: publishing scheduled articles when their time comes."""

from __future__ import annotations

from celery import shared_task

from publishing.selectors.articles import article_ids_due
from publishing.services.articles import article_publish_scheduled


@shared_task(
    name="publishing.tasks.publish_due_articles",
    soft_time_limit=50,
    time_limit=60,
    autoretry_for=(ConnectionError,),
    retry_backoff=True,
    max_retries=3,
)
def publish_due_articles() -> int:
    """Run by beat every minute; idempotent (each id is re-checked under a row lock)."""
    return sum(article_publish_scheduled(article_id=article_id) for article_id in article_ids_due())
