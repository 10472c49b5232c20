from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class EmploymentForm(models.TextChoices):
    FULL_TIME = "full_time", _("全日制用工")
    FLEXIBLE = "flexible", _("灵活就业")
    NEW_FORM = "new_form", _("新就业形态")


class Membership(models.Model):
    """A member's belonging to one union for a period. History is kept: a transfer ends one
    row and starts another. The database allows at most one active row per person."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("有效")
        ENDED = "ended", _("已结束")

    class EndReason(models.TextChoices):
        TRANSFERRED = "transferred", _("转会")
        LEFT = "left", _("退会")
        CLOSED = "closed", _("账号注销")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("会员"),
        on_delete=models.PROTECT,
        related_name="memberships",
    )
    organization = models.ForeignKey(
        "accounts.UnionOrganization",
        verbose_name=_("所属工会"),
        on_delete=models.PROTECT,
        related_name="memberships",
    )
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.ACTIVE
    )
    employer = models.CharField(_("工作单位"), max_length=100, blank=True)
    occupation = models.CharField(_("职业"), max_length=50, blank=True)
    employment_form = models.CharField(_("用工形式"), max_length=10, choices=EmploymentForm.choices)
    started_at = models.DateTimeField(_("入会时间"), default=timezone.now)
    ended_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    end_reason = models.CharField(
        _("结束原因"), max_length=12, choices=EndReason.choices, blank=True
    )

    class Meta:
        verbose_name = _("会籍")
        verbose_name_plural = _("会籍")
        ordering = ["-started_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(status="active"),
                name="accounts_membership_one_active_per_user",
                violation_error_message=_("每位会员只能有一个有效会籍。"),
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(status="active", ended_at__isnull=True, end_reason="")
                    | (models.Q(status="ended", ended_at__isnull=False) & ~models.Q(end_reason=""))
                ),
                name="accounts_membership_end_consistent",
            ),
        ]
        indexes = [
            models.Index(fields=["organization", "status"]),
            # The admin's list order (newest first, then id) over 500,000 memberships.
            models.Index(fields=["-started_at", "-id"], name="accounts_membership_started"),
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.organization}"


class MembershipApplication(models.Model):
    """入会: a worker asks to join a union; an officer of that union decides."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("待审核")
        APPROVED = "approved", _("已通过")
        REJECTED = "rejected", _("未通过")
        WITHDRAWN = "withdrawn", _("已撤回")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("申请人"),
        on_delete=models.PROTECT,
        related_name="membership_applications",
    )
    organization = models.ForeignKey(
        "accounts.UnionOrganization",
        verbose_name=_("申请加入的工会"),
        on_delete=models.PROTECT,
        related_name="applications",
    )
    employer = models.CharField(_("工作单位"), max_length=100)
    occupation = models.CharField(_("职业"), max_length=50)
    employment_form = models.CharField(_("用工形式"), max_length=10, choices=EmploymentForm.choices)
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.SUBMITTED
    )
    submitted_at = models.DateTimeField(_("提交时间"), default=timezone.now)
    decided_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("处理人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decision_reason = models.CharField(_("处理意见"), max_length=300, blank=True)
    membership = models.OneToOneField(
        "accounts.Membership",
        verbose_name=_("形成的会籍"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="application",
    )

    class Meta:
        verbose_name = _("入会申请")
        verbose_name_plural = _("入会申请")
        ordering = ["-submitted_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(status="submitted"),
                name="accounts_application_one_pending_per_user",
                violation_error_message=_("您已有一份待审核的入会申请。"),
            ),
        ]
        indexes = [models.Index(fields=["organization", "status"])]

    def __str__(self) -> str:
        return f"{self.user} → {self.organization}"


class TransferRequest(models.Model):
    """转会: the old union releases, then the new union accepts; only then does the
    membership move."""

    class Status(models.TextChoices):
        REQUESTED = "requested", _("待原工会转出")
        RELEASED = "released", _("待新工会接收")
        COMPLETED = "completed", _("已完成")
        REJECTED = "rejected", _("未通过")
        WITHDRAWN = "withdrawn", _("已撤回")

    OPEN_STATUSES = (Status.REQUESTED, Status.RELEASED)

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("会员"),
        on_delete=models.PROTECT,
        related_name="transfer_requests",
    )
    from_membership = models.ForeignKey(
        "accounts.Membership",
        verbose_name=_("原会籍"),
        on_delete=models.PROTECT,
        related_name="transfers_out",
    )
    to_organization = models.ForeignKey(
        "accounts.UnionOrganization",
        verbose_name=_("转入工会"),
        on_delete=models.PROTECT,
        related_name="transfers_in",
    )
    employer = models.CharField(_("新工作单位"), max_length=100)
    occupation = models.CharField(_("职业"), max_length=50)
    employment_form = models.CharField(_("用工形式"), max_length=10, choices=EmploymentForm.choices)
    reason = models.CharField(_("转会原因"), max_length=300, blank=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.REQUESTED
    )
    requested_at = models.DateTimeField(_("申请时间"), default=timezone.now)
    released_at = models.DateTimeField(_("转出时间"), null=True, blank=True)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("转出经办人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    completed_at = models.DateTimeField(_("接收时间"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("接收经办人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decision_reason = models.CharField(_("处理意见"), max_length=300, blank=True)
    to_membership = models.OneToOneField(
        "accounts.Membership",
        verbose_name=_("新会籍"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="transfer_in",
    )

    class Meta:
        verbose_name = _("转会申请")
        verbose_name_plural = _("转会申请")
        ordering = ["-requested_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(status__in=["requested", "released"]),
                name="accounts_transfer_one_open_per_user",
                violation_error_message=_("您已有一份正在办理的转会申请。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.to_organization}"


class MembershipEvent(models.Model):
    """One step of a member's history (applied, approved, released, …) with its time, shown
    on the member's page as a timeline. Append-only."""

    class Kind(models.TextChoices):
        APPLIED = "applied", _("提交入会申请")
        APPROVED = "approved", _("入会申请通过")
        REJECTED = "rejected", _("入会申请未通过")
        WITHDRAWN = "withdrawn", _("撤回入会申请")
        TRANSFER_REQUESTED = "transfer_requested", _("申请转会")
        TRANSFER_RELEASED = "transfer_released", _("原工会同意转出")
        TRANSFER_COMPLETED = "transfer_completed", _("新工会接收，转会完成")
        TRANSFER_REJECTED = "transfer_rejected", _("转会未通过")
        TRANSFER_WITHDRAWN = "transfer_withdrawn", _("撤回转会申请")
        ENDED = "ended", _("会籍结束")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("会员"),
        on_delete=models.CASCADE,
        related_name="membership_events",
    )
    kind = models.CharField(_("事件"), max_length=20, choices=Kind.choices)
    organization = models.ForeignKey(
        "accounts.UnionOrganization",
        verbose_name=_("工会"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    application = models.ForeignKey(
        "accounts.MembershipApplication",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="events",
    )
    transfer = models.ForeignKey(
        "accounts.TransferRequest",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="events",
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("经办人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    note = models.CharField(_("说明"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("时间"), default=timezone.now)

    class Meta:
        verbose_name = _("会籍记录")
        verbose_name_plural = _("会籍记录")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["user", "created_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.created_at:%Y-%m-%d}"
