"""Builders for learning tests, all through the services (so hashes, scopes and search
documents are as in real life)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from accounts.models import Role
from accounts.services.roles import role_assign
from learning.models import Competition, Course, Lesson, Paper, QuestionKind
from learning.services.authoring import PaperItem, RoundSpec, competition_save, paper_save
from learning.services.courses import course_publish, course_save, lesson_save
from learning.services.questions import question_create
from regions.models import Region
from tests.accounts.factories import StaffUserFactory


def region(code: str) -> Region:
    return Region.objects.get(code=code)


def make_editor(*, region_code: str = "130000", role=Role.PROVINCE_ADMIN):
    user = StaffUserFactory()
    role_assign(user=user, role=role, region=region(region_code))
    return user


def make_course(
    *,
    actor=None,
    region_code="130000",
    title="电工安全操作规程",
    lessons=3,
    publish=True,
    category="safety",
    summary="",
    points=10,
):
    actor = actor or make_editor(region_code=region_code)
    course = course_save(
        actor=actor,
        course=Course(
            region=region(region_code),
            category=category,
            title=title,
            summary=summary,
            points=points,
        ),
    )
    for position in range(1, lessons + 1):
        lesson_save(
            actor=actor,
            lesson=Lesson(
                course=course,
                position=position,
                title=f"第{position}课",
                body=f"<p>第{position}课正文</p>",
            ),
        )
    if publish:
        course_publish(actor=actor, course=course)
    return course


_counter = iter(range(1, 10_000_000))  # unique stems


def make_question(
    *, kind=QuestionKind.SINGLE, tags=("电工",), stem=None, difficulty=2, region_code="130000"
):
    n = next(_counter)
    stem = stem or f"第{n}题：安全电压的上限是多少？"
    if kind == QuestionKind.SINGLE:
        choices = [("36伏", True), ("110伏", False), ("220伏", False), ("380伏", False)]
    elif kind == QuestionKind.MULTIPLE:
        choices = [("戴绝缘手套", True), ("穿绝缘鞋", True), ("湿手操作", False), ("验电", True)]
    elif kind == QuestionKind.TRUE_FALSE:
        choices = [("正确", True), ("错误", False)]
    else:
        choices = []
    question, _created = question_create(
        region=region(region_code),
        kind=kind,
        stem=stem,
        choices=choices,
        fill_answers="36伏|36V" if kind == QuestionKind.FILL else "",
        explanation=f"解析{n}：安全电压一般不超过36伏。",
        difficulty=difficulty,
        tags=list(tags),
    )
    return question


def correct_ids(question) -> list[int]:
    return [c.pk for c in question.choices.all() if c.is_correct]


def wrong_ids(question) -> list[int]:
    return [c.pk for c in question.choices.all() if not c.is_correct][:1]


def make_paper(
    *, questions, points=Decimal("1"), max_attempts=3, minutes=30, show_answers=True, actor=None
):
    return paper_save(
        actor=actor or make_editor(),
        paper=Paper(
            region=region("130000"),
            title="电工安全知识测试",
            time_limit_minutes=minutes,
            max_attempts=max_attempts,
            show_answers=show_answers,
            is_published=True,
        ),
        questions=[
            PaperItem(question=q, points=points, position=i)
            for i, q in enumerate(questions, start=1)
        ],
    )


def make_competition(*, paper, actor=None, **fields):
    now = timezone.now()
    ends_at = fields.pop("ends_at", now + timedelta(days=10))
    return competition_save(
        actor=actor or make_editor(),
        competition=Competition(
            region=region("130000"),
            title=fields.pop("title", "冀高一筹·电工技能竞赛"),
            organizer="河北省总工会",
            registration_opens_at=fields.pop("registration_opens_at", now - timedelta(days=1)),
            registration_closes_at=fields.pop("registration_closes_at", now + timedelta(days=5)),
            ends_at=ends_at,
            is_published=True,
            **fields,
        ),
        rounds=[
            RoundSpec(
                position=1,
                title="初赛",
                paper=paper,
                opens_at=now - timedelta(hours=1),
                closes_at=min(now + timedelta(days=10), ends_at),
            )
        ],
    )
