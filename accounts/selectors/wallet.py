"""Reads for the card wallet (数字卡包)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from accounts.models import Credential, Membership
from accounts.selectors.identity import member_scope_q
from accounts.services.wallet import MEMBER_CARD_SOURCE


def credential_list_for_user(*, user: Any) -> list[Credential]:
    """The user's own credentials, member card first, then newest."""
    credentials = list(Credential.objects.filter(user=user).order_by("-issued_at"))
    credentials.sort(key=lambda c: c.kind != Credential.Kind.MEMBER_CARD)
    return credentials


def credential_get_for_user(*, user: Any, serial: str) -> Credential:
    """The user's own credential; ``Http404`` for missing and someone else's alike."""
    credential = (
        Credential.objects.filter(user=user, serial=str(serial).upper())
        .select_related("user")
        .first()
        if user is not None and user.is_authenticated
        else None
    )
    if credential is None:
        raise Http404
    return credential


@dataclass(frozen=True)
class MemberCardState:
    membership: Membership | None
    card: Credential | None


def member_card_for_user(*, user: Any) -> MemberCardState:
    """The active membership and its member card (either may be missing)."""
    membership = (
        Membership.objects.filter(user=user, status=Membership.Status.ACTIVE)
        .select_related("organization")
        .first()
    )
    card = None
    if membership is not None:
        card = Credential.objects.filter(
            kind=Credential.Kind.MEMBER_CARD,
            source_type=MEMBER_CARD_SOURCE,
            source_id=str(membership.pk),
        ).first()
    return MemberCardState(membership=membership, card=card)


def credential_list_for_staff(*, user: Any) -> QuerySet[Credential]:
    return (
        Credential.objects.filter(member_scope_q(user))
        .select_related("user")
        .distinct()
        .order_by("-issued_at")
    )
