"""Reads for learning: the catalogue, a member's courses, practice questions, attempts
and leaderboards. Access checks live here (``*_get_for_user``)."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.db.models.functions import TruncWeek
from django.http import Http404
from django.utils import timezone

from accounts.models import Credential, UnionOrganization
from core.search import search_filter
from learning.models import (
    Attempt,
    AttemptQuestion,
    Choice,
    Competition,
    CompetitionRegistration,
    CompetitionResult,
    Course,
    Enrollment,
    LearningReward,
    Lesson,
    Paper,
    PracticeAnswer,
    Question,
    Tag,
    WrongAnswer,
)
from regions.models import Region


def course_catalogue(
    *, query: str = "", category: str | None = None, region_path: str | None = None
) -> QuerySet[Course]:
    """Published courses, optionally narrowed by search terms, category and the region
    whose courses to show (that region's and those of the regions above it)."""
    courses = Course.objects.filter(status=Course.Status.PUBLISHED).select_related("region")
    courses = courses.annotate(lesson_count=Count("lessons"))
    if category:
        courses = courses.filter(category=category)
    if region_path:
        # Courses of the province reach everyone; a city's reach its counties.
        ancestors = [p for p in region_path.split("/") if p]
        courses = courses.filter(region__code__in=ancestors)
    if query:
        return search_filter(courses, query=query)
    return courses.order_by("-published_at", "-pk")


def course_get_published(*, id: int) -> Course:
    course = (
        Course.objects.filter(pk=id, status=Course.Status.PUBLISHED)
        .select_related("region")
        .prefetch_related(Prefetch("lessons", queryset=Lesson.objects.order_by("position")))
        .first()
    )
    if course is None:
        raise Http404
    return course


def enrollment_for(*, user: Any, course: Course) -> Enrollment | None:
    if not user.is_authenticated:
        return None
    return Enrollment.objects.filter(user=user, course=course).prefetch_related("progress").first()


def enrollment_get_for_user(*, user: Any, id: int) -> Enrollment:
    enrollment = (
        Enrollment.objects.filter(pk=id, user_id=getattr(user, "pk", None))
        .select_related("course", "last_lesson")
        .first()
    )
    if enrollment is None:
        raise Http404
    return enrollment


def enrollment_done_lesson_ids(*, enrollment: Enrollment | None) -> set[int]:
    if enrollment is None:
        return set()
    return {p.lesson_id for p in enrollment.progress.all()}


def enrollment_resume_lesson(*, enrollment: Enrollment, lessons: list[Lesson]) -> Lesson | None:
    """Where "continue" leads: the lesson last opened, else the first one not done."""
    if enrollment.last_lesson_id:
        for lesson in lessons:
            if lesson.pk == enrollment.last_lesson_id:
                return lesson
    done = enrollment_done_lesson_ids(enrollment=enrollment)
    return next(
        (lesson for lesson in lessons if lesson.pk not in done), lessons[0] if lessons else None
    )


@dataclass(frozen=True)
class MyCourse:
    enrollment: Enrollment
    done: int
    total: int
    resume: Lesson | None

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0


def my_courses(*, user: Any) -> list[MyCourse]:
    enrollments = (
        Enrollment.objects.filter(user=user)
        .select_related("course")
        .prefetch_related(
            "progress", Prefetch("course__lessons", queryset=Lesson.objects.order_by("position"))
        )
        .order_by("completed_at", "-last_activity_at")
    )
    rows = []
    for enrollment in enrollments:
        lessons = list(enrollment.course.lessons.all())
        rows.append(
            MyCourse(
                enrollment=enrollment,
                done=len(enrollment.progress.all()),
                total=len(lessons),
                resume=enrollment_resume_lesson(enrollment=enrollment, lessons=lessons),
            )
        )
    return rows


def learning_rewards(*, user: Any) -> QuerySet[LearningReward]:
    return LearningReward.objects.filter(user=user).order_by("-created_at")


# --- questions and practice --------------------------------------------------------------


def practice_tags() -> QuerySet[Tag]:
    return (
        Tag.objects.annotate(n=Count("questions", filter=Q(questions__is_active=True)))
        .filter(n__gt=0)
        .order_by("name")
    )


def _with_choices(queryset: QuerySet[Question]) -> QuerySet[Question]:
    return queryset.prefetch_related(
        Prefetch("choices", queryset=Choice.objects.order_by("position")), "tags"
    )


def question_get_active(*, id: int) -> Question:
    question = _with_choices(Question.objects.filter(pk=id, is_active=True)).first()
    if question is None:
        raise Http404
    return question


def practice_next_question(
    *, user: Any, tag: Tag | None, mode: str, after: int | None = None, wrong_book: bool = False
) -> Question | None:
    """The next practice question: sequential (by id after ``after``, wrapping round) or
    random; from a tag, or from the member's 错题本."""
    pool = Question.objects.filter(is_active=True)
    if wrong_book:
        pool = pool.filter(
            pk__in=WrongAnswer.objects.filter(user=user, cleared_at__isnull=True).values("question")
        )
    elif tag is not None:
        pool = pool.filter(tags=tag)
    ids = list(pool.order_by("pk").values_list("pk", flat=True))
    if not ids:
        return None
    if mode == "random":
        candidates = [pk for pk in ids if pk != after] or ids
        chosen = random.choice(candidates)  # noqa: S311 - practice order, not security
    else:
        chosen = next((pk for pk in ids if after is None or pk > after), ids[0])
    return question_get_active(id=chosen)


def wrong_book(*, user: Any) -> QuerySet[WrongAnswer]:
    return (
        WrongAnswer.objects.filter(user=user, cleared_at__isnull=True)
        .select_related("question")
        .order_by("-last_wrong_at")
    )


def practice_accuracy_by_tag(*, user: Any, weeks: int = 8) -> list[dict]:
    """Per tag, the share of right practice answers per week over the last ``weeks``."""
    since = timezone.now() - timedelta(weeks=weeks)
    rows = (
        PracticeAnswer.objects.filter(user=user, answered_at__gte=since, tag__isnull=False)
        .annotate(week=TruncWeek("answered_at"))
        .values("tag__name", "week")
        .annotate(total=Count("pk"), right=Count("pk", filter=Q(is_correct=True)))
        .order_by("tag__name", "week")
    )
    tags: dict[str, list[dict]] = {}
    for row in rows:
        tags.setdefault(row["tag__name"], []).append(
            {
                "week": row["week"],
                "total": row["total"],
                "right": row["right"],
                "percent": round(100 * row["right"] / row["total"]),
            }
        )
    return [{"tag": name, "weeks": weeks_} for name, weeks_ in tags.items()]


# --- exams -------------------------------------------------------------------------------


def paper_list_open() -> QuerySet[Paper]:
    return (
        Paper.objects.filter(is_published=True)
        .annotate(question_count=Count("paper_questions"))
        .order_by("-created_at")
    )


def paper_get_open(*, id: int) -> Paper:
    paper = Paper.objects.filter(pk=id, is_published=True).first()
    if paper is None:
        raise Http404
    return paper


def attempt_get_for_user(*, user: Any, id: int) -> Attempt:
    attempt = (
        Attempt.objects.filter(pk=id, user_id=getattr(user, "pk", None))
        .select_related("paper", "round__competition")
        .first()
    )
    if attempt is None:
        raise Http404
    return attempt


def attempt_items(*, attempt: Attempt) -> list[AttemptQuestion]:
    """The attempt's questions with their options in this attempt's order, as
    ``item.options``. Whether an option is right is read only by the result page."""
    items = list(attempt.items.select_related("question").prefetch_related("question__choices"))
    for item in items:
        by_id = {c.pk: c for c in item.question.choices.all()}
        item.options = [by_id[pk] for pk in item.option_order if pk in by_id]
        item.selected = set(item.answer or []) if isinstance(item.answer, list) else set()
        item.field_name = f"q{item.question_id}"
    return items


def my_attempts(*, user: Any, paper: Paper | None = None) -> QuerySet[Attempt]:
    attempts = Attempt.objects.filter(user=user).select_related("paper").order_by("-started_at")
    return attempts.filter(paper=paper) if paper is not None else attempts


# --- competitions ------------------------------------------------------------------------


def competition_list() -> QuerySet[Competition]:
    return (
        Competition.objects.filter(is_published=True)
        .select_related("region", "eligible_region")
        .annotate(entrants=Count("registrations"))
        .order_by("-registration_opens_at")
    )


def competition_get_published(*, id: int) -> Competition:
    competition = (
        Competition.objects.filter(pk=id, is_published=True)
        .select_related("region", "eligible_region")
        .prefetch_related("rounds__paper")
        .first()
    )
    if competition is None:
        raise Http404
    return competition


def competition_registration_for(*, user: Any, competition: Competition):
    if not user.is_authenticated:
        return None
    return CompetitionRegistration.objects.filter(competition=competition, user=user).first()


LEADERBOARD_SCOPES = ("province", "city", "organization")


def competition_leaderboard(
    *, competition_id: int, scope: str = "province", key: Any = None, limit: int = 50
) -> list[dict]:
    """The top ``limit`` entrants by total score, then less time: for the whole
    competition, one city (``key`` = city code) or one union (``key`` = organisation id).
    One index-ordered query (see ``CompetitionResult`` indexes)."""
    results = CompetitionResult.objects.filter(competition_id=competition_id, score__gt=0)
    if scope == "city":
        results = results.filter(city_code=key)
    elif scope == "organization":
        results = results.filter(organization_id=key)
    rows = results.order_by("-score", "duration_seconds", "id").values(
        "user_id",
        "user__display_name",
        "score",
        "duration_seconds",
        "city_code",
        "organization__name",
    )[:limit]
    return [{"rank": rank, **row} for rank, row in enumerate(rows, start=1)]


def competition_rank_of(*, competition_id: int, user: Any) -> tuple[int, CompetitionResult] | None:
    """The member's province-wide rank (count of entrants ahead + 1) and standing."""
    if not user.is_authenticated:
        return None
    mine = CompetitionResult.objects.filter(competition_id=competition_id, user=user).first()
    if mine is None or mine.score <= 0:
        return None
    ahead = CompetitionResult.objects.filter(competition_id=competition_id).filter(
        Q(score__gt=mine.score)
        | Q(score=mine.score, duration_seconds__lt=mine.duration_seconds)
        | Q(score=mine.score, duration_seconds=mine.duration_seconds, id__lt=mine.pk)
    )
    return ahead.count() + 1, mine


def competition_scope_choices(*, competition_id: int) -> dict:
    """The cities and unions that have entrants, for the leaderboard switcher."""
    entries = CompetitionRegistration.objects.filter(competition_id=competition_id)
    city_codes = set(entries.exclude(city_code="").values_list("city_code", flat=True).distinct())
    org_ids = set(
        entries.exclude(organization=None).values_list("organization_id", flat=True).distinct()
    )
    return {
        "cities": list(Region.objects.filter(code__in=city_codes).order_by("code")),
        "organizations": list(UnionOrganization.objects.filter(pk__in=org_ids).order_by("name")),
    }


def learning_certificates(*, user: Any) -> QuerySet[Credential]:
    """The course certificates and competition awards in ``user``'s card wallet."""
    return Credential.objects.filter(
        user=user,
        kind__in=[Credential.Kind.COURSE_CERTIFICATE, Credential.Kind.COMPETITION_AWARD],
    )
