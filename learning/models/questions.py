from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class QuestionKind(models.TextChoices):
    SINGLE = "single", _("单选题")
    MULTIPLE = "multiple", _("多选题")
    TRUE_FALSE = "true_false", _("判断题")
    FILL = "fill", _("填空题")


class Difficulty(models.IntegerChoices):
    EASY = 1, _("容易")
    MEDIUM = 2, _("中等")
    HARD = 3, _("困难")


class Tag(models.Model):
    """A trade, skill or topic label (电工, 叉车, 劳动合同法…) for questions."""

    name = models.CharField(_("名称"), max_length=30, unique=True)

    class Meta:
        verbose_name = _("题目标签")
        verbose_name_plural = _("题目标签")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Question(models.Model):
    """A question of the 网上练兵 bank. ``content_hash`` (kind, stem, options, answer) makes
    a re-import of the same file create nothing new. Fill-in answers list the accepted
    texts separated by ``|``."""

    region = models.ForeignKey(
        "regions.Region", verbose_name=_("所属地区"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("题型"), max_length=10, choices=QuestionKind.choices)
    stem = models.TextField(_("题干"))
    explanation = models.TextField(_("解析"), blank=True)
    difficulty = models.PositiveSmallIntegerField(
        _("难度"), choices=Difficulty.choices, default=Difficulty.MEDIUM
    )
    tags = models.ManyToManyField(Tag, verbose_name=_("标签"), related_name="questions")
    fill_answers = models.CharField(
        _("填空答案"), max_length=200, blank=True, help_text=_("多个可接受答案用“|”分隔。")
    )
    content_hash = models.CharField(_("内容指纹"), max_length=64, unique=True, editable=False)
    is_active = models.BooleanField(_("启用"), default=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)

    class Meta:
        verbose_name = _("题目")
        verbose_name_plural = _("题库")
        ordering = ["pk"]
        indexes = [models.Index(fields=["is_active", "kind", "difficulty"])]

    def __str__(self) -> str:
        return self.stem[:40]


class Choice(models.Model):
    question = models.ForeignKey(
        Question, verbose_name=_("题目"), on_delete=models.CASCADE, related_name="choices"
    )
    position = models.PositiveSmallIntegerField(_("序号"))
    text = models.CharField(_("选项"), max_length=300)
    is_correct = models.BooleanField(_("正确"), default=False)

    class Meta:
        verbose_name = _("选项")
        verbose_name_plural = _("选项")
        ordering = ["question", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["question", "position"], name="learning_choice_unique_position"
            )
        ]

    def __str__(self) -> str:
        return self.text


class PracticeAnswer(models.Model):
    """One practice answer: the history behind per-tag accuracy over time."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="practice_answers"
    )
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="+")
    tag = models.ForeignKey(Tag, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    is_correct = models.BooleanField()
    answered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("练习记录")
        verbose_name_plural = _("练习记录")
        indexes = [models.Index(fields=["user", "tag", "answered_at"])]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.question_id}"


class WrongAnswer(models.Model):
    """An entry of the member's 错题本. It leaves the book (``cleared_at``) after
    ``LEARNING_WRONG_BOOK_STREAK`` right answers in a row; a new mistake brings it back."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="wrong_answers"
    )
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="+")
    wrong_count = models.PositiveIntegerField(_("答错次数"), default=0)
    right_streak = models.PositiveSmallIntegerField(_("连续答对"), default=0)
    last_wrong_at = models.DateTimeField(_("最近答错"), default=timezone.now)
    cleared_at = models.DateTimeField(_("移出时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("错题")
        verbose_name_plural = _("错题本")
        ordering = ["-last_wrong_at"]
        constraints = [
            models.UniqueConstraint(fields=["user", "question"], name="learning_wrong_once")
        ]
        indexes = [models.Index(fields=["user", "cleared_at"])]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.question_id}"
