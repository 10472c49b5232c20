"""The working-day calendar the hotline's time limits run on.

Weekends are off except the make-up working days (调休上班); the public holidays are those of
the State Council General Office's yearly notice, kept as ``hotline.CalendarDay`` rows that
province staff enter in the admin when the notice appears (2026's came with the data
migration). A year with no rows falls back to plain weekends.

Time-limit computations are hot: each year is read once into two sets and kept in the cache
(dropped by ``hotline.signals`` on any change), and one computation asks the cache at most
once per year it touches, so every day lookup is a set membership test.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.core.cache import cache

from hotline.models import CalendarDay, Tier

TZ = ZoneInfo("Asia/Shanghai")

CACHE_KEY = "hotline:calendar:{year}"
#: A safety net only: every change drops the year's entry at once and again on commit.
CACHE_SECONDS = 24 * 3600

#: (first response, resolution) in working days for each tier of the national scheme.
TIER_LIMITS: dict[str, tuple[int, int]] = {
    Tier.ORDINARY: (1, 5),
    Tier.DIFFICULT: (2, 10),
    Tier.COMPLEX: (3, 20),
}

YearDays = tuple[frozenset[date], frozenset[date]]  # (holidays, make-up working days)


def calendar_year(year: int) -> YearDays:
    """The holidays and make-up working days of ``year`` (both empty if not entered)."""
    key = CACHE_KEY.format(year=year)
    days = cache.get(key)
    if days is None:
        holidays, makeup = set(), set()
        for day, kind in CalendarDay.objects.filter(date__year=year).values_list("date", "kind"):
            (makeup if kind == CalendarDay.Kind.MAKEUP_WORKDAY else holidays).add(day)
        days = (frozenset(holidays), frozenset(makeup))
        cache.set(key, days, CACHE_SECONDS)
    return days


def calendar_invalidate(*years: int) -> None:
    cache.delete_many([CACHE_KEY.format(year=year) for year in years])


def calendar_year_is_entered(year: int) -> bool:
    """Whether any holiday or make-up day of ``year`` has been entered."""
    holidays, makeup = calendar_year(year)
    return bool(holidays or makeup)


class WorkingCalendar:
    """One computation's view of the calendar: each year fetched once. A batch that
    computes many requests' limits keeps one for all of them (``hotline.services.deadlines``),
    so it asks the cache once per year, not once per request."""

    def __init__(self) -> None:
        self._years: dict[int, YearDays] = {}
        self._nth: dict[tuple[date, int], date] = {}

    def is_working_day(self, day: date) -> bool:
        days = self._years.get(day.year)
        if days is None:
            days = self._years[day.year] = calendar_year(day.year)
        holidays, makeup = days
        if day in makeup:
            return True
        if day in holidays:
            return False
        return day.weekday() < 5

    def nth_working_day_after(self, day: date, days: int) -> date:
        key = (day, days)
        found = self._nth.get(key)
        if found is None:
            found, counted = day, 0
            while counted < days:
                found += timedelta(days=1)
                if self.is_working_day(found):
                    counted += 1
            self._nth[key] = found
        return found

    def add_working_days(self, start: datetime, days: int) -> datetime:
        day = self.nth_working_day_after(start.astimezone(TZ).date(), days)
        return datetime.combine(day, time(23, 59, 59), tzinfo=TZ)

    def working_days_between(self, start: datetime, end: datetime) -> int:
        day = start.astimezone(TZ).date()
        last = end.astimezone(TZ).date()
        count = 0
        while day < last:
            day += timedelta(days=1)
            if self.is_working_day(day):
                count += 1
        return count


def is_working_day(day: date) -> bool:
    return WorkingCalendar().is_working_day(day)


def add_working_days(start: datetime, days: int) -> datetime:
    """The end of the ``days``-th working day after ``start`` (local time): a request
    made on Friday evening with one working day is due at the end of Monday."""
    return WorkingCalendar().add_working_days(start, days)


def working_days_between(start: datetime, end: datetime) -> int:
    """How many working days begin after ``start``'s day and on or before ``end``'s day."""
    return WorkingCalendar().working_days_between(start, end)


def shift_by_working_days(moment: datetime, days: int) -> datetime:
    """``moment`` moved ``days`` working days later, keeping the time of day."""
    if days <= 0:
        return moment
    local = moment.astimezone(TZ)
    day = WorkingCalendar().nth_working_day_after(local.date(), days)
    return datetime.combine(day, local.timetz())
