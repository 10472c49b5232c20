"""The card wallet (数字卡包): the one place any module issues or revokes a credential.

Learning issues course certificates, competitions issue awards, activities issue vouchers,
membership issues the member card: all through ``credential_issue``. Each credential is then
verifiable the same way (see ``accounts.tokens``).
"""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import Credential, Membership

MEMBER_CARD_SOURCE = "accounts.membership"


def _new_serial() -> str:
    # 20 base32-ish characters: unguessable, short enough to read out on the phone.
    return secrets.token_hex(10).upper()


@transaction.atomic
def credential_issue(
    *,
    user: Any,
    kind: str,
    title: str,
    issuer: str,
    source_type: str,
    source_id: str | int,
    data: dict | None = None,
    expires_at: datetime | None = None,
) -> Credential:
    """Put a credential in ``user``'s wallet; idempotent per (kind, source).

    Issuing again for the same source returns the existing credential unchanged, so a
    retried task or a double click never makes two cards. Preconditions: the caller has
    already decided the user earned it.
    """
    existing = Credential.objects.filter(
        kind=kind, source_type=source_type, source_id=str(source_id)
    ).first()
    if existing is not None:
        return existing
    credential = Credential(
        user=user,
        kind=kind,
        title=title,
        issuer=issuer,
        source_type=source_type,
        source_id=str(source_id),
        data=data or {},
        expires_at=expires_at,
        serial=_new_serial(),
    )
    try:
        with transaction.atomic():
            credential.save(force_insert=True)
    except IntegrityError:
        # A concurrent issue for the same source won the race: return its card.
        return Credential.objects.get(kind=kind, source_type=source_type, source_id=str(source_id))
    return credential


@transaction.atomic
def credential_revoke(*, credential: Credential, reason: str) -> Credential:
    """Mark a credential void; verification then reports it revoked. Idempotent."""
    if credential.revoked_at is None:
        credential.revoked_at = timezone.now()
        credential.revoke_reason = reason
        credential.save(update_fields=["revoked_at", "revoke_reason"])
    return credential


def member_card_issue(*, membership: Membership) -> Credential:
    """The electronic member card for an active membership (one card per membership)."""
    organization = membership.organization
    return credential_issue(
        user=membership.user,
        kind=Credential.Kind.MEMBER_CARD,
        title="中华全国总工会会员电子会员卡",
        issuer=organization.name,
        source_type=MEMBER_CARD_SOURCE,
        source_id=membership.pk,
        data={"organization_id": organization.pk, "organization": organization.name},
    )


def member_card_revoke(*, membership: Membership, reason: str) -> None:
    """Void the card of a membership that ended (transfer, leaving, account closure)."""
    for credential in Credential.objects.filter(
        kind=Credential.Kind.MEMBER_CARD,
        source_type=MEMBER_CARD_SOURCE,
        source_id=str(membership.pk),
    ):
        credential_revoke(credential=credential, reason=reason)
