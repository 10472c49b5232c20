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


KIND_LABELS = {Kind.COUNT: "计数/合计", Kind.RATIO: "比率", Kind.MEAN: "均值"}
PERIOD_LABELS = {Period.FLOW: "当日发生（区间累加）", Period.STOCK: "日末存量（区间取末日）"}
LEVEL_LABELS = {"province": "省", "city": "市", "county": "县（区）"}


DOMAINS = {
    "membership": "会员与入会",
    "organization": "工会组织与干部",
    "learning": "学习练兵",
    "hotline": "12351热线",
    "rights": "法律服务与维权",
    "jobs": "就业服务",
    "activities": "活动与福利",
    "publicity": "宣传与阵地",
    "datahub": "数据归集",
    "usage": "平台使用",
}

#: The department answering for a domain's figures, unless an indicator names another.
OWNERS = {
    "membership": "省总工会组织部",
    "organization": "省总工会组织部",
    "learning": "省总工会宣传教育部",
    "hotline": "省总工会权益保障部",
    "rights": "省总工会法律工作部",
    "jobs": "省总工会经济技术部（就业服务中心）",
    "activities": "省总工会宣传教育部",
    "publicity": "省总工会网络工作部",
    "datahub": "省总工会网络工作部",
    "usage": "省总工会网络工作部",
}

#: The 28 key work databases of the 数智中台 (issue 22); an indicator computed from one of
#: them names it as its source.
WORK_DATABASES = (
    "会员",
    "工会组织",
    "工会干部",
    "职工之家阵地",
    "职工书屋",
    "困难职工档案",
    "帮扶记录",
    "互助保障参保",
    "互助保障理赔",
    "劳模",
    "工匠",
    "技能竞赛成绩",
    "职工培训",
    "法律援助案件",
    "劳动争议调解",
    "12351 工单",
    "就业帮扶",
    "招聘岗位",
    "新就业形态劳动者",
    "集体合同",
    "厂务公开",
    "劳动保护检查",
    "职工疗休养",
    "工会经费",
    "资产",
    "普惠服务商户",
    "活动参与",
    "积分",
)

#: Portal tables that are not one of the 28 but feed indicators.
PORTAL_SOURCES = (
    "网上练兵",
    "普惠福利发放",
    "数字身份与卡包",
    "宣传文章",
    "服务事项",
    "数据归集导入",
    "平台访问记录",
)


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
    formula: str = ""  # how the value is computed, in words (分子、分母、口径)
    database: str = ""  # the work database (or portal table) the rows come from
    owner: str = ""  # the department answering for the figure; the domain's if ""
    levels: tuple[str, ...] = LEVELS
    breakdown: str = ""  # what the categories are ("诉求类型"), "" if none
    breakdown_labels: dict[str, str] = field(default_factory=dict)
    headline: bool = False  # shown among the key figures

    @property
    def domain_label(self) -> str:
        return DOMAINS[self.domain]

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[self.kind]

    @property
    def period_label(self) -> str:
        return PERIOD_LABELS[self.period]

    @property
    def levels_label(self) -> str:
        return "→".join(LEVEL_LABELS[level] for level in self.levels)

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
        return compute_many([self], window)[self.code]


def _signature(source: Source) -> tuple:
    sql, params = source.queryset.order_by().query.sql_with_params()
    return (source.queryset.model, sql, tuple(map(repr, params)), source.region, source.key)


def compute_many(items: Iterable[Indicator], window: Window) -> dict[str, list[Row]]:
    """The rows of every indicator in ``items`` for the window. Indicators whose sources
    group the same rows (the same query, region path and category) share one grouped
    query with one numerator and denominator column pair each, so a family of figures
    over the same table costs one scan. Aggregates must not join a many-valued relation
    (it would multiply the rows of the others); tests compare shared and solo results."""
    groups: dict[tuple, list[tuple[Indicator, Source]]] = defaultdict(list)
    for item in items:
        source = item.source(window)
        groups[_signature(source)].append((item, source))
    result: dict[str, list[Row]] = {}
    for members in groups.values():
        first = members[0][1]
        group = [first.region] + ([first.key] if first.key else [])
        aggregates = {}
        for index, (_item, source) in enumerate(members):
            aggregates[f"num_{index}"] = source.num
            if source.den is not None:
                aggregates[f"den_{index}"] = source.den
        rows: list[list[Row]] = [[] for _ in members]
        for values in first.queryset.order_by().values(*group).annotate(**aggregates):
            region_id = values[first.region]
            if region_id is None:
                continue
            key = str(values[first.key] or "") if first.key else ""
            for index, (_item, source) in enumerate(members):
                rows[index].append(
                    Row(
                        region_id=region_id,
                        key=key,
                        num=_number(values[f"num_{index}"]),
                        den=_number(values[f"den_{index}"]) if source.den is not None else None,
                    )
                )
        for index, (item, _source) in enumerate(members):
            result[item.code] = rows[index]
    return result


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
        attrs.setdefault("owner", OWNERS[attrs["domain"]])
        item = Indicator(source=source, **attrs)
        if item.code in REGISTRY:
            raise ValueError(f"indicator {item.code} registered twice")
        if not item.formula:
            raise ValueError(f"indicator {item.code} has no formula")
        if item.database not in WORK_DATABASES + PORTAL_SOURCES:
            raise ValueError(f"indicator {item.code}: unknown source database {item.database!r}")
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
