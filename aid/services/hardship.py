"""困难职工帮扶, the state machine:

    submitted ──核实──▶ verified ──审批──▶ approved ──发放──▶ disbursed
        │                  │                                  │ a year later (beat task)
        └──不予核实/不批准──┴──▶ refused                       ▼
    submitted/verified ──member withdraws──▶ withdrawn   recheck_due ──复核仍困难──▶ approved
                                                              └──复核已脱困──▶ closed

Every move locks the application row, checks the move is allowed from its current status
(else a Chinese refusal naming both), checks the actor's scope (grassroots union: the
application's union subtree; approval: the city union of the member's region), writes one
``HardshipStep``, tells the member, and audits a staff decision.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.permissions import Action
from aid.models import (
    AidForm,
    HardshipApplication,
    HardshipDisbursement,
    HardshipDocument,
    HardshipReason,
    HardshipStatus,
    HardshipStep,
)
from aid.services.common import (
    actor_or_none,
    city_of,
    documents_check,
    documents_save,
    member_notice,
    money,
    require_can,
    require_membership,
    text,
)
from core.audit import audit_record

S = HardshipStatus
#: move name → (the statuses it may start from, what the member reads it as)
MOVES: dict[str, tuple[frozenset[str], Any]] = {
    "verify": (frozenset({S.SUBMITTED}), gettext_lazy("核实")),
    "refuse": (frozenset({S.SUBMITTED, S.VERIFIED}), gettext_lazy("作出不予批准的决定")),
    "approve": (frozenset({S.VERIFIED}), gettext_lazy("审批")),
    "disburse": (frozenset({S.APPROVED}), gettext_lazy("登记发放")),
    "flag_recheck": (frozenset({S.DISBURSED}), gettext_lazy("列入年度复核")),
    "recheck": (frozenset({S.RECHECK_DUE}), gettext_lazy("复核")),
    "withdraw": (frozenset({S.SUBMITTED, S.VERIFIED}), gettext_lazy("撤回")),
}
RECHECK_AFTER = timedelta(days=365)
MAX_INCOME = Decimal("1000000")


def _max_amount() -> Decimal:
    return Decimal(str(getattr(settings, "AID_HARDSHIP_MAX_AMOUNT", 20000)))


def _lock(application: HardshipApplication | int) -> HardshipApplication:
    pk = application if isinstance(application, int) else application.pk
    return (
        HardshipApplication.objects.select_for_update(of=("self",))
        .select_related(
            "member", "organization", "organization__region", "region", "region__parent"
        )
        .get(pk=pk)
    )


def _check_move(application: HardshipApplication, move: str) -> None:
    allowed, label = MOVES[move]
    if application.status not in allowed:
        raise ValidationError(
            _("申请 %(number)s 当前为“%(status)s”，不能%(move)s。")
            % {
                "number": application.number,
                "status": application.get_status_display(),
                "move": label,
            }
        )


def _step(application: HardshipApplication, *, to: str, actor: Any, note: str = "") -> HardshipStep:
    step = HardshipStep.objects.create(
        application=application,
        from_status=application.status,
        to_status=to,
        actor=actor_or_none(actor),
        note=note,
    )
    application.status = to
    return step


def _tell(
    application: HardshipApplication,
    step: HardshipStep,
    *,
    title: str,
    body: str = "",
    sms: bool = False,
) -> None:
    member_notice(
        user=application.member,
        kind="aid.hardship",
        title=title,
        body=body,
        url=application.get_absolute_url(),
        key=f"aid.hardship:{application.pk}:{step.pk}",
        sms=sms,
    )


def _require_verifier(actor: Any, application: HardshipApplication) -> None:
    require_can(
        actor,
        Action.AID_VERIFY,
        organization=application.organization,
        message=_("只有%(org)s或其上级工会的工作人员可以核实这份申请。")
        % {"org": application.organization.name},
    )


def _require_city(actor: Any, application: HardshipApplication) -> None:
    city = city_of(application.region)
    require_can(
        actor,
        Action.AID_APPROVE,
        region=city,
        message=_("帮扶申请由%(city)s总工会审批，您没有这个权限。") % {"city": city.name},
    )


def _require_handler(actor: Any, application: HardshipApplication) -> None:
    require_can(
        actor,
        Action.AID_APPROVE,
        region=application.region,
        message=_("只有%(region)s及上级工会的帮扶工作人员可以办理。")
        % {"region": application.region.name},
    )


@transaction.atomic
def hardship_application_submit(
    *,
    member: Any,
    reason: str,
    family_size: int,
    monthly_income: Any,
    family_situation: str,
    phone: str = "",
    documents: Sequence[Any] = (),
) -> HardshipApplication:
    """A member applies with proof; goes to their grassroots union to be verified."""
    membership = require_membership(member)
    if reason not in HardshipReason.values:
        raise ValidationError({"reason": _("请选择困难原因。")})
    try:
        family_size = int(family_size)
    except (TypeError, ValueError):
        raise ValidationError({"family_size": _("请填写家庭人口数。")}) from None
    if not 1 <= family_size <= 20:
        raise ValidationError({"family_size": _("家庭人口应在1到20人之间。")})
    # no income at all is a real case
    income = money(monthly_income, name="monthly_income", maximum=MAX_INCOME, allow_zero=True)
    situation = text(family_situation, name="family_situation", max_length=2000, min_length=10)
    kinds = documents_check(list(documents))
    if HardshipApplication.objects.filter(
        member=member, status__in=[S.SUBMITTED, S.VERIFIED]
    ).exists():
        raise ValidationError(_("您已有一份正在审核的帮扶申请，请等待结果后再申请。"))
    organization = membership.organization
    try:
        with transaction.atomic():
            application = HardshipApplication.objects.create(
                member=member,
                organization=organization,
                region=organization.region,
                reason=reason,
                family_size=family_size,
                monthly_income=income,
                family_situation=situation,
                phone=(phone or "").strip()[:20],
            )
    except IntegrityError:
        raise ValidationError(_("您已有一份正在审核的帮扶申请，请等待结果后再申请。")) from None
    documents_save(HardshipDocument, "application", application, list(documents), kinds)
    step = HardshipStep.objects.create(
        application=application, to_status=S.SUBMITTED, actor=member, note=_("提交申请")
    )
    _tell(
        application,
        step,
        title=_("帮扶申请已提交"),
        body=_("编号 %(n)s，%(org)s将尽快核实。")
        % {"n": application.number, "org": organization.name},
    )
    return application


@transaction.atomic
def hardship_application_withdraw(
    *, member: Any, application: HardshipApplication
) -> HardshipApplication:
    application = _lock(application)
    if member is None or application.member_id != member.pk:
        raise ValidationError(_("这不是您的申请。"))
    _check_move(application, "withdraw")
    step = _step(application, to=S.WITHDRAWN, actor=member, note=_("本人撤回"))
    application.save(update_fields=["status", "updated_at"])
    _tell(application, step, title=_("帮扶申请已撤回"))
    return application


@transaction.atomic
def hardship_application_verify(
    *, actor: Any, application: HardshipApplication, note: str, request: Any = None
) -> HardshipApplication:
    """The grassroots union confirms the family's situation (入户核实) and passes it up."""
    application = _lock(application)
    _check_move(application, "verify")
    _require_verifier(actor, application)
    note = text(note, name="note", max_length=1000, min_length=4)
    application.verify_note = note
    application.verified_by = actor_or_none(actor)
    application.verified_at = timezone.now()
    step = _step(application, to=S.VERIFIED, actor=actor, note=note)
    application.save(
        update_fields=["status", "verify_note", "verified_by", "verified_at", "updated_at"]
    )
    audit_record(actor=actor, action="aid.hardship.verify", target=application, request=request)
    _tell(
        application,
        step,
        title=_("基层工会已核实您的帮扶申请"),
        body=_("已报%(city)s总工会审批。") % {"city": city_of(application.region).name},
    )
    return application


