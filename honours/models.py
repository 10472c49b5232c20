"""The union's register of 劳动模范, 五一劳动奖章 and 工匠 winners. Union staff record an
honour for a member; it is shown publicly only while the member agrees (PIPL: a public
profile with a name, employer and story is the member's to allow and to take back)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from regions.models import Region


class Honour(models.Model):
    class Kind(models.TextChoices):
        MODEL_WORKER = "model_worker", _("劳动模范")
        LABOUR_MEDAL = "labour_medal", _("五一劳动奖章")
        CRAFTSMAN = "craftsman", _("工匠")

    class Level(models.TextChoices):
        NATIONAL = "national", _("全国")
        PROVINCIAL = "provincial", _("省级")
        CITY = "city", _("市级")
        COUNTY = "county", _("县级")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("会员"),
        on_delete=models.CASCADE,
        related_name="honours",
    )
    name = models.CharField(_("姓名"), max_length=30, help_text=_("公开展示的姓名"))
    kind = models.CharField(_("类别"), max_length=20, choices=Kind.choices)
    level = models.CharField(_("级别"), max_length=20, choices=Level.choices)
    title = models.CharField(_("荣誉称号"), max_length=60, help_text=_("如：河北省劳动模范"))
    year = models.PositiveSmallIntegerField(_("授予年份"))
    region = models.ForeignKey(
        Region,
        verbose_name=_("展示地区"),
        on_delete=models.PROTECT,
        related_name="honours",
        help_text=_("事迹在哪个市、县的劳模工匠页展示"),
    )
    employer = models.CharField(_("工作单位"), max_length=100)
    occupation = models.CharField(_("岗位"), max_length=60)
    story = models.TextField(_("事迹"), max_length=4000)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    consented_at = models.DateTimeField(_("本人同意公开时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("劳模工匠")
        verbose_name_plural = _("劳模工匠")
        ordering = ["-year", "kind", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "kind", "title", "year"],
                name="honour_once_per_member",
                violation_error_message=_("该会员的这项荣誉已经登记过了。"),
            ),
            models.CheckConstraint(
                condition=Q(year__gte=1950) & Q(year__lte=2100),
                name="honour_year_sane",
                violation_error_message=_("授予年份应在 1950 年到 2100 年之间。"),
            ),
        ]
        indexes = [models.Index(fields=["consented_at"], name="honour_public_idx")]

    def __str__(self) -> str:
        return f"{self.title}（{self.year}）"

    @property
    def is_public(self) -> bool:
        return self.consented_at is not None
