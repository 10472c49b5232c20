"""Writes for exams: starting an attempt (drawing and shuffling), autosaving answers,
submitting (scoring) and the server-side clock."""

from __future__ import annotations

import random
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from learning.models import (
    Attempt,
    AttemptQuestion,
    Choice,
    CompetitionRound,
    LearningReward,
    Paper,
    Question,
    QuestionKind,
)
from learning.services.questions import answer_clean, answer_fraction
from learning.services.rewards import learning_reward_record
from learning.services.standings import competition_result_update


def grace() -> timedelta:
    return timedelta(seconds=getattr(settings, "LEARNING_EXAM_GRACE_SECONDS", 30))


def attempt_accepts_answers(attempt: Attempt, *, now=None) -> bool:
    return attempt.is_open and (now or timezone.now()) <= attempt.deadline + grace()


def _draw(paper: Paper, rng: random.Random) -> list[tuple[Question, Decimal]]:
    if paper.mode == Paper.Mode.FIXED:
        rows = paper.paper_questions.select_related("question").order_by("position")
        drawn = [(row.question, row.points) for row in rows]
    else:
        drawn = []
        taken: set[int] = set()
        for rule in paper.rules.select_related("tag"):
            pool = Question.objects.filter(is_active=True, tags=rule.tag).exclude(pk__in=taken)
            if rule.difficulty:
                pool = pool.filter(difficulty=rule.difficulty)
            ids = list(pool.values_list("pk", flat=True))
            if len(ids) < rule.count:
                raise ValidationError(
                    _("题库中“%(tag)s”的题目不足%(n)d道，暂不能开考。")
                    % {"tag": rule.tag.name, "n": rule.count}
                )
            chosen = rng.sample(ids, rule.count)
            taken.update(chosen)
            questions = Question.objects.in_bulk(chosen)
            drawn.extend((questions[pk], rule.points) for pk in chosen)
    if not drawn:
        raise ValidationError(_("试卷还没有题目，暂不能开考。"))
    return drawn


@transaction.atomic
def attempt_start(
    *, user: Any, paper: Paper, round: CompetitionRound | None = None, seed: int | None = None
) -> Attempt:
    """Start (or resume) ``user``'s attempt at ``paper``.

    An open attempt is returned as is. Otherwise, within the attempts limit, questions are
    drawn (fixed list or rules), choice options shuffled for this attempt, and the
    deadline fixed by the server. Preconditions: the caller checked the paper is open to
    the user (published, or a competition round they are registered for).
    """
    open_attempt = Attempt.objects.filter(
        paper=paper, user=user, status=Attempt.Status.OPEN
    ).first()
    if open_attempt is not None:
        if attempt_accepts_answers(open_attempt):
            return open_attempt
        attempt_submit(attempt=open_attempt, auto=True)
    used = Attempt.objects.filter(paper=paper, user=user).count()
    if used >= paper.max_attempts:
        raise ValidationError(
            _("本试卷最多可考%(n)d次，您的次数已用完。") % {"n": paper.max_attempts}
        )
    rng = random.Random(seed)  # noqa: S311 - shuffling, not security
    drawn = _draw(paper, rng)
    now = timezone.now()
    try:
        with transaction.atomic():
            attempt = Attempt.objects.create(
                paper=paper,
                user=user,
                round=round,
                number=used + 1,
                started_at=now,
                deadline=now + timedelta(minutes=paper.time_limit_minutes),
                max_score=sum((points for _q, points in drawn), Decimal(0)),
            )
    except IntegrityError as exc:
        # Another tab started one at the same moment.
        raise ValidationError(_("考试已在另一个窗口开始，请刷新页面。")) from exc
    choices: dict[int, list[int]] = {}
    for choice in Choice.objects.filter(question__in=[q for q, _p in drawn]).order_by("position"):
        choices.setdefault(choice.question_id, []).append(choice.pk)
    items = []
    for position, (question, points) in enumerate(drawn, start=1):
        order = list(choices.get(question.pk, []))
        if question.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
            rng.shuffle(order)
        items.append(
            AttemptQuestion(
                attempt=attempt,
                question=question,
                position=position,
                points=points,
                option_order=order,
            )
        )
    AttemptQuestion.objects.bulk_create(items)
    return attempt


def _apply_answers(
    items: list[AttemptQuestion], answers: dict[int, Any], now
) -> list[AttemptQuestion]:
    """Validate every answer first, so one bad answer saves none."""
    by_question = {item.question_id: item for item in items}
    changed = []
    for question_id, raw in answers.items():
        item = by_question.get(question_id)
        if item is None:
            raise ValidationError(_("所答题目不在本次试卷中。"))
        item.answer = answer_clean(
            question=item.question, raw=raw, allowed_ids=set(item.option_order)
        )
        item.answered_at = now
        changed.append(item)
    return changed


