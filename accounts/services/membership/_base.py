"""What every membership write shares: locking the person, the Chinese checks, the
timeline event (published to ``accounts.events`` subscribers) and the member's notices."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.events import membership_event_publish
from accounts.models import (
    EmploymentForm,
    Membership,
    MembershipApplication,
    MembershipEvent,
    TransferRequest,
    UnionOrganization,
    User,
)
from accounts.permissions import Action, user_can
from core.notifications import notify

REASON_MAX_LENGTH = 300

AppStatus = MembershipApplication.Status
TransferStatus = TransferRequest.Status
EventKind = MembershipEvent.Kind


# --- helpers ---------------------------------------------------------------------------------


def _lock_person(user_id: int) -> User:
    """Serialise every membership write for one person on their user row."""
    return User.objects.select_for_update().get(pk=user_id)


def _require_active_user(user: Any) -> None:
    if (
        user is None
        or not user.is_authenticated
        or not user.is_active
        or getattr(user, "closed_at", None)
    ):
        raise PermissionDenied(_("请先登录有效账号。"))


def _clean_text(value: str | None, *, field: str, label: str, max_length: int) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: _("请填写%(label)s。") % {"label": label}})
    if len(value) > max_length:
        raise ValidationError(
            {field: _("%(label)s不能超过%(max)d个字。") % {"label": label, "max": max_length}}
        )
    return value


def _clean_work(*, employer: str, occupation: str, employment_form: str) -> tuple[str, str, str]:
    employer = _clean_text(employer, field="employer", label=_("工作单位"), max_length=100)
    occupation = _clean_text(occupation, field="occupation", label=_("职业"), max_length=50)
    if employment_form not in EmploymentForm.values:
        raise ValidationError(
            {"employment_form": _("请选择用工形式：全日制用工、灵活就业或新就业形态。")}
        )
    return employer, occupation, employment_form


def _clean_reason(reason: str | None) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("请填写理由。")})
    if len(reason) > REASON_MAX_LENGTH:
        raise ValidationError(
            {"reason": _("理由不能超过%(max)d个字。") % {"max": REASON_MAX_LENGTH}}
        )
    return reason


def _require_joinable(organization: UnionOrganization | None) -> UnionOrganization:
    if organization is None:
        raise ValidationError({"organization": _("请选择要加入的工会。")})
    if not organization.is_joinable:
        raise ValidationError(
            {
                "organization": _("“%(name)s”不直接接收会员，请选择基层工会、联合工会或行业工会。")
                % {"name": organization.name}
            }
        )
    return organization


def _require_reviewer(officer: Any, organization: UnionOrganization) -> None:
    _require_active_user(officer)
    if not user_can(officer, Action.MEMBERSHIP_REVIEW, organization=organization):
        raise PermissionDenied(_("您无权办理“%(name)s”的会员业务。") % {"name": organization.name})


def _event(
    *,
    user_id: int,
    kind: str,
    organization: UnionOrganization,
    actor: Any,
    application: MembershipApplication | None = None,
    transfer: TransferRequest | None = None,
    note: str = "",
    at=None,
) -> MembershipEvent:
    event = MembershipEvent.objects.create(
        user_id=user_id,
        kind=kind,
        organization=organization,
        actor=actor if actor is not None and getattr(actor, "is_authenticated", False) else None,
        application=application,
        transfer=transfer,
        note=note[:300],
        created_at=at or timezone.now(),
    )
    # Subscribers (datahub's change feed for the national federation) write in this same
    # transaction, so what they record commits or rolls back with the step.
    membership_event_publish(event)
    return event


def _notify(*, user_id: int, kind: str, title: str, body: str, dedupe_key: str) -> None:
    """Tell the member of a decision: an in-site notice now and a text once the decision is
    committed (never for a rolled-back one), once per ``dedupe_key``."""
    notify(
        user=User.objects.get(pk=user_id),
        kind=kind,
        title=title,
        body=body,
        url=reverse("accounts:membership"),
        sms=True,
        dedupe_key=dedupe_key,
    )


def _active_membership(user_id: int) -> Membership | None:
    return (
        Membership.objects.select_for_update(of=("self",))
        .select_related("organization")
        .filter(user_id=user_id, status=Membership.Status.ACTIVE)
        .first()
    )


def _create_membership(**fields: Any) -> Membership:
    try:
        with transaction.atomic():
            return Membership.objects.create(**fields)
    except IntegrityError as exc:
        raise ValidationError(_("该会员已有有效会籍，不能同时加入两个工会。")) from exc


_APPLICATION_DONE_MESSAGES = {
    AppStatus.APPROVED: gettext_lazy("该入会申请已经通过，无需重复审核。"),
    AppStatus.REJECTED: gettext_lazy("该入会申请已被驳回，不能再处理。"),
    AppStatus.WITHDRAWN: gettext_lazy("申请人已撤回该入会申请。"),
}

_TRANSFER_DONE_MESSAGES = {
    TransferStatus.COMPLETED: gettext_lazy("该转会已经完成。"),
    TransferStatus.REJECTED: gettext_lazy("该转会申请已被驳回。"),
    TransferStatus.WITHDRAWN: gettext_lazy("会员已撤回该转会申请。"),
}


def _locked_application(application: MembershipApplication) -> MembershipApplication:
    _lock_person(application.user_id)
    return (
        MembershipApplication.objects.select_for_update(of=("self",))
        .select_related("organization", "organization__region")
        .get(pk=application.pk)
    )


def _locked_transfer(transfer: TransferRequest) -> TransferRequest:
    _lock_person(transfer.user_id)
    return (
        TransferRequest.objects.select_for_update(of=("self",))
        .select_related(
            "to_organization",
            "to_organization__region",
            "from_membership",
            "from_membership__organization",
            "from_membership__organization__region",
        )
        .get(pk=transfer.pk)
    )


def _require_pending(application: MembershipApplication) -> None:
    if application.status != AppStatus.SUBMITTED:
        raise ValidationError(_APPLICATION_DONE_MESSAGES[AppStatus(application.status)])


def _require_open(transfer: TransferRequest) -> None:
    if transfer.status not in TransferRequest.OPEN_STATUSES:
        raise ValidationError(_TRANSFER_DONE_MESSAGES[TransferStatus(transfer.status)])
