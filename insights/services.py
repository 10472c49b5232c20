"""Writes of the data platform: computing a day's facts, and recording daily use."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable
from datetime import date, timedelta

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from insights.models import DailyActive, Fact, FactDay
from insights.registry import (
    Indicator,
    RegionInfo,
    Row,
    Window,
    compute_many,
    indicators,
    region_infos,
    rollup,
)

logger = logging.getLogger(__name__)

#: Longest range one backfill call accepts (a year and a bit).
MAX_BACKFILL_DAYS = 400


def _facts_for(
    *, item: Indicator, rows: list[Row], window: Window, regions: dict[int, RegionInfo]
) -> Iterable[Fact]:
    for (region_id, key), (num, den) in rollup(item, rows, regions).items():
        if not num and not den:
            continue
        yield Fact(
            indicator=item.code,
            region_id=region_id,
            date=window.day,
            breakdown=key,
            value=item.value(num, den),
            numerator=num,
            denominator=den,
        )


def facts_compute_day(*, day: date, codes: Iterable[str] | None = None) -> FactDay:
    """Compute every indicator (or those in ``codes``) for ``day`` and replace that day's
    facts, in one transaction: readers see the old day or the new one, never half of it.
    Running it twice gives the same rows. One grouped query per family of indicators over
    the same rows (``compute_many``)."""
    if day > timezone.localdate():
        raise ValidationError(gettext("不能计算未来日期的指标。"))
    wanted = set(codes) if codes is not None else None
    items = [i for i in indicators() if wanted is None or i.code in wanted]
    if wanted is not None and len(items) != len(wanted):
        unknown = sorted(wanted - {i.code for i in items})
        raise ValidationError(gettext("未知的指标：%(codes)s") % {"codes": "、".join(unknown)})
    started = time.perf_counter()
    window = Window.for_day(day)
    regions = region_infos()
    facts: list[Fact] = []
    computed = compute_many(items, window)  # indicators over the same rows share a query
    for item in items:
        facts.extend(
            _facts_for(item=item, rows=computed[item.code], window=window, regions=regions)
        )
    with transaction.atomic():
        stale = Fact.objects.filter(date=day)
        if wanted is not None:
            stale = stale.filter(indicator__in=wanted)
        stale.delete()
        Fact.objects.bulk_create(facts, batch_size=2000)
        seconds = round(time.perf_counter() - started, 3)
        run, _ = FactDay.objects.update_or_create(
            date=day,
            defaults={"computed_at": timezone.now(), "rows": len(facts), "seconds": seconds},
        )
    logger.info("insights day computed", extra={"day": day.isoformat(), "rows": len(facts)})
    return run


def facts_backfill(*, start: date, end: date) -> list[FactDay]:
    """Compute each day from ``start`` to ``end`` inclusive (each day its own transaction)."""
    if start > end:
        raise ValidationError(gettext("开始日期不能晚于结束日期。"))
    if (end - start).days + 1 > MAX_BACKFILL_DAYS:
        raise ValidationError(
            gettext("一次最多回补%(days)d天，请分段执行。") % {"days": MAX_BACKFILL_DAYS}
        )
    runs = []
    day = start
    while day <= end:
        runs.append(facts_compute_day(day=day))
        day += timedelta(days=1)
    return runs


# --- daily use ----------------------------------------------------------------------------
# A signed-in request notes (day, user) in the cache: one ``add`` for the de-duplication key
# and, the first time that day, one ``incr`` for a slot number and one ``set`` of the slot.
# ``daily_active_flush`` writes slots it has not written yet into DailyActive. No database
# query is added to the request; a lost cache loses at most the unflushed notes.

ACTIVE_TTL = 3 * 24 * 3600


def _seq_key(day: date) -> str:
    return f"insights:active:{day.isoformat()}:seq"


def _done_key(day: date) -> str:
    return f"insights:active:{day.isoformat()}:flushed"


def daily_active_note(*, user_id: int, day: date | None = None) -> bool:
    """Note that ``user_id`` used the portal on ``day`` (today). True if newly noted."""
    day = day or timezone.localdate()
    if not cache.add(f"insights:active:{day.isoformat()}:u:{user_id}", 1, ACTIVE_TTL):
        return False
    cache.add(_seq_key(day), 0, ACTIVE_TTL)
    slot = cache.incr(_seq_key(day))
    cache.set(f"insights:active:{day.isoformat()}:s:{slot}", user_id, ACTIVE_TTL)
    return True


def daily_active_flush(*, day: date | None = None) -> int:
    """Write the noted users of ``day`` (today) to DailyActive; idempotent. Returns the
    number of notes read."""
    day = day or timezone.localdate()
    last = cache.get(_seq_key(day)) or 0
    done = cache.get(_done_key(day)) or 0
    if last <= done:
        return 0
    keys = [f"insights:active:{day.isoformat()}:s:{slot}" for slot in range(done + 1, last + 1)]
    user_ids = {uid for uid in cache.get_many(keys).values() if uid}
    daily_active_record(user_ids=user_ids, day=day)
    cache.set(_done_key(day), last, ACTIVE_TTL)
    return len(keys)


def daily_active_record(*, user_ids: Iterable[int], day: date) -> int:
    """Record users as active on ``day`` (existing records are kept). Returns the count."""
    from accounts.models import User

    existing = User.objects.filter(pk__in=list(user_ids)).values_list("pk", flat=True)
    rows = [DailyActive(user_id=uid, date=day) for uid in existing]
    DailyActive.objects.bulk_create(rows, ignore_conflicts=True, batch_size=2000)
    return len(rows)
