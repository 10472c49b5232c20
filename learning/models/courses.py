from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class CourseCategory(models.TextChoices):
    SKILLS = "skills", _("职业技能")
    SAFETY = "safety", _("安全生产")
    LABOUR_LAW = "labour_law", _("劳动法律")
    UNION = "union", _("工会知识")
    WELLBEING = "wellbeing", _("身心健康")


class Course(models.Model):
    """A 冀工学堂 course, published by the province or by a city/county union for its area
    (``region``: members everywhere may take it; the region scopes who may author it)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        PUBLISHED = "published", _("已发布")
        ARCHIVED = "archived", _("已下线")

    region = models.ForeignKey(
        "regions.Region", verbose_name=_("发布地区"), on_delete=models.PROTECT, related_name="+"
    )
    category = models.CharField(_("分类"), max_length=12, choices=CourseCategory.choices)
    title = models.CharField(_("课程名称"), max_length=100)
    summary = models.CharField(_("简介"), max_length=300, blank=True)
    description = models.TextField(_("课程介绍"), blank=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    points = models.PositiveSmallIntegerField(
        _("结业积分"), default=10, help_text=_("学完全部课时后记入积分的分值。")
    )
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    search_document = models.TextField(blank=True, editable=False)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("课程")
        verbose_name_plural = _("课程")
        ordering = ["-published_at", "-pk"]
        indexes = [models.Index(fields=["status", "category"])]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="published") | models.Q(published_at__isnull=False),
                name="learning_course_published_has_date",
            )
        ]

    def __str__(self) -> str:
        return self.title


class Lesson(models.Model):
    """One lesson of a course, in ``position`` order: text, an optional video (link or
    uploaded file) and an optional attachment."""

    course = models.ForeignKey(
        Course, verbose_name=_("课程"), on_delete=models.CASCADE, related_name="lessons"
    )
    position = models.PositiveSmallIntegerField(_("序号"))
    title = models.CharField(_("课时名称"), max_length=100)
    body = models.TextField(_("正文"), blank=True)
    video_url = models.URLField(_("视频链接"), blank=True)
    video_file = models.FileField(_("视频文件"), upload_to="learning/videos/", blank=True)
    attachment = models.FileField(_("附件"), upload_to="learning/attachments/", blank=True)
    minutes = models.PositiveSmallIntegerField(_("时长（分钟）"), default=10)

    class Meta:
        verbose_name = _("课时")
        verbose_name_plural = _("课时")
        ordering = ["course", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["course", "position"],
                name="learning_lesson_unique_position",
                violation_error_message=_("同一课程中课时序号不能重复。"),
            )
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.title}"


class Enrollment(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("学员"),
        on_delete=models.CASCADE,
        related_name="course_enrollments",
    )
    course = models.ForeignKey(
        Course, verbose_name=_("课程"), on_delete=models.CASCADE, related_name="enrollments"
    )
    enrolled_at = models.DateTimeField(_("报名时间"), default=timezone.now)
    last_lesson = models.ForeignKey(
        Lesson,
        verbose_name=_("上次学习的课时"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    last_activity_at = models.DateTimeField(_("最近学习"), default=timezone.now)
    completed_at = models.DateTimeField(_("结业时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("选课")
        verbose_name_plural = _("选课")
        ordering = ["-last_activity_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "course"],
                name="learning_enrollment_once",
                violation_error_message=_("您已报名该课程。"),
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.course}"


class LessonProgress(models.Model):
    enrollment = models.ForeignKey(
        Enrollment, verbose_name=_("选课"), on_delete=models.CASCADE, related_name="progress"
    )
    lesson = models.ForeignKey(
        Lesson, verbose_name=_("课时"), on_delete=models.CASCADE, related_name="+"
    )
    completed_at = models.DateTimeField(_("完成时间"), default=timezone.now)

    class Meta:
        verbose_name = _("课时进度")
        verbose_name_plural = _("课时进度")
        constraints = [
            models.UniqueConstraint(
                fields=["enrollment", "lesson"], name="learning_progress_once_per_lesson"
            )
        ]

    def __str__(self) -> str:
        return f"{self.enrollment_id}:{self.lesson_id}"


class LearningReward(models.Model):
    """A points-earning event (course completed, exam passed, competition award). After
    commit ``learning.tasks.credit_reward`` credits it once to the points ledger and stamps
    ``credited_at``; ``key`` makes recording idempotent."""

    class Reason(models.TextChoices):
        COURSE_COMPLETED = "course_completed", _("课程结业")
        EXAM_PASSED = "exam_passed", _("考试通过")
        COMPETITION_AWARD = "competition_award", _("竞赛获奖")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("会员"),
        on_delete=models.CASCADE,
        related_name="learning_rewards",
    )
    reason = models.CharField(_("原因"), max_length=20, choices=Reason.choices)
    points = models.PositiveIntegerField(_("积分"))
    key = models.CharField(_("幂等键"), max_length=80, unique=True)
    description = models.CharField(_("说明"), max_length=200)
    created_at = models.DateTimeField(_("时间"), default=timezone.now)
    credited_at = models.DateTimeField(_("入账时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("学习积分事件")
        verbose_name_plural = _("学习积分事件")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["credited_at"])]

    def __str__(self) -> str:
        return f"{self.user} +{self.points} {self.description}"
