"""The indicator registry: what an indicator is and how one is computed and rolled up.

An indicator's query groups its source rows by the region they belong to (one GROUP BY
across every region, never a query per region) and yields, per region and category, a
numerator and (for shares and means) a denominator. ``rollup`` then adds each region's
figures to its city and province, so a city is the sum of its counties plus whatever is
attached to the city itself, and shares and means are recomputed from the summed parts.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

LEVELS = ("province", "city", "county")


class Kind:
    COUNT = "count"  # value = numerator (a count or a sum)
    RATIO = "ratio"  # value = numerator / denominator × 100 (a share in percent)
    MEAN = "mean"  # value = numerator / denominator (e.g. hours per request)


class Period:
    FLOW = "flow"  # something that happened on the day: a range adds its days up
    STOCK = "stock"  # a level at the end of the day: a range shows its last day


DOMAINS = {
    "membership": "会员与组织",
    "learning": "学习练兵",
    "hotline": "12351热线",
    "jobs": "就业服务",
    "activities": "活动与福利",
    "usage": "平台使用",
}


@dataclass(frozen=True)
class Window:
    """The day being computed, as aware local datetimes ``[start, end)``. ``end`` is
    midnight after the day, or "now" for today's live counters."""

    day: date
    start: datetime
    end: datetime

    @classmethod
    def for_day(cls, day: date) -> Window:
        tz = timezone.get_current_timezone()
        start = timezone.make_aware(datetime.combine(day, time.min), tz)
        end = timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min), tz)
        return cls(day=day, start=start, end=end)

    @classmethod
    def today_until(cls, now: datetime) -> Window:
        local = timezone.localtime(now)
        window = cls.for_day(local.date())
        return cls(day=window.day, start=window.start, end=now)

    def during(self, field_name: str) -> Q:
        return Q(**{f"{field_name}__gte": self.start, f"{field_name}__lt": self.end})


@dataclass(frozen=True)
class Source:
    """What an indicator's query returns: rows of ``queryset`` grouped by ``region`` (a path
    to a region id) and optionally by ``key`` (a category), aggregated into ``num`` and
    ``den``."""

    queryset: QuerySet
    region: str
    num: Any = field(default_factory=lambda: Count("pk"))
    den: Any = None
    key: str | None = None


@dataclass(frozen=True)
class Row:
    region_id: int
    key: str
    num: float
    den: float | None


@dataclass(frozen=True)
class Indicator:
    code: str
    name: str
    unit: str
    definition: str
    domain: str
    kind: str
    period: str
    source: Callable[[Window], Source]
    levels: tuple[str, ...] = LEVELS
    breakdown: str = ""  # what the categories are ("诉求类型"), "" if none
    breakdown_labels: dict[str, str] = field(default_factory=dict)
    headline: bool = False  # shown among the key figures

    @property
    def domain_label(self) -> str:
        return DOMAINS[self.domain]

    @property
    def is_additive(self) -> bool:
        """Values add up across regions (counts and sums); shares and means do not."""
        return self.kind == Kind.COUNT

    def value(self, num: float | None, den: float | None) -> float | None:
        if self.kind == Kind.COUNT:
            return float(num or 0)
        if not den:
            return None
        scale = 100.0 if self.kind == Kind.RATIO else 1.0
        return round(float(num or 0) / float(den) * scale, 2)

    def breakdown_label(self, key: str) -> str:
        return str(self.breakdown_labels.get(key, key or "合计"))

    def compute(self, window: Window) -> list[Row]:
        """The figures of every region with source rows on the window's day: one query."""
        source = self.source(window)
        group = [source.region] + ([source.key] if source.key else [])
        aggregates = {"num": source.num}
        if source.den is not None:
            aggregates["den"] = source.den
        rows = []
        for item in source.queryset.order_by().values(*group).annotate(**aggregates):
            region_id = item[source.region]
            if region_id is None:
                continue
            rows.append(
                Row(
                    region_id=region_id,
                    key=str(item[source.key] or "") if source.key else "",
                    num=_number(item["num"]),
                    den=_number(item["den"]) if source.den is not None else None,
                )
            )
        return rows


def _number(value: Any) -> float:
    if value is None:
        return 0.0
    if isinstance(value, timedelta):
        return value.total_seconds() / 3600  # durations are measured in hours
    return float(value)


REGISTRY: dict[str, Indicator] = {}


def indicator(**attrs: Any) -> Callable[[Callable[[Window], Source]], Indicator]:
    """Register the decorated ``source`` function as an indicator."""

    def register(source: Callable[[Window], Source]) -> Indicator:
        item = Indicator(source=source, **attrs)
        if item.code in REGISTRY:
            raise ValueError(f"indicator {item.code} registered twice")
        REGISTRY[item.code] = item
        return item

    return register


def indicators() -> list[Indicator]:
    """Every registered indicator, domain by domain in the order of ``DOMAINS`` (within a
    domain, in the order its module defines them). The domain modules of
    ``insights.indicators`` register themselves when imported (``InsightsConfig.ready``
    imports them); the registry never imports them, so they can stand on it."""
    order = {domain: index for index, domain in enumerate(DOMAINS)}
    return sorted(REGISTRY.values(), key=lambda item: order[item.domain])


def indicator_get(code: str) -> Indicator | None:
    return REGISTRY.get(code)


@dataclass
class RegionInfo:
    id: int
    level: str
    parent_id: int | None
    code: str = ""


def region_infos() -> dict[int, RegionInfo]:
    """Every region's level and parent, for ``rollup``: one query."""
    from regions.models import Region

    return {
        pk: RegionInfo(id=pk, level=level, parent_id=parent_id, code=code)
        for pk, level, parent_id, code in Region.objects.values_list(
            "id", "level", "parent_id", "code"
        )
    }


def rollup(
    item: Indicator, rows: Iterable[Row], regions: dict[int, RegionInfo]
) -> dict[tuple[int, str], tuple[float, float | None]]:
    """Add every region's figures to itself and its ancestors; each total (key "") is the
    sum of its categories. Returns {(region_id, key): (num, den)} for the levels the
    indicator applies to."""
    totals: dict[tuple[int, str], list[float]] = defaultdict(lambda: [0.0, 0.0])
    has_den = False
    for row in rows:
        keys = {row.key, ""}
        region_id: int | None = row.region_id
        while region_id is not None:
            info = regions.get(region_id)
            if info is None:
                break
            if info.level in item.levels:
                for key in keys:
                    cell = totals[(region_id, key)]
                    cell[0] += row.num
                    if row.den is not None:
                        cell[1] += row.den
            region_id = info.parent_id
        has_den = has_den or row.den is not None
    return {cell_key: (num, den if has_den else None) for cell_key, (num, den) in totals.items()}
