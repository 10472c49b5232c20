"""The working-day calendar the hotline's time limits run on.

Weekends are off except the make-up working days (调休上班); the public holidays are those of
the State Council General Office's notice on the 2026 holiday arrangements of 4 November 2025
(国务院办公厅关于2026年部分节假日安排的通知), checked date by date against the published
text. A year not listed falls back to plain weekends: add the next year's dates when its notice
appears.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hotline.models import Tier

TZ = ZoneInfo("Asia/Shanghai")


def _days(start: date, end: date) -> set[date]:
    return {start + timedelta(days=n) for n in range((end - start).days + 1)}


HOLIDAYS: frozenset[date] = frozenset(
    _days(date(2026, 1, 1), date(2026, 1, 3))  # 元旦
    | _days(date(2026, 2, 15), date(2026, 2, 23))  # 春节
    | _days(date(2026, 4, 4), date(2026, 4, 6))  # 清明节
    | _days(date(2026, 5, 1), date(2026, 5, 5))  # 劳动节
    | _days(date(2026, 6, 19), date(2026, 6, 21))  # 端午节
    | _days(date(2026, 9, 25), date(2026, 9, 27))  # 中秋节
    | _days(date(2026, 10, 1), date(2026, 10, 7))  # 国庆节
)
#: Weekend days that are working days (调休).
MAKEUP_WORKDAYS: frozenset[date] = frozenset(
    {
        date(2026, 1, 4),
        date(2026, 2, 14),
        date(2026, 2, 28),
        date(2026, 5, 9),
        date(2026, 9, 20),
        date(2026, 10, 10),
    }
)

#: (first response, resolution) in working days for each tier of the national scheme.
TIER_LIMITS: dict[str, tuple[int, int]] = {
    Tier.ORDINARY: (1, 5),
    Tier.DIFFICULT: (2, 10),
    Tier.COMPLEX: (3, 20),
}


def is_working_day(day: date) -> bool:
    if day in MAKEUP_WORKDAYS:
        return True
    if day in HOLIDAYS:
        return False
    return day.weekday() < 5


def add_working_days(start: datetime, days: int) -> datetime:
    """The end of the ``days``-th working day after ``start`` (local time): a request
    made on Friday evening with one working day is due at the end of Monday."""
    day = start.astimezone(TZ).date()
    counted = 0
    while counted < days:
        day += timedelta(days=1)
        if is_working_day(day):
            counted += 1
    return datetime.combine(day, time(23, 59, 59), tzinfo=TZ)


def working_days_between(start: datetime, end: datetime) -> int:
    """How many working days begin after ``start``'s day and on or before ``end``'s day."""
    first = start.astimezone(TZ).date()
    last = end.astimezone(TZ).date()
    count = 0
    day = first
    while day < last:
        day += timedelta(days=1)
        if is_working_day(day):
            count += 1
    return count


def shift_by_working_days(moment: datetime, days: int) -> datetime:
    """``moment`` moved ``days`` working days later, keeping the time of day."""
    if days <= 0:
        return moment
    local = moment.astimezone(TZ)
    day = local.date()
    counted = 0
    while counted < days:
        day += timedelta(days=1)
        if is_working_day(day):
            counted += 1
    return datetime.combine(day, local.timetz())
