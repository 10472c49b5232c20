"""The services matrix: entries defined at any level of the tree and inherited down it."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

#: Symbols of static/img/icons.svg that a service entry may use.
ICON_CHOICES = [
    ("join", _("入会")),
    ("card", _("会员卡")),
    ("phone", _("热线")),
    ("book", _("书屋")),
    ("law", _("法律")),
    ("school", _("学堂")),
    ("trophy", _("竞赛")),
    ("gift", _("礼包")),
    ("briefcase", _("就业")),
    ("heart", _("帮扶")),
    ("truck", _("货运")),
    ("pin", _("位置")),
]


class ServiceEntry(models.Model):
    """A service tile: defined at the national root, the province, a city or a county and
    shown on that region's page and every page below it, unless a ``ServiceOverride`` of
    a region on the way hides or reorders it."""

    class Audience(models.TextChoices):
        ALL = "all", _("所有职工")
        MEMBERS = "members", _("工会会员")
        NEW_FORM = "new_form", _("新就业形态劳动者")
        FAMILIES = "families", _("困难职工家庭")

    region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("定义层级"),
        on_delete=models.PROTECT,
        related_name="service_entries",
    )
    title = models.CharField(_("名称"), max_length=30)
    icon = models.CharField(_("图标"), max_length=20, choices=ICON_CHOICES, default="pin")
    description = models.CharField(_("说明"), max_length=120, blank=True)
    link_url = models.CharField(
        _("链接"), max_length=300, blank=True, help_text=_("站外或站内地址，如 https://… 或 /jobs/")
    )
    module = models.CharField(
        _("内置模块"),
        max_length=60,
        blank=True,
        help_text=_("站内功能的 URL 名称，如 hotline:index；与链接二选一"),
    )
    audience = models.CharField(
        _("服务对象"), max_length=10, choices=Audience.choices, default=Audience.ALL
    )
    order = models.PositiveSmallIntegerField(_("排序"), default=100)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("服务入口")
        verbose_name_plural = _("服务入口")
        ordering = ["order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    (models.Q(link_url="") & ~models.Q(module=""))
                    | (~models.Q(link_url="") & models.Q(module=""))
                ),
                name="regions_service_entry_link_or_module",
                violation_error_message=_("链接和内置模块须且只能填写一项。"),
            ),
            models.UniqueConstraint(
                fields=["region", "title"],
                name="regions_service_entry_unique_title",
                violation_error_message=_("同一地区下服务名称不能重复。"),
            ),
        ]

    def __str__(self) -> str:
        return self.title


class ServiceOverride(models.Model):
    """A region's decision about an entry inherited from above: hide it, or move it. It
    applies to the region and all regions below it; a deeper override wins."""

    region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("地区"),
        on_delete=models.PROTECT,
        related_name="service_overrides",
    )
    entry = models.ForeignKey(
        ServiceEntry, verbose_name=_("服务入口"), on_delete=models.CASCADE, related_name="overrides"
    )
    hidden = models.BooleanField(_("隐藏"), default=False)
    order = models.PositiveSmallIntegerField(_("排序"), null=True, blank=True)

    class Meta:
        verbose_name = _("服务入口调整")
        verbose_name_plural = _("服务入口调整")
        constraints = [
            models.UniqueConstraint(
                fields=["region", "entry"],
                name="regions_service_override_unique",
                violation_error_message=_("该地区已调整过这个服务入口。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.region} · {self.entry}"
