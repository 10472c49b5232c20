"""Writes for practice (网上练兵): instant feedback and the wrong-answer book."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from learning.models import PracticeAnswer, Question, Tag, WrongAnswer
from learning.services.questions import answer_clean, answer_fraction


@dataclass(frozen=True)
class PracticeFeedback:
    question: Question
    answer: Any
    is_correct: bool
    correct_choice_ids: list[int]
    fill_answers: list[str]
    explanation: str
    in_wrong_book: bool
    right_streak: int


def wrong_book_streak() -> int:
    return getattr(settings, "LEARNING_WRONG_BOOK_STREAK", 3)


@transaction.atomic
def practice_answer(
    *, user: Any, question: Question, raw_answer: Any, tag: Tag | None = None
) -> PracticeFeedback:
    """Check a practice answer and return the feedback (right answer, explanation).

    Side effects: a ``PracticeAnswer`` row (for accuracy over time); a wrong answer puts
    the question in the 错题本 (or back in, resetting the streak); a right answer to a
    question in the book counts towards the streak that clears it. An option id not of
    the question raises ValidationError and records nothing.
    """
    answer = answer_clean(question=question, raw=raw_answer)
    is_correct = answer_fraction(question=question, answer=answer) == 1
    now = timezone.now()
    PracticeAnswer.objects.create(
        user=user, question=question, tag=tag, is_correct=is_correct, answered_at=now
    )
    entry = WrongAnswer.objects.select_for_update().filter(user=user, question=question).first()
    if not is_correct:
        if entry is None:
            entry = WrongAnswer.objects.create(
                user=user, question=question, wrong_count=1, last_wrong_at=now
            )
        else:
            entry.wrong_count += 1
            entry.right_streak = 0
            entry.last_wrong_at = now
            entry.cleared_at = None
            entry.save(update_fields=["wrong_count", "right_streak", "last_wrong_at", "cleared_at"])
    elif entry is not None and entry.cleared_at is None:
        entry.right_streak += 1
        if entry.right_streak >= wrong_book_streak():
            entry.cleared_at = now
        entry.save(update_fields=["right_streak", "cleared_at"])
    return PracticeFeedback(
        question=question,
        answer=answer,
        is_correct=is_correct,
        correct_choice_ids=[c.pk for c in question.choices.all() if c.is_correct],
        fill_answers=[a for a in question.fill_answers.split("|") if a],
        explanation=question.explanation,
        in_wrong_book=entry is not None and entry.cleared_at is None,
        right_streak=entry.right_streak if entry is not None else 0,
    )
