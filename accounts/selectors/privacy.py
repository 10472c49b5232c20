"""Reads for privacy: consent state, and the member's personal data export (PIPL)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from accounts.models import (
    ConsentRecord,
    Credential,
    DigitalIdentity,
    Membership,
    MembershipApplication,
    MembershipEvent,
    TransferRequest,
    User,
)
from accounts.services.privacy import current_policy_version, user_holds_id_number

Exporter = Callable[[User], Any]

#: Other modules add their part of a member's data (courses, hotline requests, résumés …)
#: with ``register_personal_data_exporter``; the export calls each in order.
_EXPORTERS: dict[str, Exporter] = {}


def register_personal_data_exporter(name: str) -> Callable[[Exporter], Exporter]:
    def decorator(function: Exporter) -> Exporter:
        _EXPORTERS[name] = function
        return function

    return decorator


def consent_is_current(*, user: Any, kind: str) -> bool:
    """Has ``user`` agreed to the current version of ``kind`` and not withdrawn it?"""
    return ConsentRecord.objects.filter(
        user=user, kind=kind, version=current_policy_version(kind), withdrawn_at__isnull=True
    ).exists()


@dataclass(frozen=True)
class ConsentGateState:
    """What the consent gate's page asks ``user``; ``reason`` is "updated" (agreed to an
    older version), "withdrawn" (withdrew the current one), "roster" (never agreed online:
    the union entered them from its roster) or "first" (none of these)."""

    policy_version: str
    needs_privacy_consent: bool
    reason: str
    ask_id_number: bool


def consent_gate_state(*, user: Any) -> ConsentGateState:
    policy = ConsentRecord.Kind.PRIVACY_POLICY
    current = current_policy_version(policy)
    records = list(
        ConsentRecord.objects.filter(user=user, kind=policy).values_list("version", "withdrawn_at")
    )
    agreed = any(version == current and withdrawn is None for version, withdrawn in records)
    if any(version == current for version, _withdrawn in records):
        reason = "withdrawn"
    elif records:
        reason = "updated"
    elif DigitalIdentity.objects.filter(user=user).exists():
        reason = "roster"
    else:
        reason = "first"
    ask_id_number = user_holds_id_number(user=user) and not consent_is_current(
        user=user, kind=ConsentRecord.Kind.ID_NUMBER
    )
    return ConsentGateState(
        policy_version=current,
        needs_privacy_consent=not agreed,
        reason=reason,
        ask_id_number=ask_id_number,
    )


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


@register_personal_data_exporter("account")
def _export_account(user: User) -> dict:
    return {
        "phone": user.phone,
        "display_name": user.display_name,
        "email": user.email,
        "date_joined": _iso(user.date_joined),
        "last_login": _iso(user.last_login),
        "phone_verified_at": _iso(user.phone_verified_at),
    }


@register_personal_data_exporter("identity")
def _export_identity(user: User) -> dict | None:
    identity = DigitalIdentity.objects.filter(user=user).first()
    if identity is None:
        return None
    from accounts.services.identity import identity_id_number_reveal

    return {
        "member_id": identity.member_id,
        "real_name": identity.real_name,
        "id_number": identity_id_number_reveal(identity=identity, viewer=user),
        "birth_date": _iso(identity.birth_date),
        "verified_at": _iso(identity.verified_at),
        "external_accounts": [
            {
                "platform": account.platform,
                "platform_name": account.platform_name,
                "external_id": account.external_id,
                "linked_at": _iso(account.linked_at),
            }
            for account in identity.external_accounts.all()
        ],
    }


@register_personal_data_exporter("memberships")
def _export_memberships(user: User) -> list[dict]:
    return [
        {
            "organization": membership.organization.name,
            "status": membership.status,
            "employer": membership.employer,
            "occupation": membership.occupation,
            "employment_form": membership.employment_form,
            "started_at": _iso(membership.started_at),
            "ended_at": _iso(membership.ended_at),
            "end_reason": membership.end_reason,
        }
        for membership in Membership.objects.filter(user=user).select_related("organization")
    ]


@register_personal_data_exporter("membership_applications")
def _export_applications(user: User) -> list[dict]:
    return [
        {
            "organization": application.organization.name,
            "employer": application.employer,
            "occupation": application.occupation,
            "employment_form": application.employment_form,
            "status": application.status,
            "submitted_at": _iso(application.submitted_at),
            "decided_at": _iso(application.decided_at),
            "decision_reason": application.decision_reason,
        }
        for application in MembershipApplication.objects.filter(user=user).select_related(
            "organization"
        )
    ]


@register_personal_data_exporter("transfers")
def _export_transfers(user: User) -> list[dict]:
    return [
        {
            "from_organization": transfer.from_membership.organization.name,
            "to_organization": transfer.to_organization.name,
            "status": transfer.status,
            "reason": transfer.reason,
            "requested_at": _iso(transfer.requested_at),
            "completed_at": _iso(transfer.completed_at),
        }
        for transfer in TransferRequest.objects.filter(user=user).select_related(
            "from_membership__organization", "to_organization"
        )
    ]


@register_personal_data_exporter("membership_timeline")
def _export_timeline(user: User) -> list[dict]:
    return [
        {"event": event.kind, "organization": event.organization.name, "at": _iso(event.created_at)}
        for event in MembershipEvent.objects.filter(user=user).select_related("organization")
    ]


@register_personal_data_exporter("wallet")
def _export_wallet(user: User) -> list[dict]:
    return [
        {
            "kind": credential.kind,
            "serial": credential.serial,
            "title": credential.title,
            "issuer": credential.issuer,
            "issued_at": _iso(credential.issued_at),
            "expires_at": _iso(credential.expires_at),
            "revoked_at": _iso(credential.revoked_at),
        }
        for credential in Credential.objects.filter(user=user)
    ]


@register_personal_data_exporter("consents")
def _export_consents(user: User) -> list[dict]:
    return [
        {
            "kind": consent.kind,
            "version": consent.version,
            "granted_at": _iso(consent.granted_at),
            "withdrawn_at": _iso(consent.withdrawn_at),
        }
        for consent in ConsentRecord.objects.filter(user=user)
    ]


def personal_data_export(*, user: User) -> dict:
    """Everything the portal holds about ``user``, as JSON-ready data (PIPL art. 45)."""
    return {
        "exported_at": timezone.now().isoformat(),
        "portal": "职工之家·河北",
        **{name: exporter(user) for name, exporter in _EXPORTERS.items()},
    }
