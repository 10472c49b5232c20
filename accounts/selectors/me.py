from __future__ import annotations

from dataclasses import dataclass

from accounts.models import ConsentRecord, Credential, DigitalIdentity, Membership, User


@dataclass(frozen=True)
class MeSummary:
    user: User
    identity: DigitalIdentity | None
    membership: Membership | None
    credential_count: int
    consents: list[ConsentRecord]


def me_summary(*, user: User) -> MeSummary:
    """What the member's home page shows: identity, current union, wallet size, consents."""
    return MeSummary(
        user=user,
        identity=DigitalIdentity.objects.filter(user=user).first(),
        membership=Membership.objects.filter(user=user, status=Membership.Status.ACTIVE)
        .select_related("organization__region")
        .first(),
        credential_count=Credential.objects.filter(user=user, revoked_at__isnull=True).count(),
        consents=list(ConsentRecord.objects.filter(user=user, withdrawn_at__isnull=True)),
    )
