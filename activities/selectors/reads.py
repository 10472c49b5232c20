"""Reads of the activities app: lists for members, objects behind access checks,
participation counts for the insights module."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from accounts.models import Credential
from accounts.permissions import Action, region_scope_q, user_can
from accounts.selectors.membership import membership_current
from activities.models import (
    Activity,
    Campaign,
    CampaignQuota,
    Claim,
    MallItem,
    MallItemQuota,
    Order,
    PointsEntry,
    Signup,
)
from regions.selectors.tree import RegionNode

__all__ = [
    "activity_get_for_user",
    "activity_list",
    "activity_participation_counts",
    "campaign_get_for_user",
    "campaign_list",
    "campaign_quota_report",
    "claim_list_for_user",
    "mall_item_get_for_user",
    "mall_item_list",
    "mall_item_regional_stock",
    "order_get_for_user",
    "order_list_for_user",
    "points_audit_allowed",
    "points_balance",
    "points_ledger",
    "region_path_ancestors",
    "region_upcoming_activities",
    "region_upcoming_cached",
    "signup_for_user",
    "signup_list_for_user",
    "staff_activity_list",
    "staff_claim_export_rows",
    "staff_order_export_rows",
]

REGION_BLOCK_SECONDS = getattr(settings, "ACTIVITIES_REGION_BLOCK_SECONDS", 300)
REGION_BLOCK_SIZE = 5


def region_path_ancestors(path: str) -> list[str]:
    """``path`` and the paths above it ("100000/130000/131000/" → itself, "100000/130000/",
    "100000/"): the regions whose subtree holds it."""
    return [path[: i + 1] for i, c in enumerate(path) if c == "/"]


def _visible_q(region_path: str | None) -> Q:
    """Content for a region page or a member: that region, its ancestors (a provincial
    event reaches every city) and everything below it."""
    if not region_path:
        return Q()
    ancestors = region_path_ancestors(region_path)
    return Q(region__path__startswith=region_path) | Q(region__path__in=ancestors)


def activity_list(*, region_path: str | None = None, kind: str = "") -> QuerySet[Activity]:
    """Published activities that have not ended, soonest first, with their counts."""
    queryset = (
        Activity.objects.select_related("region")
        .filter(published=True, ends_at__gt=timezone.now())
        .filter(_visible_q(region_path))
        .annotate(
            confirmed_count=Count("signups", filter=Q(signups__status=Signup.Status.CONFIRMED)),
            waiting_count=Count("signups", filter=Q(signups__status=Signup.Status.WAITING)),
        )
        .order_by("starts_at", "id")
    )
    if kind:
        queryset = queryset.filter(kind=kind)
    return queryset


def activity_get_for_user(*, user: Any, id: int) -> Activity:
    """A published activity (anyone may read it), or 404."""
    activity = activity_list().filter(pk=id).first() or (
        Activity.objects.select_related("region")
        .filter(pk=id, published=True)
        .annotate(
            confirmed_count=Count("signups", filter=Q(signups__status=Signup.Status.CONFIRMED)),
            waiting_count=Count("signups", filter=Q(signups__status=Signup.Status.WAITING)),
        )
        .first()
    )
    if activity is None:
        raise Http404
    return activity


def signup_for_user(*, user: Any, activity: Activity) -> Signup | None:
    if not user.is_authenticated:
        return None
    return (
        Signup.objects.filter(activity=activity, user=user)
        .exclude(status=Signup.Status.CANCELLED)
        .first()
    )


def signup_list_for_user(*, user: Any) -> QuerySet[Signup]:
    return Signup.objects.select_related("activity__region").filter(user=user).order_by("-id")


def staff_activity_list(*, user: Any) -> QuerySet[Activity]:
    return (
        Activity.objects.select_related("region")
        .filter(region_scope_q(user, Action.ACTIVITIES_MANAGE))
        .filter(ends_at__gt=timezone.now() - timezone.timedelta(days=1))
        .order_by("starts_at")
    )


def campaign_list(*, region_path: str | None = None) -> QuerySet[Campaign]:
    now = timezone.now()
    return (
        Campaign.objects.select_related("region")
        .filter(published=True, ends_at__gt=now)
        .filter(_visible_q(region_path))
        .order_by("ends_at", "id")
    )


def campaign_get_for_user(*, user: Any, id: int) -> Campaign:
    campaign = Campaign.objects.select_related("region").filter(pk=id, published=True).first()
    if campaign is None:
        raise Http404
    return campaign


def campaign_quota_report(*, campaign: Campaign) -> list[CampaignQuota]:
    """The campaign's regional quotas, by region path (a city before its counties), each
    with ``claimed`` and ``stock`` (left) for staff."""
    return list(
        CampaignQuota.objects.select_related("region")
        .filter(campaign=campaign)
        .order_by("region__path")
    )


def claim_list_for_user(*, user: Any) -> QuerySet[Claim]:
    return Claim.objects.select_related("campaign__region", "credential").filter(user=user)


def points_audit_allowed(*, user: Any) -> bool:
    """Whether ``user`` may read every member's points (ledger, learning rewards): a
    province administrator, as ``accounts.permissions`` decides."""
    return user_can(user, Action.POINTS_AUDIT, region=settings.PORTAL_DEFAULT_REGION_CODE)


def points_balance(*, user: Any) -> int:
    from activities.models import PointsAccount

    return (
        PointsAccount.objects.filter(user_id=user.pk).values_list("balance", flat=True).first() or 0
    )


def points_ledger(*, user: Any) -> QuerySet[PointsEntry]:
    return PointsEntry.objects.filter(user_id=user.pk).order_by("-created_at", "-id")


def mall_item_list(*, region_path: str | None = None) -> QuerySet[MallItem]:
    return (
        MallItem.objects.select_related("region")
        .filter(active=True)
        .filter(_visible_q(region_path))
        .order_by("points_price", "id")
    )


def mall_item_get_for_user(*, user: Any, id: int) -> MallItem:
    item = MallItem.objects.select_related("region").filter(pk=id, active=True).first()
    if item is None:
        raise Http404
    return item


@dataclass(frozen=True)
class RegionalStock:
    """What a member's region has left of an item: ``left`` is the least of the item's
    stock and every regional quota covering the member; ``region`` names the deepest."""

    region: str
    left: int


def mall_item_regional_stock(*, user: Any, items: Iterable[MallItem]) -> dict[int, RegionalStock]:
    """For each of ``items`` with a regional quota covering the member's union region, the
    stock left for that region, by item id. Items without one (or a visitor, or a member
    without an active membership) are absent: the item's own stock is what counts. Two
    queries whatever the number of items."""
    items = list(items)
    membership = membership_current(user=user) if items else None
    if membership is None:
        return {}
    member_path = membership.organization.region.path
    quotas = MallItemQuota.objects.select_related("region").filter(
        item_id__in=[item.pk for item in items],
        region__path__in=region_path_ancestors(member_path),
    )
    covering: dict[int, list[MallItemQuota]] = {}
    for quota in quotas:
        covering.setdefault(quota.item_id, []).append(quota)
    stock = {}
    for item in items:
        mine = covering.get(item.pk)
        if mine:
            deepest = max(mine, key=lambda quota: len(quota.region.path))
            left = min([item.stock, *(quota.stock for quota in mine)])
            stock[item.pk] = RegionalStock(region=deepest.region.name, left=max(left, 0))
    return stock


def order_list_for_user(*, user: Any) -> QuerySet[Order]:
    return Order.objects.select_related("item__region").filter(user_id=user.pk)


def order_get_for_user(*, user: Any, id: int) -> Order:
    """The member's own order, or 404 for missing and someone else's alike."""
    if not user.is_authenticated:
        raise Http404
    order = order_list_for_user(user=user).filter(pk=id).first()
    if order is None:
        raise Http404
    return order


def activity_participation_counts(
    *, region_path: str = "", since: datetime | None = None, until: datetime | None = None
) -> dict[str, dict[str, int]]:
    """For insights: per activity kind, the activities held, confirmed sign-ups, waiting
    sign-ups and check-ins in the region subtree and time range (by start time). One
    query."""
    queryset = Activity.objects.filter(published=True)
    if region_path:
        queryset = queryset.filter(region__path__startswith=region_path)
    if since is not None:
        queryset = queryset.filter(starts_at__gte=since)
    if until is not None:
        queryset = queryset.filter(starts_at__lt=until)
    rows = queryset.values("kind").annotate(
        activities=Count("id", distinct=True),
        confirmed=Count("signups", filter=Q(signups__status=Signup.Status.CONFIRMED)),
        waiting=Count("signups", filter=Q(signups__status=Signup.Status.WAITING)),
        checked_in=Count("signups", filter=Q(signups__checked_in_at__isnull=False)),
    )
    return {
        row["kind"]: {k: row[k] for k in ("activities", "confirmed", "waiting", "checked_in")}
        for row in rows
    }


def _region_block_key(code: str) -> str:
    return f"activities:region-block:v1:{code}"


def region_upcoming_activities(*, node: RegionNode) -> list[dict[str, Any]]:
    """The next few activities shown on a region page: one query when cold, none when
    cached. Its own cache key (the region page's content cache belongs to regions), dropped
    by ``activities.signals`` when an activity changes."""
    key = _region_block_key(node.code)
    cards = cache.get(key)
    if cards is None:
        cards = [
            {
                "id": a.pk,
                "title": a.title,
                "kind": a.get_kind_display(),
                "starts_at": a.starts_at,
                "place": a.place or "",
                "online": bool(a.online_url),
                "region": a.region.name,
            }
            for a in activity_list(region_path=node.path)[:REGION_BLOCK_SIZE]
        ]
        cache.set(key, cards, REGION_BLOCK_SECONDS)
    return cards


def region_upcoming_cached(*, node: RegionNode) -> list[dict[str, Any]] | None:
    """The block if it is cached, else None: the region page itself never queries for it
    (its query budget belongs to regions); a cold block is fetched by the fragment view."""
    return cache.get(_region_block_key(node.code))


def region_upcoming_invalidate(*, region_path: str) -> None:
    from regions.selectors import region_tree

    codes = [
        node.code
        for node in region_tree().nodes.values()
        if node.path.startswith(region_path) or region_path.startswith(node.path)
    ]
    if codes:
        cache.delete_many([_region_block_key(code) for code in codes])


def _scoped(user: Any, queryset: QuerySet, field: str) -> QuerySet:
    return queryset.filter(region_scope_q(user, Action.ACTIVITIES_MANAGE, field=field))


def staff_claim_export_rows(*, user: Any, campaign_id: int | None = None) -> QuerySet[Claim]:
    queryset = _scoped(
        user,
        Claim.objects.select_related("campaign__region", "user", "redeemed_by", "credential"),
        "campaign__region",
    ).order_by("campaign_id", "claimed_at")
    if campaign_id:
        queryset = queryset.filter(campaign_id=campaign_id)
    return queryset


def staff_order_export_rows(*, user: Any) -> QuerySet[Order]:
    return _scoped(
        user, Order.objects.select_related("item__region", "user", "handled_by"), "item__region"
    ).order_by("-created_at")


def voucher_credentials(*, user: Any) -> QuerySet[Credential]:
    return Credential.objects.filter(user=user, kind=Credential.Kind.VOUCHER)
