"""Background work for learning: submitting exam attempts whose time ran out, issuing
competition awards from the admin without holding the request, and crediting learning
rewards to the points ledger."""

from __future__ import annotations

from celery import shared_task

from learning.models import Competition
from learning.services.competitions import competition_awards_issue
from learning.services.exams import attempts_expire_due
from learning.services.rewards import learning_reward_credit, learning_rewards_credit_pending


@shared_task(
    name="learning.tasks.expire_attempts",
    soft_time_limit=50,
    time_limit=60,
    autoretry_for=(ConnectionError,),
    retry_backoff=True,
    max_retries=3,
)
def expire_attempts() -> int:
    """Run by beat every minute; idempotent (each attempt is re-checked under a row lock)."""
    return attempts_expire_due()


@shared_task(
    name="learning.tasks.issue_competition_awards",
    soft_time_limit=240,
    time_limit=300,
    autoretry_for=(ConnectionError,),
    retry_backoff=True,
    max_retries=3,
)
def issue_competition_awards(competition_id: int) -> int:
    """Idempotent: the wallet and the points table are keyed by each standing."""
    competition = Competition.objects.filter(pk=competition_id).first()
    if competition is None:
        return 0
    return competition_awards_issue(competition=competition)


@shared_task(
    name="learning.tasks.credit_reward",
    soft_time_limit=30,
    time_limit=60,
    autoretry_for=(ConnectionError, TimeoutError),
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=5,
)
def credit_reward(reward_id: int) -> bool:
    """Enqueued after commit by ``learning_reward_record``; idempotent (credited once)."""
    return learning_reward_credit(reward_id=reward_id) is not None


@shared_task(
    name="learning.tasks.credit_pending_rewards",
    soft_time_limit=240,
    time_limit=300,
    autoretry_for=(ConnectionError,),
    retry_backoff=True,
    max_retries=3,
)
def credit_pending_rewards() -> int:
    """Run by beat hourly: rewards whose after-commit task was lost."""
    return learning_rewards_credit_pending()
