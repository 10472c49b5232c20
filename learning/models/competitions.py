from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Competition(models.Model):
    """A skills competition (冀高一筹 and others): a registration window, eligibility, one
    or more exam rounds, rankings by total score then total time."""

    region = models.ForeignKey(
        "regions.Region", verbose_name=_("主办地区"), on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("竞赛名称"), max_length=100)
    description = models.TextField(_("竞赛说明"), blank=True)
    organizer = models.CharField(_("主办单位"), max_length=100)
    registration_opens_at = models.DateTimeField(_("报名开始"))
    registration_closes_at = models.DateTimeField(_("报名截止"))
    ends_at = models.DateTimeField(_("竞赛结束"))
    members_only = models.BooleanField(_("仅限工会会员"), default=True)
    eligible_region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("限定地区"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("留空表示不限地区；按会员所在工会的地区判断。"),
    )
    eligible_trades = models.CharField(
        _("限定工种"),
        max_length=200,
        blank=True,
        help_text=_("多个工种用顿号或逗号分隔；留空表示不限。按会籍登记的职业判断。"),
    )
    first_prizes = models.PositiveSmallIntegerField(_("一等奖名额"), default=1)
    second_prizes = models.PositiveSmallIntegerField(_("二等奖名额"), default=3)
    third_prizes = models.PositiveSmallIntegerField(_("三等奖名额"), default=5)
    award_points = models.PositiveSmallIntegerField(_("获奖积分"), default=50)
    is_published = models.BooleanField(_("已发布"), default=False)
    awards_issued_at = models.DateTimeField(_("颁奖时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("竞赛")
        verbose_name_plural = _("竞赛")
        ordering = ["-registration_opens_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(registration_closes_at__gt=models.F("registration_opens_at"))
                & models.Q(ends_at__gte=models.F("registration_closes_at")),
                name="learning_competition_dates_ordered",
                violation_error_message=_("报名截止须晚于报名开始，竞赛结束不得早于报名截止。"),
            )
        ]

    def __str__(self) -> str:
        return self.title


class CompetitionRound(models.Model):
    competition = models.ForeignKey(
        Competition, verbose_name=_("竞赛"), on_delete=models.CASCADE, related_name="rounds"
    )
    position = models.PositiveSmallIntegerField(_("轮次"))
    title = models.CharField(_("名称"), max_length=60)
    paper = models.ForeignKey(
        "learning.Paper", verbose_name=_("试卷"), on_delete=models.PROTECT, related_name="+"
    )
    opens_at = models.DateTimeField(_("开考时间"))
    closes_at = models.DateTimeField(_("结束时间"))

    class Meta:
        verbose_name = _("竞赛轮次")
        verbose_name_plural = _("竞赛轮次")
        ordering = ["competition", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["competition", "position"], name="learning_round_unique_position"
            )
        ]

    def __str__(self) -> str:
        return f"{self.competition} · {self.title}"


class CompetitionRegistration(models.Model):
    """A member's entry. The city and union organisation are copied at registration so the
    city and enterprise leaderboards do not move when a member later transfers."""

    competition = models.ForeignKey(
        Competition, on_delete=models.CASCADE, related_name="registrations"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="competition_entries"
    )
    registered_at = models.DateTimeField(default=timezone.now)
    city_code = models.CharField(max_length=6, blank=True)
    organization = models.ForeignKey(
        "accounts.UnionOrganization",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("竞赛报名")
        verbose_name_plural = _("竞赛报名")
        constraints = [
            models.UniqueConstraint(
                fields=["competition", "user"],
                name="learning_registration_once",
                violation_error_message=_("您已报名该竞赛。"),
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id} @ {self.competition_id}"


class CompetitionResult(models.Model):
    """The standing of one entrant: the sum of their best attempt of each round. Kept by the
    submit service so a leaderboard is an index scan, not an aggregate over all attempts."""

    competition = models.ForeignKey(Competition, on_delete=models.CASCADE, related_name="results")
    registration = models.OneToOneField(
        CompetitionRegistration, on_delete=models.CASCADE, related_name="result"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    city_code = models.CharField(max_length=6, blank=True)
    organization = models.ForeignKey(
        "accounts.UnionOrganization",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    score = models.DecimalField(max_digits=7, decimal_places=1, default=0)
    duration_seconds = models.PositiveIntegerField(default=0)
    round_scores = models.JSONField(default=dict)  # {"round id": [score, seconds]}
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("竞赛成绩")
        verbose_name_plural = _("竞赛成绩")
        indexes = [
            models.Index(
                "competition",
                models.F("score").desc(),
                "duration_seconds",
                "id",
                name="learning_result_rank",
            ),
            models.Index(
                "competition",
                "city_code",
                models.F("score").desc(),
                "duration_seconds",
                "id",
                name="learning_result_city_rank",
            ),
            models.Index(
                "competition",
                "organization",
                models.F("score").desc(),
                "duration_seconds",
                "id",
                name="learning_result_org_rank",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.score}"
