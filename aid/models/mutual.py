"""职工互助保障: yearly plans, a member's enrolment in one (paid by the member or the
employer), and claims against it with documents, reviewed and paid out.

The database refuses a second live enrolment of a member in a plan, a claim of nothing, an
approved claim above the plan's cover, and an enrolment whose approved claims add up to more
than its cover (``committed_total``, kept by ``aid.services.mutual`` under a row lock).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class PlanKind(models.TextChoices):
    INPATIENT = "inpatient", _("住院医疗互助")
    ACCIDENT = "accident", _("意外伤害互助")
    CRITICAL = "critical", _("重大疾病互助")
    WOMEN = "women", _("女职工特殊疾病互助")


class Payer(models.TextChoices):
    SELF = "self", _("本人缴纳")
    EMPLOYER = "employer", _("单位缴纳")


class EnrolmentStatus(models.TextChoices):
    PENDING = "pending", _("待确认缴费")
    ACTIVE = "active", _("保障中")
    CANCELLED = "cancelled", _("已取消")


class ClaimStatus(models.TextChoices):
    SUBMITTED = "submitted", _("待审核")
    APPROVED = "approved", _("审核通过，待赔付")
    REFUSED = "refused", _("未通过")
    PAID = "paid", _("已赔付")


#: The statuses that hold a member's place in a plan (one per member and plan).
LIVE_ENROLMENT = (EnrolmentStatus.PENDING, EnrolmentStatus.ACTIVE)
#: Claims whose approved amount counts against the enrolment's cover.
COMMITTED_CLAIMS = (ClaimStatus.APPROVED, ClaimStatus.PAID)


class MutualPlan(models.Model):
    name = models.CharField(_("保障计划"), max_length=80)
    year = models.PositiveSmallIntegerField(_("保障年度"))
    kind = models.CharField(_("保障类型"), max_length=12, choices=PlanKind.choices)
    region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("承办工会所在地区"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    premium = models.DecimalField(_("每份会费（元/年）"), max_digits=8, decimal_places=2)
    cover_limit = models.DecimalField(_("保障限额（元）"), max_digits=10, decimal_places=2)
    description = models.TextField(_("保障说明"), blank=True)
    is_open = models.BooleanField(_("开放参保"), default=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)

    class Meta:
        verbose_name = _("互助保障计划")
        verbose_name_plural = _("互助保障计划")
        ordering = ["-year", "kind", "id"]
        constraints = [
            models.UniqueConstraint(fields=["name", "year"], name="aid_plan_unique_name_year"),
            models.CheckConstraint(condition=Q(premium__gt=0), name="aid_plan_premium_positive"),
            models.CheckConstraint(condition=Q(cover_limit__gt=0), name="aid_plan_cover_positive"),
            models.CheckConstraint(
                condition=Q(year__gte=2000, year__lte=2100), name="aid_plan_year_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year}年{self.name}"

    def get_absolute_url(self) -> str:
        return reverse("aid:plan_detail", kwargs={"pk": self.pk})


class MutualEnrolment(models.Model):
    plan = models.ForeignKey(
        MutualPlan, verbose_name=_("保障计划"), on_delete=models.PROTECT, related_name="enrolments"
    )
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("参保职工"),
        on_delete=models.PROTECT,
        related_name="mutual_enrolments",
    )
    organization = models.ForeignKey(
        "accounts.UnionOrganization",
        verbose_name=_("所属工会"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    region = models.ForeignKey(
        "regions.Region", verbose_name=_("所在地区"), on_delete=models.PROTECT, related_name="+"
    )
    payer = models.CharField(_("缴费方式"), max_length=10, choices=Payer.choices)
    employer_name = models.CharField(_("缴费单位"), max_length=100, blank=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=EnrolmentStatus.choices, default=EnrolmentStatus.PENDING
    )
    premium = models.DecimalField(_("会费（元）"), max_digits=8, decimal_places=2)
    cover_limit = models.DecimalField(_("保障限额（元）"), max_digits=10, decimal_places=2)
    committed_total = models.DecimalField(
        _("已核准赔付合计（元）"), max_digits=10, decimal_places=2, default=0
    )
    starts_on = models.DateField(_("保障开始"))
    ends_on = models.DateField(_("保障结束"))
    paid_at = models.DateTimeField(_("缴费确认时间"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("确认人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("参保时间"), default=timezone.now)

    class Meta:
        verbose_name = _("互助保障参保")
        verbose_name_plural = _("互助保障参保")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "member"],
                condition=Q(status__in=["pending", "active"]),
                name="aid_enrolment_one_live_per_member_plan",
                violation_error_message=_("您已参加这个保障计划。"),
            ),
            models.CheckConstraint(
                condition=Q(committed_total__gte=0) & Q(committed_total__lte=F("cover_limit")),
                name="aid_enrolment_claims_within_cover",
                violation_error_message=_("赔付合计不能超过保障限额。"),
            ),
            models.CheckConstraint(
                condition=~Q(payer="employer") | ~Q(employer_name=""),
                name="aid_enrolment_employer_named",
            ),
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="aid_enrolment_period_order"
            ),
        ]
        indexes = [models.Index(fields=["region", "status"], name="aid_enrolment_region")]

    def __str__(self) -> str:
        return f"{self.plan} · {self.member}"

    def get_absolute_url(self) -> str:
        return reverse("aid:enrolment_detail", kwargs={"pk": self.pk})

    @property
    def remaining_cover(self):
        return self.cover_limit - self.committed_total


class MutualClaim(models.Model):
    enrolment = models.ForeignKey(
        MutualEnrolment, verbose_name=_("参保记录"), on_delete=models.PROTECT, related_name="claims"
    )
    status = models.CharField(
        _("状态"), max_length=10, choices=ClaimStatus.choices, default=ClaimStatus.SUBMITTED
    )
    incident_date = models.DateField(_("出险（住院）日期"))
    amount_claimed = models.DecimalField(_("申请金额（元）"), max_digits=10, decimal_places=2)
    description = models.TextField(_("情况说明"), max_length=2000)
    #: the plan's cover when the claim was filed: the database refuses an approval above it
    cover_limit = models.DecimalField(_("保障限额（元）"), max_digits=10, decimal_places=2)
    approved_amount = models.DecimalField(
        _("核准金额（元）"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    review_note = models.TextField(_("审核意见"), blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    paid_at = models.DateTimeField(_("赔付时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("申请时间"), default=timezone.now)

    class Meta:
        verbose_name = _("互助保障理赔")
        verbose_name_plural = _("互助保障理赔")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount_claimed__gt=0),
                name="aid_claim_amount_positive",
                violation_error_message=_("申请金额必须大于0。"),
            ),
            models.CheckConstraint(
                condition=Q(approved_amount__isnull=True)
                | (Q(approved_amount__gt=0) & Q(approved_amount__lte=F("cover_limit"))),
                name="aid_claim_approved_within_cover",
                violation_error_message=_("核准金额不能超过保障限额。"),
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["approved", "paid"]) | Q(approved_amount__isnull=False),
                name="aid_claim_committed_has_amount",
            ),
            models.CheckConstraint(
                condition=~Q(status="refused") | ~Q(review_note=""),
                name="aid_claim_refusal_has_reason",
            ),
        ]
        indexes = [models.Index(fields=["status", "-created_at"], name="aid_claim_status")]

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        return reverse("aid:claim_detail", kwargs={"pk": self.pk})

    @property
    def number(self) -> str:
        return f"HZ{self.created_at:%Y}{self.pk or 0:06d}"


class ClaimDocument(models.Model):
    claim = models.ForeignKey(
        MutualClaim, verbose_name=_("理赔申请"), on_delete=models.CASCADE, related_name="documents"
    )
    file = models.FileField(_("文件"), upload_to="aid/claims/%Y/%m/")
    name = models.CharField(_("文件名"), max_length=120)
    kind = models.CharField(_("文件类型"), max_length=10)
    size = models.PositiveIntegerField(_("大小（字节）"))
    created_at = models.DateTimeField(_("上传时间"), default=timezone.now)

    class Meta:
        verbose_name = _("理赔材料")
        verbose_name_plural = _("理赔材料")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name
