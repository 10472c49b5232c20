"""A competition entrant's standing, kept by the exam service as each round attempt is
submitted; apart from ``competitions`` so exams and competitions need not import each other
(competitions start attempts, exams update standings)."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from learning.models import Attempt, CompetitionResult


@transaction.atomic
def competition_result_update(*, attempt: Attempt) -> CompetitionResult | None:
    """Keep the entrant's best attempt of the round (higher score, then less time) and
    their totals. Called by the submit service; locks the standing row."""
    result = (
        CompetitionResult.objects.select_for_update()
        .filter(registration__competition_id=attempt.round.competition_id, user_id=attempt.user_id)
        .first()
    )
    if result is None or attempt.score is None:
        return None
    key = str(attempt.round_id)
    best = result.round_scores.get(key)
    candidate = [str(attempt.score), attempt.duration_seconds or 0]
    if best is None or (Decimal(candidate[0]), -candidate[1]) > (Decimal(best[0]), -best[1]):
        result.round_scores[key] = candidate
        result.score = sum((Decimal(v[0]) for v in result.round_scores.values()), Decimal(0))
        result.duration_seconds = sum(v[1] for v in result.round_scores.values())
        result.updated_at = timezone.now()
        result.save(update_fields=["round_scores", "score", "duration_seconds", "updated_at"])
    return result
