"""转会: request, release by the old union, acceptance by the new one, rejection and
withdrawal."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import (
    Membership,
    TransferRequest,
    UnionOrganization,
    User,
)
from accounts.permissions import Action, user_can
from accounts.services.membership._base import (
    REASON_MAX_LENGTH,
    EventKind,
    TransferStatus,
    _active_membership,
    _clean_reason,
    _clean_work,
    _create_membership,
    _event,
    _lock_person,
    _locked_transfer,
    _notify,
    _require_active_user,
    _require_joinable,
    _require_open,
    _require_reviewer,
)
from accounts.services.wallet import member_card_issue, member_card_revoke
from core.audit import audit_record

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
