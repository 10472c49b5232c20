from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from learning.models.questions import Question, Tag


class Paper(models.Model):
    """An exam paper: a fixed list of questions, or drawn per attempt by rules (N questions
    of a tag and difficulty).

    Scoring: single choice, true/false and fill-in score all or nothing. Multiple choice
    scores full marks when exactly right, half marks when only right options were chosen
    but some were missed, and nothing when any wrong option was chosen.
    """

    class Mode(models.TextChoices):
        FIXED = "fixed", _("固定试卷")
        RULES = "rules", _("按规则抽题")

    region = models.ForeignKey(
        "regions.Region", verbose_name=_("发布地区"), on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("试卷名称"), max_length=100)
    mode = models.CharField(_("组卷方式"), max_length=6, choices=Mode.choices, default=Mode.FIXED)
    time_limit_minutes = models.PositiveSmallIntegerField(_("限时（分钟）"), default=30)
    max_attempts = models.PositiveSmallIntegerField(_("可考次数"), default=3)
    pass_score = models.DecimalField(_("及格分"), max_digits=6, decimal_places=1, default=60)
    show_answers = models.BooleanField(_("交卷后显示答案"), default=True)
    is_published = models.BooleanField(_("已发布"), default=False)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)

    class Meta:
        verbose_name = _("试卷")
        verbose_name_plural = _("试卷")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title


class PaperQuestion(models.Model):
    paper = models.ForeignKey(Paper, on_delete=models.CASCADE, related_name="paper_questions")
    question = models.ForeignKey(
        Question, verbose_name=_("题目"), on_delete=models.PROTECT, related_name="+"
    )
    position = models.PositiveSmallIntegerField(_("序号"))
    points = models.DecimalField(_("分值"), max_digits=5, decimal_places=1, default=2)

    class Meta:
        verbose_name = _("试卷题目")
        verbose_name_plural = _("试卷题目")
        ordering = ["paper", "position"]
        constraints = [
            models.UniqueConstraint(fields=["paper", "question"], name="learning_pq_once"),
        ]

    def __str__(self) -> str:
        return f"{self.paper_id}#{self.position}"


class PaperRule(models.Model):
    paper = models.ForeignKey(Paper, on_delete=models.CASCADE, related_name="rules")
    tag = models.ForeignKey(Tag, verbose_name=_("标签"), on_delete=models.PROTECT, related_name="+")
    difficulty = models.PositiveSmallIntegerField(
        _("难度"), null=True, blank=True, help_text=_("留空表示不限难度。")
    )
    count = models.PositiveSmallIntegerField(_("题数"))
    points = models.DecimalField(_("每题分值"), max_digits=5, decimal_places=1, default=2)

    class Meta:
        verbose_name = _("抽题规则")
        verbose_name_plural = _("抽题规则")

    def __str__(self) -> str:
        return f"{self.tag_id} × {self.count}"


class Attempt(models.Model):
    """One sitting of a paper. The server owns the clock: ``deadline`` is fixed at start;
    answers after ``deadline`` + grace are refused and the attempt is submitted for the
    member (on their next request, or by the beat sweep)."""

    class Status(models.TextChoices):
        OPEN = "open", _("答题中")
        SUBMITTED = "submitted", _("已交卷")
        AUTO_SUBMITTED = "auto", _("超时自动交卷")

    paper = models.ForeignKey(
        Paper, verbose_name=_("试卷"), on_delete=models.PROTECT, related_name="attempts"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("考生"),
        on_delete=models.CASCADE,
        related_name="exam_attempts",
    )
    round = models.ForeignKey(
        "learning.CompetitionRound",
        verbose_name=_("竞赛轮次"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="attempts",
    )
    number = models.PositiveSmallIntegerField(_("第几次"))
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.OPEN)
    started_at = models.DateTimeField(_("开始时间"), default=timezone.now)
    deadline = models.DateTimeField(_("截止时间"))
    submitted_at = models.DateTimeField(_("交卷时间"), null=True, blank=True)
    score = models.DecimalField(_("得分"), max_digits=6, decimal_places=1, null=True, blank=True)
    max_score = models.DecimalField(_("满分"), max_digits=6, decimal_places=1, default=0)
    duration_seconds = models.PositiveIntegerField(_("用时（秒）"), null=True, blank=True)

    class Meta:
        verbose_name = _("答卷")
        verbose_name_plural = _("答卷")
        ordering = ["-started_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["paper", "user", "number"], name="learning_attempt_number_once"
            ),
            models.UniqueConstraint(
                fields=["paper", "user"],
                condition=models.Q(status="open"),
                name="learning_attempt_one_open",
            ),
        ]
        indexes = [models.Index(fields=["status", "deadline"])]

    def __str__(self) -> str:
        return f"{self.user} · {self.paper} #{self.number}"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN


class AttemptQuestion(models.Model):
    """A question as drawn for one attempt: its shuffled option order, the saved answer
    (choice ids, or the text for fill-in) and, after submission, the marks."""

    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="items")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField()
    points = models.DecimalField(max_digits=5, decimal_places=1)
    option_order = models.JSONField(default=list)
    answer = models.JSONField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    awarded = models.DecimalField(max_digits=5, decimal_places=1, null=True, blank=True)
    is_correct = models.BooleanField(null=True)

    class Meta:
        ordering = ["attempt", "position"]
        constraints = [
            models.UniqueConstraint(fields=["attempt", "question"], name="learning_aq_once"),
        ]

    def __str__(self) -> str:
        return f"{self.attempt_id}#{self.position}"
