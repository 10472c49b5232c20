"""Writes for exam papers and competitions as authored in the admin (one write path: the
admin, the demo and tests call these). Scoped by region like courses."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.permissions import Action, user_can
from learning.models import (
    Competition,
    CompetitionRound,
    Difficulty,
    Paper,
    PaperQuestion,
    PaperRule,
    Question,
    Tag,
)


@dataclass(frozen=True)
class PaperItem:
    """A question of a fixed paper."""

    question: Question
    points: Decimal
    position: int


@dataclass(frozen=True)
class PaperRuleSpec:
    """Draw ``count`` active questions tagged ``tag`` (of ``difficulty``, None = any)."""

    tag: Tag
    count: int
    points: Decimal
    difficulty: int | None = None


@dataclass(frozen=True)
class RoundSpec:
    position: int
    title: str
    paper: Paper
    opens_at: datetime
    closes_at: datetime


def _check_scope(actor: Any, obj: Any, message: str) -> None:
    region = obj.region if obj.region_id else None
    if region is None or not user_can(actor, Action.CONTENT_PUBLISH, region=region):
        raise ValidationError(message)


# --- papers ------------------------------------------------------------------------------


def paper_fields_check(*, paper: Paper) -> None:
    """The paper's own fields: a title, a positive time limit and attempts limit, a pass
    score not below zero. Raises ValidationError keyed by field (Chinese)."""
    errors: dict[str, str] = {}
    if not (paper.title or "").strip():
        errors["title"] = _("请填写试卷名称。")
    if paper.mode not in Paper.Mode.values:
        errors["mode"] = _("组卷方式无效。")
    if not paper.time_limit_minutes or paper.time_limit_minutes <= 0:
        errors["time_limit_minutes"] = _("限时须为正整数（分钟）。")
    if not paper.max_attempts or paper.max_attempts <= 0:
        errors["max_attempts"] = _("可考次数须为正整数。")
    if paper.pass_score is None or paper.pass_score < 0:
        errors["pass_score"] = _("及格分不能为负数。")
    if errors:
        raise ValidationError(errors)


def paper_items_check(
    *, paper: Paper, questions: list[PaperItem], rules: list[PaperRuleSpec]
) -> None:
    """The questions of a fixed paper or the rules of a drawn one.

    A rule asks for N > 0 questions of a tag (and difficulty); the active bank must hold
    that many, counting questions already taken by earlier rules of the paper (the draw
    never repeats a question). A published paper must have questions or rules. Raises
    ValidationError with every problem found (Chinese).
    """
    problems: list[str] = []
    if paper.mode == Paper.Mode.FIXED:
        seen: set[int] = set()
        for item in questions:
            if item.question.pk in seen:
                problems.append(_("题目“%(q)s”在试卷中重复。") % {"q": item.question})
            seen.add(item.question.pk)
            if item.points is None or item.points <= 0:
                problems.append(_("题目“%(q)s”的分值须大于0。") % {"q": item.question})
        if paper.is_published and not questions:
            problems.append(_("固定试卷至少要有一道题目才能发布。"))
    else:
        taken: set[int] = set()
        for rule in rules:
            label = rule.tag.name
            if rule.difficulty is not None:
                if rule.difficulty not in Difficulty.values:
                    problems.append(_("抽题规则“%(t)s”的难度无效。") % {"t": label})
                    continue
                label = f"{label}·{Difficulty(rule.difficulty).label}"
            if not rule.count or rule.count <= 0:
                problems.append(_("抽题规则“%(t)s”的题数须为正整数。") % {"t": label})
                continue
            if rule.points is None or rule.points <= 0:
                problems.append(_("抽题规则“%(t)s”的每题分值须大于0。") % {"t": label})
            pool = Question.objects.filter(is_active=True, tags=rule.tag).exclude(pk__in=taken)
            if rule.difficulty is not None:
                pool = pool.filter(difficulty=rule.difficulty)
            ids = list(pool.values_list("pk", flat=True)[: rule.count])
            if len(ids) < rule.count:
                problems.append(
                    _("题库中“%(t)s”的可用题目只有%(have)d道，不足规则要求的%(n)d道。")
                    % {"t": label, "have": len(ids), "n": rule.count}
                )
            taken.update(ids)
        if paper.is_published and not rules:
            problems.append(_("按规则抽题的试卷至少要有一条抽题规则才能发布。"))
    if problems:
        raise ValidationError(problems)


@transaction.atomic
def paper_save(
    *,
    actor: Any,
    paper: Paper,
    questions: list[PaperItem] | None = None,
    rules: list[PaperRuleSpec] | None = None,
) -> Paper:
    """Create or update ``paper`` with its question list (fixed) or its rules (drawn).

    Preconditions: ``actor`` may publish content in ``paper.region``. The given list
    replaces the paper's questions or rules; the other kind is cleared, so a paper is
    either fixed or drawn. Attempts already made keep the questions they drew. Raises
    ValidationError (Chinese) and saves nothing on bad input.
    """
    _check_scope(actor, paper, _("您没有在该地区发布试卷的权限。"))
    questions = list(questions or [])
    rules = list(rules or [])
    paper.title = (paper.title or "").strip()
    paper_fields_check(paper=paper)
    paper_items_check(paper=paper, questions=questions, rules=rules)
    paper.full_clean()
    paper.save()
    PaperQuestion.objects.filter(paper=paper).delete()
    PaperRule.objects.filter(paper=paper).delete()
    if paper.mode == Paper.Mode.FIXED:
        ordered = sorted(questions, key=lambda item: item.position)
        PaperQuestion.objects.bulk_create(
            PaperQuestion(paper=paper, question=item.question, position=i, points=item.points)
            for i, item in enumerate(ordered, start=1)
        )
    else:
        PaperRule.objects.bulk_create(
            PaperRule(
                paper=paper,
                tag=rule.tag,
                difficulty=rule.difficulty,
                count=rule.count,
                points=rule.points,
            )
            for rule in rules
        )
    return paper


# --- competitions ------------------------------------------------------------------------


def competition_fields_check(*, competition: Competition) -> None:
    """Dates in order (registration opens < closes <= competition ends), eligibility
    (the limited region lies within the host region), prizes. Raises ValidationError keyed
    by field (Chinese)."""
    errors: dict[str, str] = {}
    if not (competition.title or "").strip():
        errors["title"] = _("请填写竞赛名称。")
    if not (competition.organizer or "").strip():
        errors["organizer"] = _("请填写主办单位。")
    opens, closes, ends = (
        competition.registration_opens_at,
        competition.registration_closes_at,
        competition.ends_at,
    )
    if opens and closes and closes <= opens:
        errors["registration_closes_at"] = _("报名截止时间须晚于报名开始时间。")
    elif closes and ends and ends < closes:
        errors["ends_at"] = _("竞赛结束时间不得早于报名截止时间。")
    host = competition.region if competition.region_id else None
    limited = competition.eligible_region if competition.eligible_region_id else None
    if host is not None and limited is not None and not limited.path.startswith(host.path):
        errors["eligible_region"] = _("限定地区须在主办地区范围内。")
    prizes = (competition.first_prizes, competition.second_prizes, competition.third_prizes)
    if any(n is None or n < 0 for n in prizes):
        errors["first_prizes"] = _("奖项名额不能为负数。")
    if errors:
        raise ValidationError(errors)


def competition_rounds_check(
    *, actor: Any, competition: Competition, rounds: list[RoundSpec]
) -> None:
    """Each round has a title, a paper the actor may use (published, or in their scope),
    opens before it closes and closes by the end of the competition; positions unique.
    A published competition needs at least one round. Raises ValidationError (Chinese)."""
    problems: list[str] = []
    positions: set[int] = set()
    for spec in rounds:
        name = spec.title or _("第%(n)d轮") % {"n": spec.position}
        if spec.position in positions:
            problems.append(_("轮次序号%(n)d重复。") % {"n": spec.position})
        positions.add(spec.position)
        if not (spec.title or "").strip():
            problems.append(_("第%(n)d轮须填写名称。") % {"n": spec.position})
        if spec.paper is None:
            problems.append(_("“%(r)s”须选择试卷。") % {"r": name})
        elif not spec.paper.is_published and not user_can(
            actor, Action.CONTENT_PUBLISH, region=spec.paper.region
        ):
            problems.append(_("“%(r)s”选择的试卷不在您的权限范围内。") % {"r": name})
        if spec.opens_at and spec.closes_at and spec.closes_at <= spec.opens_at:
            problems.append(_("“%(r)s”的结束时间须晚于开考时间。") % {"r": name})
        if spec.closes_at and competition.ends_at and spec.closes_at > competition.ends_at:
            problems.append(_("“%(r)s”的结束时间不得晚于竞赛结束时间。") % {"r": name})
    if competition.is_published and not rounds:
        problems.append(_("竞赛至少要有一轮考试才能发布。"))
    if problems:
        raise ValidationError(problems)


def _trades(text: str) -> str:
    parts = [p.strip() for p in re.split(r"[、,，;；\s]+", text or "") if p.strip()]
    return "、".join(dict.fromkeys(parts))


@transaction.atomic
def competition_save(
    *, actor: Any, competition: Competition, rounds: list[RoundSpec] | None = None
) -> Competition:
    """Create or update ``competition`` and replace its rounds with ``rounds``.

    Preconditions: ``actor`` may publish content in ``competition.region``. Rounds that
    already have attempts are kept (updated in place by position) rather than deleted, so
    results stay attached. Eligible trades are normalised to “、”-separated. Raises
    ValidationError (Chinese) and saves nothing on bad input.
    """
    _check_scope(actor, competition, _("您没有在该地区举办竞赛的权限。"))
    rounds = list(rounds or [])
    competition.title = (competition.title or "").strip()
    competition.organizer = (competition.organizer or "").strip()
    competition.eligible_trades = _trades(competition.eligible_trades)
    competition_fields_check(competition=competition)
    competition_rounds_check(actor=actor, competition=competition, rounds=rounds)
    competition.full_clean()
    competition.save()
    existing = {r.position: r for r in CompetitionRound.objects.filter(competition=competition)}
    wanted = {spec.position for spec in rounds}
    for position, old in existing.items():
        if position not in wanted:
            if old.attempts.exists():
                raise ValidationError(_("“%(r)s”已有人参加考试，不能删除。") % {"r": old.title})
            old.delete()
    for spec in rounds:
        row = existing.get(spec.position) or CompetitionRound(
            competition=competition, position=spec.position
        )
        row.title = spec.title.strip()
        row.paper = spec.paper
        row.opens_at = spec.opens_at
        row.closes_at = spec.closes_at
        row.save()
    return competition
