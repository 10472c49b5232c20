"""Reads of the data platform: the region a user may look at, and the figures behind the
dashboard, the big screen and the API, all from the facts table (one query per chart)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.core.cache import cache
from django.db.models import Max, Q, QuerySet, Sum
from django.http import Http404
from django.utils import timezone

from accounts.permissions import Action, user_can, user_region_paths
from insights.charts import number
from insights.models import Fact, FactDay
from insights.registry import (
    REGISTRY,
    Indicator,
    Kind,
    Period,
    Window,
    compute_many,
    indicator_get,
    indicators,
    region_infos,
    rollup,
)
from regions.selectors import RegionNode, region_tree

#: Region levels with facts; a country-level scope starts at the province.
FACT_LEVELS = ("province", "city", "county")
SCREEN_LEVELS = ("province", "city")
MAX_RANGE_DAYS = 366


def insights_home_region_for_user(*, user: Any) -> RegionNode:
    """The highest region of the user's insights scope (the province for superusers);
    Http404 if the user may not see any."""
    paths = user_region_paths(user, Action.INSIGHTS_VIEW)
    if not paths:
        raise Http404
    tree = region_tree()
    nodes = [
        node
        for node in tree.nodes.values()
        if node.level in FACT_LEVELS and any(node.path.startswith(p) for p in paths)
    ]
    if not nodes:
        raise Http404
    return min(nodes, key=lambda node: (len(node.path), node.code))


def insights_region_get_for_user(*, user: Any, code: str, levels=FACT_LEVELS) -> RegionNode:
    """The region ``code`` if the user may see its figures; Http404 for an unknown code, a
    region outside the user's scope or a level without facts alike."""
    node = region_tree().get(code or "")
    if node is None or node.level not in levels:
        raise Http404
    if not user_can(user, Action.INSIGHTS_VIEW, region=node):
        raise Http404
    return node


def insights_breadcrumb(*, user: Any, node: RegionNode) -> list[RegionNode]:
    """The ancestors of ``node`` the user may also see (no query: grants are cached)."""
    tree = region_tree()
    return [
        a
        for a in tree.ancestors(node)
        if a.level in FACT_LEVELS and user_can(user, Action.INSIGHTS_VIEW, region=a)
    ]


def facts_latest_day() -> date | None:
    return FactDay.objects.aggregate(latest=Max("date"))["latest"]


def default_range(latest: date | None, days: int = 30) -> tuple[date, date]:
    end = latest or (timezone.localdate() - timedelta(days=1))
    return end - timedelta(days=days - 1), end


# --- aggregation over days ----------------------------------------------------------------
# A range is summed up in the database: flows add their days (shares and means from the
# summed parts), stocks take the range's last day. Each chart is one grouped query that
# returns one row per region or category, whatever the length of the range.


def _sums(end: date) -> dict[str, Any]:
    on_end = Q(date=end)
    return {
        "flow_num": Sum("numerator"),
        "flow_den": Sum("denominator"),
        "stock_num": Sum("numerator", filter=on_end),
        "stock_den": Sum("denominator", filter=on_end),
    }


def _range_value(item: Indicator, row: dict | None) -> float | None:
    if row is None:
        return 0.0 if item.kind == Kind.COUNT else None
    if item.period == Period.STOCK:
        return item.value(row["stock_num"], row["stock_den"])
    return item.value(row["flow_num"], row["flow_den"])


def _days(start: date, end: date) -> list[date]:
    return [start + timedelta(days=n) for n in range((end - start).days + 1)]


@dataclass
class Table:
    """A chart's data: column titles and rows of cells (what the CSV and Excel export)."""

    title: str
    columns: list[str]
    rows: list[list[Any]]

    @property
    def display_rows(self) -> list[list[str]]:
        return [
            [number(c) if c is None or isinstance(c, int | float) else c for c in row]
            for row in self.rows
        ]


def fact_trend(*, item: Indicator, node: RegionNode, start: date, end: date) -> list[dict]:
    """Day by day values of ``item`` in ``node`` (missing days are 0 or no data). One query."""
    by_day = dict(
        Fact.objects.filter(
            indicator=item.code,
            region__code=node.code,
            breakdown="",
            date__gte=start,
            date__lte=end,
        ).values_list("date", "value")
    )
    empty = 0.0 if item.kind == Kind.COUNT else None
    return [{"date": day, "value": by_day.get(day, empty)} for day in _days(start, end)]