def _locked_open(attempt: Attempt) -> Attempt:
    attempt = Attempt.objects.select_for_update().get(pk=attempt.pk)
    if not attempt.is_open:
        raise ValidationError(_("本次答卷已提交，不能重复交卷或修改答案。"))
    return attempt


def attempt_answers_save(*, attempt: Attempt, answers: dict[int, Any]) -> Attempt:
    """Autosave answers (question id → choice ids or text) of an open attempt.

    After the deadline plus the grace period nothing is saved: the attempt is submitted
    with what was saved before, and ValidationError tells the member so. An answer to a
    question not in the attempt, or an option id not offered, saves nothing.
    """
    try:
        return _answers_save(attempt=attempt, answers=answers)
    except _TimeUp:
        # Outside the failed block, so the auto-submission is kept.
        attempt_submit(attempt=attempt, auto=True)
        raise


class _TimeUp(ValidationError):
    def __init__(self) -> None:
        super().__init__(_("考试时间已到，答卷已按此前保存的答案自动提交。"))


@transaction.atomic
def _answers_save(*, attempt: Attempt, answers: dict[int, Any]) -> Attempt:
    attempt = _locked_open(attempt)
    now = timezone.now()
    if not attempt_accepts_answers(attempt, now=now):
        raise _TimeUp()
    items = list(attempt.items.filter(question_id__in=list(answers)).select_related("question"))
    changed = _apply_answers(items, answers, now)
    AttemptQuestion.objects.bulk_update(changed, ["answer", "answered_at"])
    return attempt


@transaction.atomic
def attempt_submit(
    *, attempt: Attempt, answers: dict[int, Any] | None = None, auto: bool = False
) -> Attempt:
    """Submit and score an attempt, with any final ``answers``.

    A second submit raises ValidationError. After deadline + grace the final answers are
    ignored and the attempt counts as auto-submitted. The query count does not grow with
    the number of questions (items, questions and choices are read in three queries and
    written back in one). A competition attempt updates the entrant's standing.
    """
    if auto:
        attempt = Attempt.objects.select_for_update().get(pk=attempt.pk)
        if not attempt.is_open:
            return attempt
    else:
        attempt = _locked_open(attempt)
    return _submit_locked(attempt=attempt, answers=answers, auto=auto, now=timezone.now())


def _submit_locked(
    *, attempt: Attempt, answers: dict[int, Any] | None = None, auto: bool, now
) -> Attempt:
    items = list(
        attempt.items.select_related("question").prefetch_related(
            Prefetch("question__choices", queryset=Choice.objects.order_by("position"))
        )
    )
    late = now > attempt.deadline + grace()
    if answers and not late:
        _apply_answers(items, answers, now)
    total = Decimal(0)
    for item in items:
        fraction = answer_fraction(question=item.question, answer=item.answer)
        item.awarded = (item.points * fraction).quantize(Decimal("0.1"))
        item.is_correct = fraction == 1
        total += item.awarded
    AttemptQuestion.objects.bulk_update(
        items, ["answer", "answered_at", "awarded", "is_correct"], batch_size=500
    )
    attempt.status = Attempt.Status.AUTO_SUBMITTED if (auto or late) else Attempt.Status.SUBMITTED
    attempt.submitted_at = now
    attempt.score = total
    end = min(now, attempt.deadline)
    attempt.duration_seconds = max(0, int((end - attempt.started_at).total_seconds()))
    attempt.save(update_fields=["status", "submitted_at", "score", "duration_seconds"])
    if attempt.round_id is not None:
        competition_result_update(attempt=attempt)
    else:
        _exam_passed_reward(attempt)
    return attempt


def _exam_passed_reward(attempt: Attempt) -> None:
    """Passing a paper earns points once per member and paper, however many attempts it
    took (competition rounds earn awards instead)."""
    paper = attempt.paper
    points = getattr(settings, "LEARNING_EXAM_PASS_POINTS", 0)
    if not points or attempt.score is None or attempt.score < paper.pass_score:
        return
    learning_reward_record(
        user=get_user_model()(pk=attempt.user_id),  # the key is all it needs: no query
        reason=LearningReward.Reason.EXAM_PASSED,
        points=points,
        key=f"exam:{paper.pk}:{attempt.user_id}",
        description=_("通过考试《%(paper)s》") % {"paper": paper.title},
    )


def attempts_expire_due(*, now=None) -> int:
    """Auto-submit every open attempt whose deadline plus grace has passed (beat task)."""
    now = now or timezone.now()
    count = 0
    for attempt_id in Attempt.objects.filter(
        status=Attempt.Status.OPEN, deadline__lt=now - grace()
    ).values_list("pk", flat=True)[:500]:
        attempt_submit(attempt=Attempt(pk=attempt_id), auto=True)
        count += 1
    return count
