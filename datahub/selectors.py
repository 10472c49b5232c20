"""Reads for datahub: imports in the user's scope, their progress and report rows."""

from __future__ import annotations

from typing import Any

from django.core.cache import cache
from django.db import connection
from django.db.models import Prefetch, QuerySet
from django.http import Http404

from accounts.models import DigitalIdentity, Membership, UnionOrganization
from accounts.permissions import Action, region_scope_q, user_region_paths
from datahub.models import ImportRow, MemberChange, RosterImport
from datahub.services.imports import PROGRESS_KEY
from regions.models import Region


def roster_import_list_for_user(*, user: Any) -> QuerySet[RosterImport]:
    return (
        RosterImport.objects.filter(region_scope_q(user, Action.DATAHUB_IMPORT))
        .select_related("region", "created_by")
        .order_by("-created_at", "-id")
    )


def roster_import_get_for_user(*, user: Any, id: int) -> RosterImport:
    """The import if ``user`` may import for its region; ``Http404`` for missing and
    forbidden alike."""
    roster_import = roster_import_list_for_user(user=user).filter(pk=id).first()
    if roster_import is None:
        raise Http404
    return roster_import


def roster_import_progress(*, roster_import: RosterImport) -> dict[str, Any]:
    """Phase and percentage for the progress bar: from the cache while the import's own
    transaction runs, from the row once it is finished."""
    live = cache.get(PROGRESS_KEY.format(id=roster_import.pk)) if roster_import.is_active else None
    if live:
        weights = {"reading": (0, 70), "matching": (70, 80), "applying": (80, 99)}
        low, high = weights.get(live["phase"], (0, 99))
        share = live["processed"] / live["total"] if live["total"] else 0
        percent = int(low + (high - low) * min(share, 1))
        return {"phase": live["phase"], "percent": percent, "processed": live["processed"]}
    return {
        "phase": roster_import.status,
        "percent": roster_import.percent,
        "processed": roster_import.processed_rows,
    }


def import_rows(*, roster_import: RosterImport, status: str | None = None) -> QuerySet[ImportRow]:
    rows = ImportRow.objects.filter(roster_import=roster_import).order_by("line")
    if status:
        rows = rows.filter(status=status)
    return rows


# --- exchange API -------------------------------------------------------------------------------


def exchange_members_page(*, after_id: int, limit: int) -> list[DigitalIdentity]:
    """Members (verified identities) after ``after_id`` in id order: a keyset page on the
    primary key, with each member's user and active membership in two more queries."""
    active = Membership.objects.filter(status=Membership.Status.ACTIVE).select_related(
        "organization", "organization__region"
    )
    return list(
        DigitalIdentity.objects.filter(pk__gt=after_id, user__closed_at__isnull=True)
        .select_related("user")
        .prefetch_related(Prefetch("user__memberships", queryset=active, to_attr="active"))
        .order_by("pk")[:limit]
    )


def _change_horizon() -> int:
    """The txid below which every transaction of this database has finished (PostgreSQL).

    Read before the page's own query: a transaction with an id below it was over by then,
    so its rows are visible to the next statement; one that gets its id later gets a higher
    one. Transactions of other databases of the cluster do not hold the feed back.
    ``backend_xid`` is 32 bits; it is widened against the 64-bit next id.
    """
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT pg_snapshot_xmax(pg_current_snapshot())::text::bigint,
                   array(SELECT backend_xid::text::bigint FROM pg_stat_activity
                         WHERE datname = current_database() AND backend_xid IS NOT NULL
                           AND pid <> pg_backend_pid())
            """
        )
        next_xid, running = cursor.fetchone()
    wrap = 1 << 32
    widened = [next_xid - ((next_xid % wrap - xid) % wrap) for xid in running or []]
    return min([next_xid, *widened])


def exchange_changes_page(*, after: tuple[int, int], limit: int) -> list[MemberChange]:
    """Changes after the ``(txid, id)`` cursor, in that order. On PostgreSQL only rows of
    transactions that had finished before the read are served (``_change_horizon``): a
    row committing later can then only sort after the cursor, so paging never skips one."""
    changes = MemberChange.objects.extra(
        where=["(datahub_memberchange.txid, datahub_memberchange.id) > (%s, %s)"],
        params=[after[0], after[1]],
    )
    if connection.vendor == "postgresql":
        changes = changes.filter(txid__lt=_change_horizon())
    rows = list(changes.order_by("txid", "id")[:limit])
    users = {
        identity.user_id: identity
        for identity in DigitalIdentity.objects.filter(
            user_id__in={row.user_id for row in rows}
        ).only("user_id", "member_id")
    }
    organizations = dict(
        UnionOrganization.objects.filter(
            pk__in={row.organization_id for row in rows if row.organization_id}
        ).values_list("pk", "name")
    )
    for row in rows:
        identity = users.get(row.user_id)
        row.member_id = identity.member_id if identity else ""
        row.organization_name = organizations.get(row.organization_id, "")
    return rows


def import_scope_regions(*, user: Any) -> list[Region]:
    """The regions ``user`` may import rosters for: every city (and the province) for
    province-wide staff, otherwise the roots of their scope."""
    paths = user_region_paths(user, Action.DATAHUB_IMPORT)
    if paths == [""]:
        return list(Region.objects.filter(level__in=["province", "city"]).order_by("code"))
    codes = [p.rstrip("/").rsplit("/", 1)[-1] for p in paths]
    return list(Region.objects.filter(code__in=codes).order_by("code"))