def fact_compare(
    *, item: Indicator, node: RegionNode, start: date, end: date
) -> list[dict[str, Any]]:
    """The value of ``item`` over the range for each sub-region of ``node``. One query."""
    tree = region_tree()
    children = [c for c in tree.children(node) if c.level in item.levels]
    if not children:
        return []
    rows = {
        row["region__code"]: row
        for row in Fact.objects.filter(
            indicator=item.code,
            region__code__in=[c.code for c in children],
            breakdown="",
            date__gte=start,
            date__lte=end,
        )
        .values("region__code")
        .annotate(**_sums(end))
        .order_by()
    }
    return [
        {"node": child, "value": _range_value(item, rows.get(child.code))} for child in children
    ]


def fact_breakdown(
    *, item: Indicator, node: RegionNode, start: date, end: date
) -> list[dict[str, Any]]:
    """The value of each category of ``item`` over the range in ``node``. One query."""
    if not item.breakdown:
        return []
    rows = {
        row["breakdown"]: row
        for row in Fact.objects.filter(
            indicator=item.code, region__code=node.code, date__gte=start, date__lte=end
        )
        .exclude(breakdown="")
        .values("breakdown")
        .annotate(**_sums(end))
        .order_by()
    }
    keys = list(item.breakdown_labels) + sorted(set(rows) - set(item.breakdown_labels))
    return [
        {"key": key, "label": item.breakdown_label(key), "value": _range_value(item, rows[key])}
        for key in keys
        if key in rows
    ]


def fact_headlines(
    *, node: RegionNode, start: date, end: date, codes: Iterable[str] | None = None
) -> list[dict[str, Any]]:
    """The key figures of ``node`` over the range. One query."""
    items = [REGISTRY[c] for c in codes] if codes else [i for i in indicators() if i.headline]
    rows = {
        row["indicator"]: row
        for row in Fact.objects.filter(
            indicator__in=[i.code for i in items],
            region__code=node.code,
            breakdown="",
            date__gte=start,
            date__lte=end,
        )
        .values("indicator")
        .annotate(**_sums(end))
        .order_by()
    }
    return [{"item": i, "value": _range_value(i, rows.get(i.code))} for i in items]


def fact_list_for_user(
    *,
    user: Any,
    code: str,
    region_code: str,
    start: date,
    end: date,
    breakdown: str | None = "",
) -> QuerySet[Fact]:
    """Facts of one indicator in one region the user may see, by date (for the API).
    ``breakdown`` None returns the total and all categories."""
    node = insights_region_get_for_user(user=user, code=region_code)
    queryset = Fact.objects.filter(
        indicator=code, region__code=node.code, date__gte=start, date__lte=end
    )
    if breakdown is not None:
        queryset = queryset.filter(breakdown=breakdown)
    return queryset.select_related("region").order_by("date", "breakdown")


# --- the big screen -----------------------------------------------------------------------

LIVE_CODES = (
    "members_new",
    "applications_submitted",
    "hotline_requests",
    "active_members",
    "practice_answers",
    "activity_signups",
    "packs_claimed",
    "job_applications",
)
LIVE_SECONDS = 55


def live_counters(*, node: RegionNode, now: datetime | None = None) -> list[dict[str, Any]]:
    """Today's figures so far for ``node``. Computed for every region at once (one query
    per indicator) and shared through the cache for a minute by all screens."""
    now = now or timezone.now()
    window = Window.today_until(now)
    key = f"insights:live:v1:{window.day.isoformat()}:{now.strftime('%H%M')}"
    table = cache.get(key)
    if table is None:
        regions = region_infos()
        table = {"ids": {info.code: pk for pk, info in regions.items()}, "values": {}}
        computed = compute_many([REGISTRY[code] for code in LIVE_CODES], window)
        for code in LIVE_CODES:
            item = REGISTRY[code]
            cells = rollup(item, computed[code], regions)
            table["values"][code] = {
                region_id: item.value(num, den)
                for (region_id, k), (num, den) in cells.items()
                if k == ""
            }
        table["at"] = now
        cache.set(key, table, LIVE_SECONDS)
    region_id = table["ids"].get(node.code)
    return [
        {"item": REGISTRY[code], "value": table["values"][code].get(region_id, 0.0)}
        for code in LIVE_CODES
    ]


def indicator_get_or_404(code: str) -> Indicator:
    item = indicator_get(code)
    if item is None:
        raise Http404
    return item
