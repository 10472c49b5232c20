"""入会 (applying, withdrawing, approval, rejection) and ending a membership."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import (
    Membership,
    MembershipApplication,
    UnionOrganization,
    User,
)
from accounts.services.membership._base import (
    AppStatus,
    EventKind,
    _clean_reason,
    _clean_work,
    _create_membership,
    _event,
    _lock_person,
    _locked_application,
    _notify,
    _require_active_user,
    _require_joinable,
    _require_pending,
    _require_reviewer,
)
from accounts.services.wallet import member_card_issue, member_card_revoke
from core.audit import audit_record

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
