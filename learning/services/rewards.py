"""Learning rewards into the points ledger: each ``LearningReward`` is recorded once per
event (a course finished, a paper passed, a prize) and credited once, through the one points
service (``activities.services.points_credit``)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from activities.models import PointsEntry
from activities.services import points_credit
from core.outbox import outbox_enqueue
from learning.models import LearningReward

REWARD_SOURCES = {
    LearningReward.Reason.COURSE_COMPLETED: PointsEntry.Source.COURSE,
    LearningReward.Reason.EXAM_PASSED: PointsEntry.Source.EXAM,
    LearningReward.Reason.COMPETITION_AWARD: PointsEntry.Source.COMPETITION,
}


def reward_idempotency_key(reward: LearningReward) -> str:
    return f"learning:{reward.key}"


@transaction.atomic
def learning_reward_record(
    *, user: Any, reason: str, points: int, key: str, description: str
) -> LearningReward:
    """Record a points-earning event once per ``key``. Side effect: once the caller's
    transaction commits, ``learning.tasks.credit_reward`` credits it to the points ledger
    (``learning_reward_credit`` below); a lost task is picked up by the
    hourly sweep."""
    reward, created = LearningReward.objects.get_or_create(
        key=key,
        defaults={"user": user, "reason": reason, "points": points, "description": description},
    )
    if created:
        # By task name: services never import tasks (docs/architecture.md).
        outbox_enqueue(
            "learning.tasks.credit_reward",
            args=[reward.pk],
            key=f"learning.credit_reward:{reward.pk}",
        )
    return reward


@transaction.atomic
def learning_reward_credit(*, reward_id: int) -> LearningReward | None:
    """Credit one reward to the member's points and stamp ``credited_at``, in one
    transaction. Idempotent twice over: the reward row is locked and skipped once
    stamped, and the ledger's idempotency key (``learning:<reward key>``) pays a key once
    even if the stamp were lost. A reward of 0 points is only stamped. Returns None for a
    reward that no longer exists."""
    reward = (
        LearningReward.objects.select_for_update(of=("self",))
        .select_related("user")
        .filter(pk=reward_id)
        .first()
    )
    if reward is None or reward.credited_at is not None:
        return reward
    if reward.points > 0:
        points_credit(
            user=reward.user,
            amount=reward.points,
            reason=reward.description,
            source=REWARD_SOURCES.get(reward.reason, PointsEntry.Source.OTHER),
            idempotency_key=reward_idempotency_key(reward),
        )
    reward.credited_at = timezone.now()
    reward.save(update_fields=["credited_at"])
    return reward


def learning_rewards_credit_pending(*, older_than: timedelta = timedelta(minutes=5)) -> int:
    """The hourly sweep: credit rewards still uncredited some minutes after they were
    recorded (their after-commit task was lost, e.g. the broker was down). Returns how
    many were credited."""
    ids = list(
        LearningReward.objects.filter(
            credited_at__isnull=True, created_at__lte=timezone.now() - older_than
        )
        .order_by("created_at")
        .values_list("pk", flat=True)[:5000]
    )
    return sum(1 for pk in ids if learning_reward_credit(reward_id=pk) is not None)
