"""Writes for courses: authoring (scoped by region), enrolment, per-lesson progress and
completion (certificate into the wallet + a points event)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Credential
from accounts.permissions import Action, user_can
from accounts.services.wallet import credential_issue
from core.notifications import notify
from core.search import search_document
from learning.models import Course, Enrollment, LearningReward, Lesson, LessonProgress
from learning.services.rewards import learning_reward_record
from publishing.services.articles import article_body_sanitise

ENROLLMENT_SOURCE = "learning.enrollment"


def _check_scope(actor: Any, region: Any) -> None:
    if not user_can(actor, Action.CONTENT_PUBLISH, region=region):
        raise ValidationError(_("您没有在该地区发布课程的权限。"))


@transaction.atomic
def course_save(*, actor: Any, course: Course) -> Course:
    """Create or update ``course`` as authored by ``actor``.

    Preconditions: ``actor`` may publish content in ``course.region``. Side effects: the
    description is sanitised and the search document rebuilt. A new course starts as a
    draft; ``course_publish`` puts it in the catalogue.
    """
    _check_scope(actor, course.region)
    course.description = article_body_sanitise(course.description)
    course.search_document = search_document(
        course.title, course.summary, course.get_category_display(), course.description
    )
    if course.pk is None:
        course.status = Course.Status.DRAFT
    course.full_clean()
    course.save()
    return course


@transaction.atomic
def course_publish(*, actor: Any, course: Course) -> Course:
    """Put a course in the catalogue. Preconditions: ``actor`` may publish in its region and
    the course has at least one lesson."""
    _check_scope(actor, course.region)
    if not course.lessons.exists():
        raise ValidationError(_("课程至少要有一个课时才能发布。"))
    course.status = Course.Status.PUBLISHED
    course.published_at = course.published_at or timezone.now()
    course.save(update_fields=["status", "published_at"])
    return course


@transaction.atomic
def course_archive(*, actor: Any, course: Course) -> Course:
    """Take a course out of the catalogue; enrolled members keep their progress."""
    _check_scope(actor, course.region)
    course.status = Course.Status.ARCHIVED
    course.save(update_fields=["status"])
    return course


@transaction.atomic
def lesson_save(*, actor: Any, lesson: Lesson) -> Lesson:
    """Create or update a lesson; its body is sanitised. Same scope rule as the course."""
    _check_scope(actor, lesson.course.region)
    lesson.body = article_body_sanitise(lesson.body)
    lesson.full_clean()
    lesson.save()
    return lesson


@transaction.atomic
def enrollment_create(*, user: Any, course: Course) -> Enrollment:
    """Enrol ``user`` in a published course; idempotent (enrolling twice returns the same
    enrolment)."""
    if course.status != Course.Status.PUBLISHED:
        raise ValidationError(_("该课程尚未发布，暂不能报名。"))
    existing = Enrollment.objects.filter(user=user, course=course).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return Enrollment.objects.create(user=user, course=course)
    except IntegrityError:
        return Enrollment.objects.get(user=user, course=course)


@transaction.atomic
def lesson_open(*, enrollment: Enrollment, lesson: Lesson) -> Enrollment:
    """Remember ``lesson`` as where the member is, for "continue where I left off"."""
    if lesson.course_id != enrollment.course_id:
        raise ValidationError(_("该课时不属于此课程。"))
    enrollment.last_lesson = lesson
    enrollment.last_activity_at = timezone.now()
    enrollment.save(update_fields=["last_lesson", "last_activity_at"])
    return enrollment


@transaction.atomic
def lesson_complete(*, enrollment: Enrollment, lesson: Lesson) -> Enrollment:
    """Mark ``lesson`` done (idempotent). When it was the last undone lesson the course is
    completed: a course certificate goes into the wallet, a points event is recorded and
    the member is notified, each exactly once.

    Locks the enrolment row so two devices finishing the last lesson together complete
    the course once.
    """
    if lesson.course_id != enrollment.course_id:
        raise ValidationError(_("该课时不属于此课程。"))
    enrollment = (
        Enrollment.objects.select_for_update()
        .select_related("course", "user")
        .get(pk=enrollment.pk)
    )
    LessonProgress.objects.get_or_create(enrollment=enrollment, lesson=lesson)
    lesson_ids = list(enrollment.course.lessons.values_list("pk", flat=True))
    done = set(
        LessonProgress.objects.filter(enrollment=enrollment).values_list("lesson_id", flat=True)
    )
    remaining = [pk for pk in lesson_ids if pk not in done]
    enrollment.last_lesson_id = remaining[0] if remaining else lesson.pk
    enrollment.last_activity_at = timezone.now()
    fields = ["last_lesson", "last_activity_at"]
    if not remaining and enrollment.completed_at is None:
        enrollment.completed_at = timezone.now()
        fields.append("completed_at")
        enrollment.save(update_fields=fields)
        _course_completed(enrollment=enrollment)
    else:
        enrollment.save(update_fields=fields)
    return enrollment


def _course_completed(*, enrollment: Enrollment) -> None:
    course = enrollment.course
    user = enrollment.user
    credential_issue(
        user=user,
        kind=Credential.Kind.COURSE_CERTIFICATE,
        title=_("《%(course)s》结业证书") % {"course": course.title},
        issuer=_("冀工学堂"),
        source_type=ENROLLMENT_SOURCE,
        source_id=enrollment.pk,
        data={"course_id": course.pk, "course": course.title},
    )
    learning_reward_record(
        user=user,
        reason=LearningReward.Reason.COURSE_COMPLETED,
        points=course.points,
        key=f"course:{enrollment.pk}",
        description=_("学完课程《%(course)s》") % {"course": course.title},
    )
    notify(
        user=user,
        kind="learning.course_completed",
        title=_("恭喜学完《%(course)s》，结业证书已放入卡包") % {"course": course.title},
        url=reverse("learning:course_detail", args=[course.pk]),
        dedupe_key=f"learning.course_completed:{enrollment.pk}",
    )
