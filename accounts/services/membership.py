"""入会 and 转会: the one write path for applications, transfers and memberships.

Every write for one person first locks that person's user row (``SELECT … FOR UPDATE``), so
two approvals, two transfers or a transfer racing an approval for the same member run one
after the other; the second then sees the first one's result and is refused with a Chinese
message. The partial unique indexes (one active membership, one pending application, one open
transfer per person) stay the last line of defence: an ``IntegrityError`` from them becomes a
``ValidationError`` too.

Every step appends a ``MembershipEvent`` with its actor and time, which the member sees as a
timeline. Officers' decisions are checked with ``accounts.permissions.user_can``.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

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
from accounts.services.wallet import member_card_issue, member_card_revoke
from core.audit import audit_record
from core.notifications import notify
from datahub.services.feed import member_change_from_membership_event

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
    # The national federation pulls membership changes from datahub's feed; the steps that
    # change a membership go there in this same transaction.
    member_change_from_membership_event(
        user_id=user_id,
        event_kind=kind,
        organization_id=organization.pk,
        event_id=event.pk,
        at=event.created_at,
    )
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


# --- 入会 -----------------------------------------------------------------------------------


@transaction.atomic
def membership_application_submit(
    *,
    user: User,
    organization: UnionOrganization | None,
    employer: str,
    occupation: str,
    employment_form: str,
) -> MembershipApplication:
    """``user`` asks to join ``organization`` (入会).

    Preconditions: an active account; a joinable organisation (grassroots, joint or industry
    union accepting applications); no active membership and no pending application.
    Raises ``ValidationError`` (Chinese) otherwise; nothing is saved then.
    Side effects: an ``applied`` event.
    """
    _require_active_user(user)
    organization = _require_joinable(organization)
    employer, occupation, employment_form = _clean_work(
        employer=employer, occupation=occupation, employment_form=employment_form
    )
    _lock_person(user.pk)
    if Membership.objects.filter(user_id=user.pk, status=Membership.Status.ACTIVE).exists():
        raise ValidationError(_("您已是工会会员。如需更换工会，请办理转会。"))
    if MembershipApplication.objects.filter(user_id=user.pk, status=AppStatus.SUBMITTED).exists():
        raise ValidationError(_("您已有一份待审核的入会申请，请等待审核或先撤回。"))
    try:
        with transaction.atomic():
            application = MembershipApplication.objects.create(
                user=user,
                organization=organization,
                employer=employer,
                occupation=occupation,
                employment_form=employment_form,
            )
    except IntegrityError as exc:
        raise ValidationError(_("您已有一份待审核的入会申请，请等待审核或先撤回。")) from exc
    _event(
        user_id=user.pk,
        kind=EventKind.APPLIED,
        organization=organization,
        actor=user,
        application=application,
        note=_("申请加入%(name)s") % {"name": organization.name},
    )
    return application


@transaction.atomic
def membership_application_withdraw(
    *, application: MembershipApplication, user: User
) -> MembershipApplication:
    """The applicant takes back a pending application.

    Raises ``PermissionDenied`` for anyone but the applicant, ``ValidationError`` once it
    has been decided or withdrawn. Side effects: a ``withdrawn`` event.
    """
    _require_active_user(user)
    if application.user_id != user.pk:
        raise PermissionDenied(_("只能撤回本人的申请。"))
    application = _locked_application(application)
    _require_pending(application)
    application.status = AppStatus.WITHDRAWN
    application.decided_at = timezone.now()
    application.save(update_fields=["status", "decided_at"])
    _event(
        user_id=user.pk,
        kind=EventKind.WITHDRAWN,
        organization=application.organization,
        actor=user,
        application=application,
    )
    return application


@transaction.atomic
def membership_application_approve(
    *, application: MembershipApplication, officer: User
) -> Membership:
    """An officer of the union (or above it) admits the applicant.

    Preconditions: ``officer`` may review for the application's organisation
    (``PermissionDenied`` otherwise); the application is still pending and the applicant has
    no active membership (``ValidationError`` otherwise).
    Side effects: a new active ``Membership``, an ``approved`` event, the member card in the
    wallet, an audit entry, an in-site notice and a text to the member after commit.
    """
    _require_reviewer(officer, application.organization)
    application = _locked_application(application)
    _require_pending(application)
    if application.user_id == officer.pk:
        raise PermissionDenied(_("不能审核本人的入会申请。"))
    if Membership.objects.filter(
        user_id=application.user_id, status=Membership.Status.ACTIVE
    ).exists():
        raise ValidationError(_("该申请人已有有效会籍，不能重复入会。"))
    now = timezone.now()
    membership = _create_membership(
        user_id=application.user_id,
        organization=application.organization,
        employer=application.employer,
        occupation=application.occupation,
        employment_form=application.employment_form,
        started_at=now,
    )
    application.status = AppStatus.APPROVED
    application.decided_at = now
    application.decided_by = officer
    application.membership = membership
    application.save(update_fields=["status", "decided_at", "decided_by", "membership"])
    _event(
        user_id=application.user_id,
        kind=EventKind.APPROVED,
        organization=application.organization,
        actor=officer,
        application=application,
        at=now,
    )
    member_card_issue(membership=membership)
    audit_record(
        actor=officer,
        action="membership.application_approve",
        target=application,
        details={"membership": membership.pk, "organization": application.organization_id},
    )
    _notify(
        user_id=application.user_id,
        kind="membership.approved",
        title=_("您加入%(name)s的申请已通过") % {"name": application.organization.name},
        body=_("电子会员卡已放入您的卡包。"),
        dedupe_key=f"membership.application:{application.pk}:approved",
    )
    return membership


@transaction.atomic
def membership_application_reject(
    *, application: MembershipApplication, officer: User, reason: str
) -> MembershipApplication:
    """An officer turns a pending application down; ``reason`` is required and shown to the
    applicant. Same preconditions as approval. Side effects: a ``rejected`` event, an audit
    entry, an in-site notice and a text after commit."""
    _require_reviewer(officer, application.organization)
    reason = _clean_reason(reason)
    application = _locked_application(application)
    _require_pending(application)
    application.status = AppStatus.REJECTED
    application.decided_at = timezone.now()
    application.decided_by = officer
    application.decision_reason = reason
    application.save(update_fields=["status", "decided_at", "decided_by", "decision_reason"])
    _event(
        user_id=application.user_id,
        kind=EventKind.REJECTED,
        organization=application.organization,
        actor=officer,
        application=application,
        note=reason,
    )
    audit_record(
        actor=officer,
        action="membership.application_reject",
        target=application,
        details={"reason": reason},
    )
    _notify(
        user_id=application.user_id,
        kind="membership.rejected",
        title=_("您加入%(name)s的申请未通过") % {"name": application.organization.name},
        body=reason,
        dedupe_key=f"membership.application:{application.pk}:rejected",
    )
    return application


# --- 转会 -----------------------------------------------------------------------------------


@transaction.atomic
def transfer_request_submit(
    *,
    user: User,
    to_organization: UnionOrganization | None,
    employer: str,
    occupation: str,
    employment_form: str,
    reason: str = "",
) -> TransferRequest:
    """A member asks to move from their current union to ``to_organization`` (转会).

    Preconditions: an active membership; a joinable target other than the current union; no
    other open transfer. Raises ``ValidationError`` (Chinese) otherwise.
    Side effects: a ``transfer_requested`` event. The membership itself moves only when the
    new union accepts (``transfer_accept``).
    """
    _require_active_user(user)
    to_organization = _require_joinable(to_organization)
    employer, occupation, employment_form = _clean_work(
        employer=employer, occupation=occupation, employment_form=employment_form
    )
    reason = (reason or "").strip()
    if len(reason) > REASON_MAX_LENGTH:
        raise ValidationError(
            {"reason": _("理由不能超过%(max)d个字。") % {"max": REASON_MAX_LENGTH}}
        )
    _lock_person(user.pk)
    membership = _active_membership(user.pk)
    if membership is None:
        raise ValidationError(_("您还没有有效会籍，请先申请入会。"))
    if membership.organization_id == to_organization.pk:
        raise ValidationError({"organization": _("您已是该工会的会员，请选择其他工会。")})
    if TransferRequest.objects.filter(
        user_id=user.pk, status__in=TransferRequest.OPEN_STATUSES
    ).exists():
        raise ValidationError(_("您已有一份正在办理的转会申请，请等待办理或先撤回。"))
    try:
        with transaction.atomic():
            transfer = TransferRequest.objects.create(
                user=user,
                from_membership=membership,
                to_organization=to_organization,
                employer=employer,
                occupation=occupation,
                employment_form=employment_form,
                reason=reason,
            )
    except IntegrityError as exc:
        raise ValidationError(_("您已有一份正在办理的转会申请，请等待办理或先撤回。")) from exc
    _event(
        user_id=user.pk,
        kind=EventKind.TRANSFER_REQUESTED,
        organization=to_organization,
        actor=user,
        transfer=transfer,
        note=_("由%(old)s转入%(new)s")
        % {"old": membership.organization.name, "new": to_organization.name},
    )
    return transfer


@transaction.atomic
def transfer_release(*, transfer: TransferRequest, officer: User) -> TransferRequest:
    """The old union's officer lets the member go (转出).

    Preconditions: ``officer`` may review for the old union (``PermissionDenied``); the
    request awaits release and the old membership is still active (``ValidationError``).
    Side effects: a ``transfer_released`` event, an audit entry.
    """
    _require_reviewer(officer, transfer.from_membership.organization)
    transfer = _locked_transfer(transfer)
    _require_open(transfer)
    if transfer.status == TransferStatus.RELEASED:
        raise ValidationError(_("原工会已同意转出，无需重复操作。"))
    if transfer.from_membership.status != Membership.Status.ACTIVE:
        raise ValidationError(_("原会籍已结束，无法办理转出。"))
    transfer.status = TransferStatus.RELEASED
    transfer.released_at = timezone.now()
    transfer.released_by = officer
    transfer.save(update_fields=["status", "released_at", "released_by"])
    _event(
        user_id=transfer.user_id,
        kind=EventKind.TRANSFER_RELEASED,
        organization=transfer.from_membership.organization,
        actor=officer,
        transfer=transfer,
        at=transfer.released_at,
    )
    audit_record(actor=officer, action="membership.transfer_release", target=transfer)
    return transfer


@transaction.atomic
def transfer_accept(*, transfer: TransferRequest, officer: User) -> Membership:
    """The new union's officer takes the member in (接收), completing the transfer.

    Preconditions: ``officer`` may review for the new union (``PermissionDenied``); the old
    union has released and the old membership is still active (``ValidationError``).
    Side effects, all in one transaction: the old membership ends (``transferred``) and its
    member card is revoked; a new active membership starts with a new card; a
    ``transfer_completed`` event; an audit entry; an in-site notice and a text after commit.
    """
    _require_reviewer(officer, transfer.to_organization)
    transfer = _locked_transfer(transfer)
    _require_open(transfer)
    if transfer.status == TransferStatus.REQUESTED:
        raise ValidationError(_("原工会尚未同意转出，暂不能接收。"))
    old = (
        Membership.objects.select_for_update(of=("self",))
        .select_related("organization")
        .get(pk=transfer.from_membership_id)
    )
    if old.status != Membership.Status.ACTIVE:
        raise ValidationError(_("原会籍已结束，无法完成转会。"))
    now = timezone.now()
    old.status = Membership.Status.ENDED
    old.ended_at = now
    old.end_reason = Membership.EndReason.TRANSFERRED
    old.save(update_fields=["status", "ended_at", "end_reason"])
    new = _create_membership(
        user_id=transfer.user_id,
        organization=transfer.to_organization,
        employer=transfer.employer,
        occupation=transfer.occupation,
        employment_form=transfer.employment_form,
        started_at=now,
    )
    transfer.status = TransferStatus.COMPLETED
    transfer.completed_at = now
    transfer.accepted_by = officer
    transfer.to_membership = new
    transfer.save(update_fields=["status", "completed_at", "accepted_by", "to_membership"])
    _event(
        user_id=transfer.user_id,
        kind=EventKind.TRANSFER_COMPLETED,
        organization=transfer.to_organization,
        actor=officer,
        transfer=transfer,
        at=now,
        note=_("会籍由%(old)s转入%(new)s")
        % {"old": old.organization.name, "new": transfer.to_organization.name},
    )
    member_card_revoke(
        membership=old,
        reason=_("已转会至%(name)s") % {"name": transfer.to_organization.name},
    )
    member_card_issue(membership=new)
    audit_record(
        actor=officer,
        action="membership.transfer_accept",
        target=transfer,
        details={"old_membership": old.pk, "new_membership": new.pk},
    )
    _notify(
        user_id=transfer.user_id,
        kind="membership.transfer_completed",
        title=_("您已转入%(name)s") % {"name": transfer.to_organization.name},
        body=_("新的电子会员卡已放入您的卡包。"),
        dedupe_key=f"membership.transfer:{transfer.pk}:completed",
    )
    return new


@transaction.atomic
def transfer_reject(*, transfer: TransferRequest, officer: User, reason: str) -> TransferRequest:
    """Either side turns an open transfer down; ``reason`` is required.

    The old union may reject only before it has released; the new union at any open step.
    Raises ``PermissionDenied`` for an officer of neither side, ``ValidationError`` for a
    closed request or a missing reason. The old membership stays as it was.
    Side effects: a ``transfer_rejected`` event, an audit entry, an in-site notice and a
    text after commit.
    """
    _require_active_user(officer)
    old_org = transfer.from_membership.organization
    new_org = transfer.to_organization
    may_old = user_can(officer, Action.MEMBERSHIP_REVIEW, organization=old_org)
    may_new = user_can(officer, Action.MEMBERSHIP_REVIEW, organization=new_org)
    if not (may_old or may_new):
        raise PermissionDenied(_("您无权办理该转会申请。"))
    reason = _clean_reason(reason)
    transfer = _locked_transfer(transfer)
    _require_open(transfer)
    if transfer.status == TransferStatus.RELEASED and not may_new:
        raise ValidationError(_("原工会已同意转出，只能由转入工会处理。"))
    transfer.status = TransferStatus.REJECTED
    transfer.decision_reason = reason
    transfer.save(update_fields=["status", "decision_reason"])
    _event(
        user_id=transfer.user_id,
        kind=EventKind.TRANSFER_REJECTED,
        organization=new_org if may_new else old_org,
        actor=officer,
        transfer=transfer,
        note=reason,
    )
    audit_record(
        actor=officer,
        action="membership.transfer_reject",
        target=transfer,
        details={"reason": reason},
    )
    _notify(
        user_id=transfer.user_id,
        kind="membership.transfer_rejected",
        title=_("您转入%(name)s的申请未通过") % {"name": new_org.name},
        body=reason,
        dedupe_key=f"membership.transfer:{transfer.pk}:rejected",
    )
    return transfer


@transaction.atomic
def transfer_withdraw(*, transfer: TransferRequest, user: User) -> TransferRequest:
    """The member takes back an open transfer request; their membership stays as it was.

    Raises ``PermissionDenied`` for anyone but the member, ``ValidationError`` once the
    request is closed. Side effects: a ``transfer_withdrawn`` event.
    """
    _require_active_user(user)
    if transfer.user_id != user.pk:
        raise PermissionDenied(_("只能撤回本人的申请。"))
    transfer = _locked_transfer(transfer)
    _require_open(transfer)
    transfer.status = TransferStatus.WITHDRAWN
    transfer.save(update_fields=["status"])
    _event(
        user_id=user.pk,
        kind=EventKind.TRANSFER_WITHDRAWN,
        organization=transfer.to_organization,
        actor=user,
        transfer=transfer,
    )
    return transfer


@transaction.atomic
def membership_end(*, membership: Membership, reason: str, actor: Any = None) -> Membership:
    """End an active membership for ``reason`` (a ``Membership.EndReason`` other than a
    transfer, which ``transfer_accept`` ends itself): its card is voided and the member's
    timeline records the step. Idempotent: an ended membership is returned unchanged.
    """
    reason = Membership.EndReason(reason)
    if reason == Membership.EndReason.TRANSFERRED:
        raise ValidationError(_("转会请通过转会流程办理。"))
    membership = (
        Membership.objects.select_for_update(of=("self",))
        .select_related("organization")
        .get(pk=membership.pk)
    )
    if membership.status != Membership.Status.ACTIVE:
        return membership
    now = timezone.now()
    membership.status = Membership.Status.ENDED
    membership.ended_at = now
    membership.end_reason = reason
    membership.save(update_fields=["status", "ended_at", "end_reason"])
    member_card_revoke(membership=membership, reason=str(reason.label))
    _event(
        user_id=membership.user_id,
        kind=EventKind.ENDED,
        organization=membership.organization,
        actor=actor,
        at=now,
        note=str(reason.label),
    )
    return membership
