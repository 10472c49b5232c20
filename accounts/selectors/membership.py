"""Reads for 入会 and 转会: a member's status and timeline, reviewers' queues, the search for
a union to join. Access is decided by ``accounts.permissions``; what a user may not see is a
404, never a 403."""

from __future__ import annotations

from typing import Any

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.http import Http404

from accounts.models import (
    Membership,
    MembershipApplication,
    MembershipEvent,
    TransferRequest,
    UnionOrganization,
)
from accounts.permissions import Action, organization_scope_q
from regions.models import Region

Kind = UnionOrganization.Kind

#: Kinds that take in workers whose employer has no union (couriers, riders, drivers …).
AREA_UNION_KINDS = (Kind.JOINT, Kind.INDUSTRY)

_APPLICATION_RELATED = ("user", "organization", "organization__region", "decided_by")
_TRANSFER_RELATED = (
    "user",
    "to_organization",
    "to_organization__region",
    "from_membership",
    "from_membership__organization",
    "from_membership__organization__region",
)


def _user_id(user: Any) -> int | None:
    return user.pk if user is not None and user.is_authenticated else None


def _as_int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


# --- a member's own records -------------------------------------------------------------------


def membership_current(*, user: Any) -> Membership | None:
    """The user's active membership, or None."""
    if _user_id(user) is None:
        return None
    return (
        Membership.objects.select_related("organization", "organization__region")
        .filter(user_id=user.pk, status=Membership.Status.ACTIVE)
        .first()
    )


def membership_list_for_user(*, user: Any) -> QuerySet[Membership]:
    """Every membership of the user, newest first (history is kept across transfers)."""
    return Membership.objects.select_related("organization", "organization__region").filter(
        user_id=_user_id(user)
    )


def membership_event_list(*, user: Any) -> QuerySet[MembershipEvent]:
    """The user's timeline, oldest step first."""
    return (
        MembershipEvent.objects.select_related("organization", "actor")
        .filter(user_id=_user_id(user))
        .order_by("created_at", "id")
    )


def membership_application_list_for_user(*, user: Any) -> QuerySet[MembershipApplication]:
    return MembershipApplication.objects.select_related(*_APPLICATION_RELATED).filter(
        user_id=_user_id(user)
    )


def membership_application_pending_for_user(*, user: Any) -> MembershipApplication | None:
    return (
        membership_application_list_for_user(user=user)
        .filter(status=MembershipApplication.Status.SUBMITTED)
        .first()
    )


def transfer_request_list_for_user(*, user: Any) -> QuerySet[TransferRequest]:
    return TransferRequest.objects.select_related(*_TRANSFER_RELATED).filter(user_id=_user_id(user))


def transfer_request_open_for_user(*, user: Any) -> TransferRequest | None:
    return (
        transfer_request_list_for_user(user=user)
        .filter(status__in=TransferRequest.OPEN_STATUSES)
        .first()
    )


def membership_application_get_for_user(*, user: Any, id: Any) -> MembershipApplication:
    """The applicant's own application; Http404 for a missing one and for anyone else's."""
    pk = _as_int(id)
    application = (
        membership_application_list_for_user(user=user).filter(pk=pk).first() if pk else None
    )
    if application is None:
        raise Http404("no such application")
    return application


def transfer_request_get_for_user(*, user: Any, id: Any) -> TransferRequest:
    """The member's own transfer request; Http404 otherwise."""
    pk = _as_int(id)
    transfer = transfer_request_list_for_user(user=user).filter(pk=pk).first() if pk else None
    if transfer is None:
        raise Http404("no such transfer")
    return transfer


# --- reviewers (officers, province administrators) ------------------------------------------


def membership_application_list_for_reviewer(*, user: Any) -> QuerySet[MembershipApplication]:
    """Applications to the organisations in the user's review scope."""
    return MembershipApplication.objects.select_related(*_APPLICATION_RELATED).filter(
        organization_scope_q(user, Action.MEMBERSHIP_REVIEW)
    )


def membership_application_get_for_reviewer(*, user: Any, id: Any) -> MembershipApplication:
    """An application the user may review; Http404 for a missing one and out of scope alike."""
    pk = _as_int(id)
    application = (
        membership_application_list_for_reviewer(user=user).filter(pk=pk).first() if pk else None
    )
    if application is None:
        raise Http404("no such application")
    return application


def membership_application_review_queue(*, user: Any) -> QuerySet[MembershipApplication]:
    """Pending applications in scope, oldest first (first come, first served)."""
    return (
        membership_application_list_for_reviewer(user=user)
        .filter(status=MembershipApplication.Status.SUBMITTED)
        .order_by("submitted_at", "id")
    )


