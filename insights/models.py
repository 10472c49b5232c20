"""The facts behind the dashboard: one value per indicator, region and day.

Written only by ``insights.services`` (a day is replaced as a whole); the indicators
themselves live in ``insights.indicators`` (code, not rows).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models.functions import Now
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Fact(models.Model):
    """The value of one indicator for one region on one day.

    ``breakdown`` is "" for the indicator's total and a category key (a hotline kind, a
    points source) for its parts. ``numerator`` and ``denominator`` are what roll up from
    counties to cities to the province; ``value`` is derived from them (a count, a sum, a
    share in percent, a mean). Rows whose numerator and denominator are both zero are not
    stored: a missing row reads as zero for counts and "no data" for shares.
    """

    indicator = models.CharField(_("指标"), max_length=40)
    region = models.ForeignKey(
        "regions.Region", verbose_name=_("地区"), on_delete=models.CASCADE, related_name="+"
    )
    date = models.DateField(_("日期"))
    breakdown = models.CharField(_("分类"), max_length=40, blank=True, default="")
    value = models.FloatField(_("数值"), null=True, blank=True)
    numerator = models.FloatField(_("分子"), default=0)
    denominator = models.FloatField(_("分母"), null=True, blank=True)

    class Meta:
        verbose_name = _("指标数据")
        verbose_name_plural = _("指标数据")
        constraints = [
            # Its index also serves the charts (one indicator, one or more regions, a range),
            # covering the figures so a year of facts is read from the index alone
            # (PostgreSQL; elsewhere a plain unique index).
            models.UniqueConstraint(
                fields=["indicator", "region", "date", "breakdown"],
                include=["numerator", "denominator", "value"],
                name="insights_fact_unique_covering",
            ),
        ]
        indexes = [models.Index(fields=["date"], name="insights_fact_date")]  # replacing a day

    def __str__(self) -> str:
        return f"{self.indicator} {self.region_id} {self.date} {self.breakdown}".strip()


class FactDay(models.Model):
    """A day whose facts have been computed: when, how many rows, how long it took."""

    date = models.DateField(_("日期"), unique=True)
    computed_at = models.DateTimeField(_("计算时间"), default=timezone.now, db_default=Now())
    rows = models.PositiveIntegerField(_("数据行数"), default=0)
    seconds = models.FloatField(_("用时（秒）"), default=0)

    class Meta:
        verbose_name = _("已计算日期")
        verbose_name_plural = _("已计算日期")
        ordering = ["-date"]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d}"


class DailyActive(models.Model):
    """A user who used the portal on a day (signed in and made at least one request).

    Nothing else records daily use (``last_login`` keeps only the latest sign-in), so
    ``insights.middleware.DailyActiveMiddleware`` notes each signed-in user once a day in the
    cache, without a database query on the request path, and ``insights.tasks.flush_active``
    writes the notes here every few minutes.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("用户"),
        on_delete=models.CASCADE,
        related_name="daily_actives",
    )
    date = models.DateField(_("日期"))

    class Meta:
        verbose_name = _("日活跃记录")
        verbose_name_plural = _("日活跃记录")
        constraints = [
            models.UniqueConstraint(fields=["date", "user"], name="insights_active_once_a_day"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.date}"
