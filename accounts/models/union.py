from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class UnionOrganization(models.Model):
    """A union organisation. The federations follow the region tree; grassroots, joint and
    industry unions hang below the federation of their county or city.

    ``path`` lists primary keys from the top ("1/5/42/"), so an officer's scope over the
    organisations below theirs is one prefix filter.
    """

    class Kind(models.TextChoices):
        PROVINCIAL_FEDERATION = "provincial", _("省总工会")
        CITY_FEDERATION = "city", _("市总工会")
        COUNTY_FEDERATION = "county", _("县（市、区）总工会")
        GRASSROOTS = "grassroots", _("基层工会")
        JOINT = "joint", _("联合工会")
        INDUSTRY = "industry", _("行业工会")

    FEDERATION_KINDS = (Kind.PROVINCIAL_FEDERATION, Kind.CITY_FEDERATION, Kind.COUNTY_FEDERATION)
    #: Kinds a worker can join directly (入会).
    JOINABLE_KINDS = (Kind.GRASSROOTS, Kind.JOINT, Kind.INDUSTRY)

    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("类型"), max_length=12, choices=Kind.choices)
    region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("所在地区"),
        on_delete=models.PROTECT,
        related_name="union_organizations",
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级工会"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    path = models.CharField(_("路径"), max_length=255, editable=False, db_index=True)
    employer_name = models.CharField(
        _("所属单位"), max_length=100, blank=True, help_text=_("基层工会所在的企业或单位。")
    )
    credit_code = models.CharField(
        _("统一社会信用代码"),
        max_length=18,
        blank=True,
        help_text=_("单位的18位统一社会信用代码。"),
    )
    trades = models.CharField(
        _("覆盖行业或职业"),
        max_length=200,
        blank=True,
        help_text=_("联合工会、行业工会吸纳的职业，如：快递员、网约配送员、货车司机。"),
    )
    accepts_applications = models.BooleanField(_("接受入会申请"), default=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("工会组织")
        verbose_name_plural = _("工会组织")
        ordering = ["path"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "name"],
                name="accounts_union_unique_name_in_region",
                violation_error_message=_("同一地区已有同名工会。"),
            ),
            models.UniqueConstraint(
                fields=["credit_code"],
                condition=~models.Q(credit_code=""),
                name="accounts_union_unique_credit_code",
                violation_error_message=_("该统一社会信用代码已登记工会。"),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_joinable(self) -> bool:
        return self.kind in self.JOINABLE_KINDS and self.accepts_applications
