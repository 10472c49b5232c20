"""困难职工帮扶: a member's application, checked by the grassroots union (核实), approved by
the city union (审批), aid disbursed and recorded, then re-checked (复核) every year.

The states and who moves them are in ``aid.services.hardship``; every move is one
``HardshipStep`` row, which is what the member's status page shows.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class HardshipStatus(models.TextChoices):
    SUBMITTED = "submitted", _("待基层工会核实")
    VERIFIED = "verified", _("待市总工会审批")
    APPROVED = "approved", _("已批准，待发放")
    DISBURSED = "disbursed", _("已发放")
    RECHECK_DUE = "recheck_due", _("待年度复核")
    REFUSED = "refused", _("未获批准")
    WITHDRAWN = "withdrawn", _("已撤回")
    CLOSED = "closed", _("帮扶结束")


class HardshipReason(models.TextChoices):
    ILLNESS = "illness", _("本人或家庭成员患重病")
    DISABILITY = "disability", _("因残致困")
    EDUCATION = "education", _("子女就学负担重")
    UNEMPLOYMENT = "unemployment", _("下岗失业、收入骤减")
    DISASTER = "disaster", _("遭受灾害或意外")
    SINGLE_PARENT = "single_parent", _("单亲抚养子女")
    OTHER = "other", _("其他原因")


class AidForm(models.TextChoices):
    LIVING = "living", _("生活救助")
    MEDICAL = "medical", _("医疗救助")
    EDUCATION = "education", _("助学")
    EMPLOYMENT = "employment", _("就业帮扶")
    FESTIVAL = "festival", _("节日慰问（送温暖）")


class HardshipApplication(models.Model):
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("申请职工"),
        on_delete=models.PROTECT,
        related_name="hardship_applications",
    )
    organization = models.ForeignKey(
        "accounts.UnionOrganization",
        verbose_name=_("所属基层工会"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    region = models.ForeignKey(
        "regions.Region", verbose_name=_("所在地区"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("状态"), max_length=12, choices=HardshipStatus.choices, default=HardshipStatus.SUBMITTED
    )
    reason = models.CharField(_("困难原因"), max_length=16, choices=HardshipReason.choices)
    family_size = models.PositiveSmallIntegerField(_("家庭人口"))
    monthly_income = models.DecimalField(_("家庭月收入（元）"), max_digits=10, decimal_places=2)
    family_situation = models.TextField(_("家庭情况"), max_length=2000)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    verify_note = models.TextField(_("核实意见"), blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("核实人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    verified_at = models.DateTimeField(_("核实时间"), null=True, blank=True)
    approved_amount = models.DecimalField(
        _("批准帮扶金额（元，累计）"), max_digits=10, decimal_places=2, default=0
    )
    approved_form = models.CharField(
        _("帮扶形式"), max_length=12, choices=AidForm.choices, blank=True
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审批人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    refusal_reason = models.TextField(_("不予批准的理由"), blank=True)
    recheck_due = models.DateField(_("下次复核日期"), null=True, blank=True)
    created_at = models.DateTimeField(_("申请时间"), default=timezone.now)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("困难职工帮扶申请")
        verbose_name_plural = _("困难职工帮扶申请")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["member"],
                condition=models.Q(status__in=["submitted", "verified"]),
                name="aid_hardship_one_pending_per_member",
                violation_error_message=_("您已有一份正在审核的帮扶申请。"),
            ),
            models.CheckConstraint(
                condition=models.Q(family_size__gte=1, family_size__lte=20),
                name="aid_hardship_family_size_range",
            ),
            models.CheckConstraint(
                condition=models.Q(monthly_income__gte=0), name="aid_hardship_income_not_negative"
            ),
            models.CheckConstraint(
                condition=models.Q(approved_amount__gte=0),
                name="aid_hardship_approved_not_negative",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="refused") | ~models.Q(refusal_reason=""),
                name="aid_hardship_refusal_has_reason",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "recheck_due"], name="aid_hardship_recheck"),
            models.Index(fields=["organization", "status"], name="aid_hardship_org_status"),
        ]

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        return reverse("aid:hardship_detail", kwargs={"pk": self.pk})

    @property
    def number(self) -> str:
        return f"KN{self.created_at:%Y}{self.pk or 0:06d}"

    @property
    def per_capita_income(self):
        return (self.monthly_income / self.family_size).quantize(self.monthly_income)


class HardshipDocument(models.Model):
    application = models.ForeignKey(
        HardshipApplication,
        verbose_name=_("帮扶申请"),
        on_delete=models.CASCADE,
        related_name="documents",
    )
    file = models.FileField(_("文件"), upload_to="aid/hardship/%Y/%m/")
    name = models.CharField(_("文件名"), max_length=120)
    kind = models.CharField(_("文件类型"), max_length=10)
    size = models.PositiveIntegerField(_("大小（字节）"))
    created_at = models.DateTimeField(_("上传时间"), default=timezone.now)

    class Meta:
        verbose_name = _("证明材料")
        verbose_name_plural = _("证明材料")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class HardshipStep(models.Model):
    """One move of an application; append-only. The member's status page lists them."""

    application = models.ForeignKey(
        HardshipApplication,
        verbose_name=_("帮扶申请"),
        on_delete=models.CASCADE,
        related_name="steps",
    )
    from_status = models.CharField(
        _("原状态"), max_length=12, choices=HardshipStatus.choices, blank=True
    )
    to_status = models.CharField(_("新状态"), max_length=12, choices=HardshipStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    note = models.TextField(_("说明"), blank=True)
    created_at = models.DateTimeField(_("时间"), default=timezone.now)

    class Meta:
        verbose_name = _("办理步骤")
        verbose_name_plural = _("办理步骤")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.application} → {self.get_to_status_display()}"


class HardshipDisbursement(models.Model):
    """帮扶记录: aid paid out on an approved application."""

    application = models.ForeignKey(
        HardshipApplication,
        verbose_name=_("帮扶申请"),
        on_delete=models.PROTECT,
        related_name="disbursements",
    )
    form = models.CharField(_("帮扶形式"), max_length=12, choices=AidForm.choices)
    amount = models.DecimalField(_("金额（元）"), max_digits=10, decimal_places=2)
    disbursed_on = models.DateField(_("发放日期"))
    note = models.CharField(_("备注"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("经办人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("登记时间"), default=timezone.now)

    class Meta:
        verbose_name = _("帮扶记录")
        verbose_name_plural = _("帮扶记录")
        ordering = ["-disbursed_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gt=0), name="aid_disbursement_amount_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.application} {self.get_form_display()} {self.amount}"