@transaction.atomic
def hardship_application_refuse(
    *, actor: Any, application: HardshipApplication, reason: str, request: Any = None
) -> HardshipApplication:
    application = _lock(application)
    _check_move(application, "refuse")
    if application.status == S.SUBMITTED:
        _require_verifier(actor, application)
    else:
        _require_city(actor, application)
    reason = text(reason, name="reason", max_length=1000, min_length=4)
    application.refusal_reason = reason
    application.decided_by = actor_or_none(actor)
    application.decided_at = timezone.now()
    step = _step(application, to=S.REFUSED, actor=actor, note=reason)
    application.save(
        update_fields=["status", "refusal_reason", "decided_by", "decided_at", "updated_at"]
    )
    audit_record(
        actor=actor,
        action="aid.hardship.refuse",
        target=application,
        request=request,
        details={"reason": reason},
    )
    _tell(application, step, title=_("帮扶申请未获批准"), body=reason, sms=True)
    return application


@transaction.atomic
def hardship_application_approve(
    *,
    actor: Any,
    application: HardshipApplication,
    amount: Any,
    form: str,
    note: str = "",
    request: Any = None,
) -> HardshipApplication:
    """The city union approves an amount and a form of aid."""
    application = _lock(application)
    _check_move(application, "approve")
    _require_city(actor, application)
    amount = money(amount, name="amount", maximum=_max_amount())
    if form not in AidForm.values:
        raise ValidationError({"form": _("请选择帮扶形式。")})
    application.approved_amount += amount
    application.approved_form = form
    application.decided_by = actor_or_none(actor)
    application.decided_at = timezone.now()
    step = _step(
        application,
        to=S.APPROVED,
        actor=actor,
        note=note.strip()
        or _("批准%(form)s %(amount)s元") % {"form": AidForm(form).label, "amount": amount},
    )
    application.save(
        update_fields=[
            "status",
            "approved_amount",
            "approved_form",
            "decided_by",
            "decided_at",
            "updated_at",
        ]
    )
    audit_record(
        actor=actor,
        action="aid.hardship.approve",
        target=application,
        request=request,
        details={"amount": str(amount), "form": form},
    )
    _tell(
        application,
        step,
        title=_("帮扶申请已批准"),
        body=_("批准%(form)s %(amount)s元，发放后会再通知您。")
        % {"form": AidForm(form).label, "amount": amount},
        sms=True,
    )
    return application