def transfer_scope_q(user: Any) -> Q:
    """Transfers whose old or new union lies in the user's review scope."""
    return organization_scope_q(
        user, Action.MEMBERSHIP_REVIEW, field="from_membership__organization"
    ) | organization_scope_q(user, Action.MEMBERSHIP_REVIEW, field="to_organization")


def transfer_request_list_for_reviewer(*, user: Any) -> QuerySet[TransferRequest]:
    return TransferRequest.objects.select_related(*_TRANSFER_RELATED).filter(transfer_scope_q(user))


def transfer_request_get_for_reviewer(*, user: Any, id: Any) -> TransferRequest:
    """A transfer the user may handle (either side); Http404 otherwise."""
    pk = _as_int(id)
    transfer = transfer_request_list_for_reviewer(user=user).filter(pk=pk).first() if pk else None
    if transfer is None:
        raise Http404("no such transfer")
    return transfer


def transfer_request_review_queue(*, user: Any) -> QuerySet[TransferRequest]:
    """Transfers waiting for this user: to release (old union in scope) or to accept (new
    union in scope), oldest first."""
    waiting_release = Q(status=TransferRequest.Status.REQUESTED) & organization_scope_q(
        user, Action.MEMBERSHIP_REVIEW, field="from_membership__organization"
    )
    waiting_accept = Q(status=TransferRequest.Status.RELEASED) & organization_scope_q(
        user, Action.MEMBERSHIP_REVIEW, field="to_organization"
    )
    return (
        TransferRequest.objects.select_related(*_TRANSFER_RELATED)
        .filter(waiting_release | waiting_accept)
        .order_by("requested_at", "id")
    )


# --- organisations ------------------------------------------------------------------------------


def union_organization_list_joinable() -> QuerySet[UnionOrganization]:
    """Unions a worker can apply to directly."""
    return UnionOrganization.objects.select_related("region", "parent").filter(
        kind__in=UnionOrganization.JOINABLE_KINDS, accepts_applications=True
    )


def union_organization_search(
    *,
    region_code: str | None = None,
    kind: str | None = None,
    keyword: str | None = None,
    limit: int = 50,
) -> list[UnionOrganization]:
    """Joinable unions in the subtree of ``region_code``, of ``kind``, whose name, employer
    or trades contain ``keyword``; at most ``limit``, by region and name."""
    unions = union_organization_list_joinable()
    if region_code:
        region = Region.objects.filter(code=region_code).only("path").first()
        if region is None:
            return []
        unions = unions.filter(region__path__startswith=region.path)
    if kind:
        unions = unions.filter(kind=kind)
    keyword = (keyword or "").strip()
    if keyword:
        unions = unions.filter(
            Q(name__icontains=keyword)
            | Q(employer_name__icontains=keyword)
            | Q(trades__icontains=keyword)
        )
    return list(unions.order_by("region__code", "kind", "name")[:limit])


def union_organization_suggest_for_area(
    *, region_code: str | None, occupation: str | None = None, limit: int = 5
) -> list[UnionOrganization]:
    """Joint and industry unions that take in new-form workers (新就业形态) of an area: those
    of the region itself, of the regions above it and below it. Unions whose trades mention
    ``occupation`` come first, then the nearest (county before city before province)."""
    if not region_code:
        return []
    region = Region.objects.filter(code=region_code).only("path").first()
    if region is None:
        return []
    ancestor_codes = region.path.strip("/").split("/")
    unions = union_organization_list_joinable().filter(kind__in=AREA_UNION_KINDS)
    unions = unions.filter(
        Q(region__code__in=ancestor_codes) | Q(region__path__startswith=region.path)
    )
    occupation = (occupation or "").strip()
    match = (
        Case(
            When(trades__icontains=occupation, then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        )
        if occupation
        else Value(1, output_field=IntegerField())
    )
    return list(
        unions.annotate(trade_match=match).order_by("trade_match", "-region__code", "name")[:limit]
    )


def union_organization_get_joinable(*, id: Any) -> UnionOrganization | None:
    pk = _as_int(id)
    return union_organization_list_joinable().filter(pk=pk).first() if pk else None


def union_organization_list_for_reviewer(*, user: Any) -> QuerySet[UnionOrganization]:
    """Organisations in the user's review scope (for the admin)."""
    return UnionOrganization.objects.select_related("region", "parent").filter(
        organization_scope_q(user, Action.MEMBERSHIP_REVIEW, field="")
    )


def membership_list_for_reviewer(*, user: Any) -> QuerySet[Membership]:
    return Membership.objects.select_related("user", "organization", "organization__region").filter(
        organization_scope_q(user, Action.MEMBERSHIP_REVIEW)
    )
