"""职工互助保障: plans, enrolment for a year, payment confirmed by the union, claims with
documents, review and pay-out.

The cover is guarded twice: the service locks the enrolment row (``select_for_update``)
before it approves a claim, so two reviewers approving at once are serialised and the
second sees what the first committed; and the database's check constraints refuse an
approved amount above the plan's cover and an enrolment whose approved claims add up to
more than it (``committed_total <= cover_limit``).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.permissions import Action
from aid.models import (
    ClaimDocument,
    ClaimStatus,
    EnrolmentStatus,
    MutualClaim,
    MutualEnrolment,
    MutualPlan,
    Payer,
    PlanKind,
)
from aid.models.mutual import LIVE_ENROLMENT
from aid.services.common import (
    actor_or_none,
    documents_check,
    documents_save,
    member_notice,
    money,
    require_can,
    require_membership,
    text,
)
from core.audit import audit_record


def _already() -> ValidationError:
    return ValidationError(_("您已参加这个保障计划，同一计划每年只能参保一份。"))


def _tell_enrolment(
    enrolment: MutualEnrolment, *, title: str, body: str, key: str, sms: bool = False
) -> None:
    member_notice(
        user=enrolment.member,
        kind="aid.mutual",
        title=title,
        body=body,
        url=enrolment.get_absolute_url(),
        key=key,
        sms=sms,
    )


def _tell_claim(claim: MutualClaim, *, title: str, body: str = "", sms: bool = False) -> None:
    member_notice(
        user=claim.enrolment.member,
        kind="aid.mutual",
        title=title,
        body=body,
        url=claim.get_absolute_url(),
        key=f"aid.claim:{claim.pk}:{claim.status}",
        sms=sms,
    )


# --- plans -----------------------------------------------------------------------------------


@transaction.atomic
def mutual_plan_create(
    *,
    actor: Any,
    name: str,
    year: int,
    kind: str,
    region: Any,
    premium: Any,
    cover_limit: Any,
    description: str = "",
    is_open: bool = True,
    request: Any = None,
) -> MutualPlan:
    require_can(
        actor,
        Action.AID_APPROVE,
        region=region,
        message=_("您不能在%(r)s发布保障计划。") % {"r": region.name},
    )
    name = text(name, name="name", max_length=80)
    if kind not in PlanKind.values:
        raise ValidationError({"kind": _("请选择保障类型。")})
    if not 2000 <= int(year) <= 2100:
        raise ValidationError({"year": _("请填写正确的保障年度。")})
    premium = money(premium, name="premium")
    cover_limit = money(cover_limit, name="cover_limit")
    if MutualPlan.objects.filter(name=name, year=year).exists():
        raise ValidationError({"name": _("%(y)s年已有同名的保障计划。") % {"y": year}})
    plan = MutualPlan.objects.create(
        name=name,
        year=year,
        kind=kind,
        region=region,
        premium=premium,
        cover_limit=cover_limit,
        description=(description or "").strip(),
        is_open=is_open,
    )
    audit_record(actor=actor, action="aid.plan.create", target=plan, request=request)
    return plan


@transaction.atomic
def mutual_plan_close(*, actor: Any, plan: MutualPlan, request: Any = None) -> MutualPlan:
    """Stop new enrolments; the enrolments already made keep their cover for the year."""
    plan = MutualPlan.objects.select_for_update().select_related("region").get(pk=plan.pk)
    require_can(
        actor,
        Action.AID_APPROVE,
        region=plan.region,
        message=_("您不能停止%(r)s的保障计划。") % {"r": plan.region.name},
    )
    if plan.is_open:
        plan.is_open = False
        plan.save(update_fields=["is_open"])
        audit_record(actor=actor, action="aid.plan.close", target=plan, request=request)
    return plan


# --- enrolment -------------------------------------------------------------------------------


@transaction.atomic
def mutual_enrol(
    *, member: Any, plan: MutualPlan, payer: str, employer_name: str = "", today: date | None = None
) -> MutualEnrolment:
    """The member joins a plan for its year; the union confirms the premium was paid."""
    membership = require_membership(member)
    today = today or timezone.localdate()
    plan = MutualPlan.objects.get(pk=plan.pk)  # its state now, not the caller's copy
    if not plan.is_open:
        raise ValidationError(_("这个保障计划已停止参保。"))
    if plan.year < today.year:
        raise ValidationError(_("%(y)s年度的保障计划已经结束。") % {"y": plan.year})
    if payer not in Payer.values:
        raise ValidationError({"payer": _("请选择缴费方式。")})
    employer_name = (employer_name or "").strip()[:100]
    if payer == Payer.EMPLOYER and not employer_name:
        employer_name = membership.employer.strip()[:100]
        if not employer_name:
            raise ValidationError({"employer_name": _("单位缴纳时请填写缴费单位名称。")})
    if MutualEnrolment.objects.filter(plan=plan, member=member, status__in=LIVE_ENROLMENT).exists():
        raise _already()
    starts_on = max(today, date(plan.year, 1, 1))
    try:
        with transaction.atomic():
            enrolment = MutualEnrolment.objects.create(
                plan=plan,
                member=member,
                organization=membership.organization,
                region=membership.organization.region,
                payer=payer,
                employer_name=employer_name if payer == Payer.EMPLOYER else "",
                premium=plan.premium,
                cover_limit=plan.cover_limit,
                starts_on=starts_on,
                ends_on=date(plan.year, 12, 31),
            )
    except IntegrityError:
        raise _already() from None
    _tell_enrolment(
        enrolment,
        title=_("已报名%(plan)s") % {"plan": plan},
        body=_("会费%(p)s元（%(payer)s），工会确认缴费后保障生效。")
        % {"p": plan.premium, "payer": Payer(payer).label},
        key=f"aid.enrolment:{enrolment.pk}:pending",
    )
    return enrolment


def _lock_enrolment(enrolment: MutualEnrolment | int) -> MutualEnrolment:
    pk = enrolment if isinstance(enrolment, int) else enrolment.pk
    return (
        MutualEnrolment.objects.select_for_update(of=("self",))
        .select_related("plan", "member", "organization", "organization__region", "region")
        .get(pk=pk)
    )


@transaction.atomic
def mutual_enrolment_cancel(*, member: Any, enrolment: MutualEnrolment) -> MutualEnrolment:
    enrolment = _lock_enrolment(enrolment)
    if member is None or enrolment.member_id != member.pk:
        raise ValidationError(_("这不是您的参保记录。"))
    if enrolment.status != EnrolmentStatus.PENDING:
        raise ValidationError(_("保障已生效，不能取消；如有疑问请联系所在工会。"))
    enrolment.status = EnrolmentStatus.CANCELLED
    enrolment.save(update_fields=["status"])
    return enrolment


@transaction.atomic
def mutual_enrolment_confirm_payment(
    *, actor: Any, enrolment: MutualEnrolment, request: Any = None
) -> MutualEnrolment:
    """The union received the premium (from the member or the employer): cover starts."""
    enrolment = _lock_enrolment(enrolment)
    require_can(
        actor,
        Action.AID_VERIFY,
        organization=enrolment.organization,
        message=_("只有%(org)s或其上级工会可以确认缴费。") % {"org": enrolment.organization.name},
    )
    if enrolment.status != EnrolmentStatus.PENDING:
        raise ValidationError(
            _("参保记录当前为“%(s)s”，不能确认缴费。") % {"s": enrolment.get_status_display()}
        )
    enrolment.status = EnrolmentStatus.ACTIVE
    enrolment.paid_at = timezone.now()
    enrolment.confirmed_by = actor_or_none(actor)
    enrolment.save(update_fields=["status", "paid_at", "confirmed_by"])
    audit_record(
        actor=actor, action="aid.enrolment.confirm_payment", target=enrolment, request=request
    )
    _tell_enrolment(
        enrolment,
        title=_("互助保障已生效"),
        body=_("%(plan)s，保障期%(a)s至%(b)s，限额%(c)s元。")
        % {
            "plan": enrolment.plan,
            "a": enrolment.starts_on,
            "b": enrolment.ends_on,
            "c": enrolment.cover_limit,
        },
        key=f"aid.enrolment:{enrolment.pk}:active",
        sms=True,
    )
    return enrolment


# --- claims ----------------------------------------------------------------------------------


@transaction.atomic
def mutual_claim_file(
    *,
    member: Any,
    enrolment: MutualEnrolment,
    incident_date: date,
    amount_claimed: Any,
    description: str,
    documents: Sequence[Any] = (),
    today: date | None = None,
) -> MutualClaim:
    enrolment = _lock_enrolment(enrolment)
    if member is None or enrolment.member_id != member.pk:
        raise ValidationError(_("这不是您的参保记录。"))
    if enrolment.status != EnrolmentStatus.ACTIVE:
        raise ValidationError(_("保障尚未生效（工会确认缴费后生效），暂不能申请理赔。"))
    today = today or timezone.localdate()
    if incident_date is None:
        raise ValidationError({"incident_date": _("请填写出险（住院）日期。")})
    if incident_date > today:
        raise ValidationError({"incident_date": _("出险日期不能晚于今天。")})
    if not enrolment.starts_on <= incident_date <= enrolment.ends_on:
        raise ValidationError(
            {
                "incident_date": _("出险日期不在保障期（%(a)s至%(b)s）内。")
                % {"a": enrolment.starts_on, "b": enrolment.ends_on}
            }
        )
    amount = money(amount_claimed, name="amount_claimed")
    if amount > enrolment.remaining_cover:
        raise ValidationError(
            {
                "amount_claimed": _("申请金额超过本年度剩余保障额度%(n)s元。")
                % {"n": enrolment.remaining_cover}
            }
        )
    description = text(description, name="description", max_length=2000, min_length=10)
    kinds = documents_check(list(documents))
    claim = MutualClaim.objects.create(
        enrolment=enrolment,
        incident_date=incident_date,
        amount_claimed=amount,
        description=description,
        cover_limit=enrolment.cover_limit,
    )
    documents_save(ClaimDocument, "claim", claim, list(documents), kinds)
    _tell_claim(
        claim,
        title=_("理赔申请已提交"),
        body=_("编号 %(n)s，工会审核后会通知您。") % {"n": claim.number},
    )
    return claim


def _lock_claim(claim: MutualClaim) -> tuple[MutualClaim, MutualEnrolment]:
    """The enrolment first, then the claim: every writer takes them in this order."""
    enrolment_id = MutualClaim.objects.values_list("enrolment_id", flat=True).get(pk=claim.pk)
    enrolment = _lock_enrolment(enrolment_id)
    locked = MutualClaim.objects.select_for_update(of=("self",)).get(pk=claim.pk)
    locked.enrolment = enrolment
    return locked, enrolment


def _require_reviewer(actor: Any, enrolment: MutualEnrolment) -> None:
    require_can(
        actor,
        Action.AID_APPROVE,
        region=enrolment.region,
        message=_("只有%(r)s及上级工会的互助保障工作人员可以审核理赔。")
        % {"r": enrolment.region.name},
    )


def _require_status(claim: MutualClaim, status: str, move: str) -> None:
    if claim.status != status:
        raise ValidationError(
            _("理赔 %(n)s 当前为“%(s)s”，不能%(m)s。")
            % {"n": claim.number, "s": claim.get_status_display(), "m": move}
        )


@transaction.atomic
def mutual_claim_approve(
    *, actor: Any, claim: MutualClaim, amount: Any, note: str = "", request: Any = None
) -> MutualClaim:
    claim, enrolment = _lock_claim(claim)
    _require_status(claim, ClaimStatus.SUBMITTED, _("审核通过"))
    _require_reviewer(actor, enrolment)
    amount = money(amount, name="amount")
    if amount > claim.amount_claimed:
        raise ValidationError(
            {"amount": _("核准金额不能超过申请金额%(n)s元。") % {"n": claim.amount_claimed}}
        )
    if amount > enrolment.remaining_cover:
        raise ValidationError(
            {
                "amount": _(
                    "核准金额超过剩余保障额度：限额%(c)s元，已核准%(t)s元，最多还能核准%(r)s元。"
                )
                % {
                    "c": enrolment.cover_limit,
                    "t": enrolment.committed_total,
                    "r": enrolment.remaining_cover,
                }
            }
        )
    MutualEnrolment.objects.filter(pk=enrolment.pk).update(
        committed_total=F("committed_total") + amount
    )
    claim.status = ClaimStatus.APPROVED
    claim.approved_amount = amount
    claim.review_note = (note or "").strip()
    claim.reviewed_by = actor_or_none(actor)
    claim.reviewed_at = timezone.now()
    claim.save(
        update_fields=["status", "approved_amount", "review_note", "reviewed_by", "reviewed_at"]
    )
    audit_record(
        actor=actor,
        action="aid.claim.approve",
        target=claim,
        request=request,
        details={"amount": str(amount)},
    )
    _tell_claim(
        claim,
        title=_("理赔审核通过"),
        body=_("核准%(a)s元，将尽快赔付。") % {"a": amount},
        sms=True,
    )
    return claim


@transaction.atomic
def mutual_claim_refuse(
    *, actor: Any, claim: MutualClaim, reason: str, request: Any = None
) -> MutualClaim:
    claim, enrolment = _lock_claim(claim)
    _require_status(claim, ClaimStatus.SUBMITTED, _("作出不予理赔的决定"))
    _require_reviewer(actor, enrolment)
    reason = text(reason, name="reason", max_length=1000, min_length=4)
    claim.status = ClaimStatus.REFUSED
    claim.review_note = reason
    claim.reviewed_by = actor_or_none(actor)
    claim.reviewed_at = timezone.now()
    claim.save(update_fields=["status", "review_note", "reviewed_by", "reviewed_at"])
    audit_record(
        actor=actor,
        action="aid.claim.refuse",
        target=claim,
        request=request,
        details={"reason": reason},
    )
    _tell_claim(claim, title=_("理赔申请未通过"), body=reason, sms=True)
    return claim


@transaction.atomic
def mutual_claim_pay(*, actor: Any, claim: MutualClaim, request: Any = None) -> MutualClaim:
    claim, enrolment = _lock_claim(claim)
    _require_status(claim, ClaimStatus.APPROVED, _("登记赔付"))
    _require_reviewer(actor, enrolment)
    claim.status = ClaimStatus.PAID
    claim.paid_at = timezone.now()
    claim.save(update_fields=["status", "paid_at"])
    audit_record(
        actor=actor,
        action="aid.claim.pay",
        target=claim,
        request=request,
        details={"amount": str(claim.approved_amount)},
    )
    _tell_claim(
        claim,
        title=_("理赔款已支付"),
        body=_("%(a)s元已支付，请留意到账。") % {"a": claim.approved_amount},
        sms=True,
    )
    return claim
