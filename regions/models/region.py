from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class Region(models.Model):
    """A node of the administrative tree (GB/T 2260) that the whole portal is scoped by.

    ``path`` lists the codes from the national root down to this node ("100000/130000/130100/"),
    so a subtree is one indexed prefix filter instead of a recursive query.
    """

    class Level(models.TextChoices):
        COUNTRY = "country", _("全国")
        PROVINCE = "province", _("省")
        CITY = "city", _("市")
        COUNTY = "county", _("县（市、区）")

    LEVEL_DEPTH = {Level.COUNTRY: 0, Level.PROVINCE: 1, Level.CITY: 2, Level.COUNTY: 3}

    code = models.CharField(
        _("区划代码"),
        max_length=6,
        unique=True,
        validators=[RegexValidator(r"^\d{6}$", _("区划代码应为6位数字。"))],
    )
    name = models.CharField(_("名称"), max_length=50)
    short_name = models.CharField(_("简称"), max_length=20)
    level = models.CharField(_("级别"), max_length=10, choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    slug = models.SlugField(_("拼音标识"), max_length=40)
    path = models.CharField(_("路径"), max_length=64, editable=False, db_index=True)
    latitude = models.DecimalField(
        _("纬度"),
        max_digits=7,
        decimal_places=4,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        _("经度"),
        max_digits=7,
        decimal_places=4,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )

    class Meta:
        verbose_name = _("地区")
        verbose_name_plural = _("地区")
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(
                fields=["parent", "slug"],
                name="regions_region_unique_slug_per_parent",
                violation_error_message=_("同一上级下拼音标识不能重复。"),
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(level="country", parent__isnull=True)
                    | (~models.Q(level="country") & models.Q(parent__isnull=False))
                ),
                name="regions_region_only_root_without_parent",
                violation_error_message=_("只有全国节点没有上级。"),
            ),
            models.CheckConstraint(
                condition=models.Q(level__in=["country", "province", "city", "county"]),
                name="regions_region_level_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def depth(self) -> int:
        return self.LEVEL_DEPTH[self.level]

    @property
    def ancestor_codes(self) -> list[str]:
        """Codes from the root down to the parent."""
        return self.path.strip("/").split("/")[:-1]
