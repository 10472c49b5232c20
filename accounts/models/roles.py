from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    PROVINCE_ADMIN = "province_admin", _("省级管理员")
    REGION_EDITOR = "region_editor", _("市县工会编辑")
    ORG_OFFICER = "org_officer", _("基层工会干部")
    HOTLINE_AGENT = "hotline_agent", _("热线坐席")
    HOTLINE_SUPERVISOR = "hotline_supervisor", _("热线班长")
    EMPLOYER = "employer", _("用人单位")


#: Roles bound to a region subtree; the others are bound to a union organisation.
REGION_ROLES = (
    Role.PROVINCE_ADMIN,
    Role.REGION_EDITOR,
    Role.HOTLINE_AGENT,
    Role.HOTLINE_SUPERVISOR,
    Role.EMPLOYER,
)
ORGANIZATION_ROLES = (Role.ORG_OFFICER,)


class RoleAssignment(models.Model):
    """A user holds a role over a region subtree or over a union organisation subtree.

    Read by ``accounts.permissions`` only: every app asks that helper, never this table.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("用户"),
        on_delete=models.CASCADE,
        related_name="role_assignments",
    )
    role = models.CharField(_("角色"), max_length=20, choices=Role.choices)
    region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("负责地区"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    organization = models.ForeignKey(
        "accounts.UnionOrganization",
        verbose_name=_("负责工会"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="officers",
    )
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("授权人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("授权时间"), default=timezone.now)

    class Meta:
        verbose_name = _("角色授权")
        verbose_name_plural = _("角色授权")
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(
                        role__in=[r.value for r in REGION_ROLES],
                        region__isnull=False,
                        organization__isnull=True,
                    )
                    | models.Q(
                        role__in=[r.value for r in ORGANIZATION_ROLES],
                        region__isnull=True,
                        organization__isnull=False,
                    )
                ),
                name="accounts_role_scope_matches_role",
                violation_error_message=_("该角色需要绑定正确的地区或工会。"),
            ),
            # Two partial constraints rather than one with nulls_distinct=False, which
            # SQLite (the embedded default) cannot enforce.
            models.UniqueConstraint(
                fields=["user", "role", "region"],
                condition=models.Q(organization__isnull=True),
                name="accounts_role_unique_region_assignment",
                violation_error_message=_("该用户已有这项授权。"),
            ),
            models.UniqueConstraint(
                fields=["user", "role", "organization"],
                condition=models.Q(region__isnull=True),
                name="accounts_role_unique_organization_assignment",
                violation_error_message=_("该用户已有这项授权。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.region or self.organization}"
