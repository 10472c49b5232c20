"""The member change feed the exchange API serves (``MemberChange``), written by imports,
exchange pushes and the portal's own membership services alike."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import connection
from django.db.models.expressions import RawSQL
from django.utils import timezone

from datahub.models import MemberChange

if TYPE_CHECKING:
    from accounts.models import MembershipEvent

#: Membership steps done in the portal (``accounts.services.membership``) that change what
#: the national federation holds: the others (applied, rejected…) change nothing there yet.
PORTAL_MEMBERSHIP_KINDS: dict[str, str] = {
    "approved": MemberChange.Kind.MEMBERSHIP_STARTED,
    "transfer_completed": MemberChange.Kind.MEMBERSHIP_TRANSFERRED,
    "ended": MemberChange.Kind.MEMBERSHIP_ENDED,
}


def txid_expression() -> Any:
    """The writing transaction's id on PostgreSQL (the feed's cursor order), 0 elsewhere."""
    if connection.vendor == "postgresql":
        return RawSQL("pg_current_xact_id()::text::bigint", [])
    return 0


def member_change_record(
    *,
    user_id: int,
    kind: str,
    source: str,
    source_ref: str = "",
    organization_id: int | None = None,
    at: Any = None,
) -> MemberChange:
    """Append one change to the feed. Precondition: called inside the transaction that makes
    the change, so the row commits (and becomes visible to readers) with it."""
    return MemberChange.objects.create(
        user_id=user_id,
        kind=kind,
        source=source,
        source_ref=source_ref[:64],
        organization_id=organization_id,
        created_at=at or timezone.now(),
        txid=txid_expression(),
    )


def member_change_from_membership_event(
    *, user_id: int, event_kind: str, organization_id: int, event_id: int, at: Any = None
) -> MemberChange | None:
    """The feed row for a portal membership step, or None for steps the feed doesn't carry."""
    kind = PORTAL_MEMBERSHIP_KINDS.get(event_kind)
    if kind is None:
        return None
    return member_change_record(
        user_id=user_id,
        kind=kind,
        source=MemberChange.Source.PORTAL,
        source_ref=f"membership_event:{event_id}",
        organization_id=organization_id,
        at=at,
    )


def member_change_on_membership_event(event: MembershipEvent) -> MemberChange | None:
    """The ``accounts.events`` subscriber (``DatahubConfig.ready``): runs inside the
    transaction that wrote ``event``, so the feed row is atomic with the membership step."""
    return member_change_from_membership_event(
        user_id=event.user_id,
        event_kind=event.kind,
        organization_id=event.organization_id,
        event_id=event.pk,
        at=event.created_at,
    )
