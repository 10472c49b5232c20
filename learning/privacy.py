"""The member's learning records in their personal data export (PIPL)."""

from __future__ import annotations

from accounts.selectors.privacy import register_personal_data_exporter
from learning.models import (
    Attempt,
    CompetitionRegistration,
    Enrollment,
    LearningReward,
    WrongAnswer,
)


def _iso(value):
    return value.isoformat() if value is not None else None


@register_personal_data_exporter("learning")
def export_learning(user) -> dict:
    return {
        "enrollments": [
            {
                "course": e.course.title,
                "enrolled_at": _iso(e.enrolled_at),
                "completed_at": _iso(e.completed_at),
                "lessons_done": e.progress.count(),
            }
            for e in Enrollment.objects.filter(user=user).select_related("course")
        ],
        "exam_attempts": [
            {
                "paper": a.paper.title,
                "started_at": _iso(a.started_at),
                "submitted_at": _iso(a.submitted_at),
                "score": str(a.score) if a.score is not None else None,
            }
            for a in Attempt.objects.filter(user=user).select_related("paper")
        ],
        "wrong_answers": WrongAnswer.objects.filter(user=user).count(),
        "competitions": [
            {"competition": r.competition.title, "registered_at": _iso(r.registered_at)}
            for r in CompetitionRegistration.objects.filter(user=user).select_related("competition")
        ],
        "rewards": [
            {"description": r.description, "points": r.points, "at": _iso(r.created_at)}
            for r in LearningReward.objects.filter(user=user)
        ],
    }