def _disbursed_total(application: HardshipApplication) -> Decimal:
    from django.db.models import Sum

    total = application.disbursements.aggregate(total=Sum("amount"))["total"]
    return total or Decimal("0.00")


@transaction.atomic
def hardship_disburse(
    *,
    actor: Any,
    application: HardshipApplication,
    amount: Any,
    form: str,
    disbursed_on: date | None = None,
    note: str = "",
    request: Any = None,
) -> HardshipDisbursement:
    """Record aid paid out (帮扶记录); the yearly re-check falls due a year after it."""
    application = _lock(application)
    _check_move(application, "disburse")
    _require_handler(actor, application)
    remaining = application.approved_amount - _disbursed_total(application)
    amount = money(amount, name="amount")
    if amount > remaining:
        raise ValidationError(
            {"amount": _("发放金额不能超过批准后尚未发放的%(n)s元。") % {"n": remaining}}
        )
    if form not in AidForm.values:
        raise ValidationError({"form": _("请选择帮扶形式。")})
    today = timezone.localdate()
    disbursed_on = disbursed_on or today
    if disbursed_on > today:
        raise ValidationError({"disbursed_on": _("发放日期不能晚于今天。")})
    record = HardshipDisbursement.objects.create(
        application=application,
        form=form,
        amount=amount,
        disbursed_on=disbursed_on,
        note=(note or "").strip()[:200],
        recorded_by=actor_or_none(actor),
    )
    application.recheck_due = disbursed_on + RECHECK_AFTER
    step = _step(
        application,
        to=S.DISBURSED,
        actor=actor,
        note=_("%(form)s %(amount)s元已于%(day)s发放")
        % {"form": AidForm(form).label, "amount": amount, "day": disbursed_on},
    )
    application.save(update_fields=["status", "recheck_due", "updated_at"])
    audit_record(
        actor=actor,
        action="aid.hardship.disburse",
        target=application,
        request=request,
        details={"amount": str(amount), "form": form, "record": record.pk},
    )
    _tell(
        application,
        step,
        title=_("帮扶资金已发放"),
        body=_("%(form)s %(amount)s元。%(due)s前后工会将进行年度复核。")
        % {"form": AidForm(form).label, "amount": amount, "due": application.recheck_due},
        sms=True,
    )
    return record


@transaction.atomic
def hardship_application_flag_recheck(*, application_id: int, today: date | None = None) -> bool:
    """Put one disbursed application whose re-check is due into 待年度复核; idempotent
    (an application already flagged, or not yet due, is left alone)."""
    today = today or timezone.localdate()
    application = _lock(application_id)
    if application.status != S.DISBURSED or application.recheck_due is None:
        return False
    if application.recheck_due > today:
        return False
    step = _step(application, to=S.RECHECK_DUE, actor=None, note=_("满一年，列入年度复核"))
    application.save(update_fields=["status", "updated_at"])
    _tell(
        application,
        step,
        title=_("帮扶年度复核"),
        body=_("您的帮扶已满一年，基层工会将与您联系核实家庭近况。"),
    )
    return True


@transaction.atomic
def hardship_application_recheck(
    *,
    actor: Any,
    application: HardshipApplication,
    still_in_hardship: bool,
    note: str,
    amount: Any = None,
    form: str = "",
    request: Any = None,
) -> HardshipApplication:
    """The yearly re-check: still in hardship → approved again for the coming year (with
    the amount); out of hardship → the aid ends (closed)."""
    application = _lock(application)
    _check_move(application, "recheck")
    _require_handler(actor, application)
    note = text(note, name="note", max_length=1000, min_length=4)
    if still_in_hardship:
        _require_city(actor, application)
        amount = money(amount, name="amount", maximum=_max_amount())
        if form not in AidForm.values:
            raise ValidationError({"form": _("请选择帮扶形式。")})
        application.approved_amount += amount
        application.approved_form = form
        application.recheck_due = None
        step = _step(application, to=S.APPROVED, actor=actor, note=note)
        title = _("年度复核：继续帮扶")
        body = _("复核后继续给予%(form)s %(amount)s元。") % {
            "form": AidForm(form).label,
            "amount": amount,
        }
    else:
        application.recheck_due = None
        step = _step(application, to=S.CLOSED, actor=actor, note=note)
        title = _("年度复核：帮扶结束")
        body = note
    application.save(
        update_fields=["status", "approved_amount", "approved_form", "recheck_due", "updated_at"]
    )
    audit_record(
        actor=actor,
        action="aid.hardship.recheck",
        target=application,
        request=request,
        details={
            "still_in_hardship": bool(still_in_hardship),
            "amount": str(amount) if still_in_hardship else None,
        },
    )
    _tell(application, step, title=title, body=body, sms=True)
    return application
