"""The working-day calendar the hotline's time limits run on: the one place that says
whether a day is worked.

Three layers, the later winning: weekends off; the statutory holidays and make-up working
days (调休上班) of the State Council's yearly notice, from the ``chinesecalendar`` package
(pinned in requirements.txt; a new year's notice arrives with an upgrade of it); and the
local exceptions province staff enter in the admin (``hotline.CalendarDay``, written by
``hotline.services.calendar``), which win over the package. A year neither the package nor
the staff know counts plain weekends: logged as a warning, named in ``/healthz`` details and
on the hotline admin (``calendar_status``), never an error.

Time-limit computations are hot: each year is merged once into two sets and kept in the
cache (dropped by ``hotline.signals`` on any local change; the package version is in the key,
so an upgrade is read at once), and one computation asks the cache at most once per year it
touches, so every day lookup is a set membership test.
"""

from __future__ import annotations

import logging
from datetime import date, datetime, time, timedelta
from typing import NamedTuple
from zoneinfo import ZoneInfo

import chinese_calendar
from django.core.cache import cache

from hotline.models import CalendarDay, Tier

logger = logging.getLogger(__name__)

TZ = ZoneInfo("Asia/Shanghai")

LIBRARY = f"chinesecalendar {chinese_calendar.__version__}"
CACHE_KEY = f"hotline:calendar:{chinese_calendar.__version__}:" + "{year}"
#: A safety net only: every change drops the year's entry at once and again on commit.
CACHE_SECONDS = 24 * 3600

#: (first response, resolution) in working days for each tier of the national scheme.
TIER_LIMITS: dict[str, tuple[int, int]] = {
    Tier.ORDINARY: (1, 5),
    Tier.DIFFICULT: (2, 10),
    Tier.COMPLEX: (3, 20),
}


class Source:
    """Where a year's days off come from."""

    LIBRARY = "library"  # the package knows the year (local exceptions on top, if any)
    LOCAL = "local"  # only what staff entered (the package does not know the year yet)
    WEEKDAYS = "weekdays"  # nothing known: plain weekends


class YearDays(NamedTuple):
    holidays: frozenset[date]
    makeup: frozenset[date]  # make-up (or locally declared) working days
    source: str


def _library_by_year() -> dict[int, tuple[frozenset[date], frozenset[date]]]:
    years: dict[int, tuple[set[date], set[date]]] = {}
    for day in chinese_calendar.holidays:
        years.setdefault(day.year, (set(), set()))[0].add(day)
    for day in chinese_calendar.workdays:
        years.setdefault(day.year, (set(), set()))[1].add(day)
    return {year: (frozenset(h), frozenset(w)) for year, (h, w) in years.items()}


_LIBRARY_YEARS = _library_by_year()
LIBRARY_FIRST_YEAR, LIBRARY_LAST_YEAR = min(_LIBRARY_YEARS), max(_LIBRARY_YEARS)


def library_knows(year: int) -> bool:
    return year in _LIBRARY_YEARS


def library_days(year: int) -> frozenset[date]:
    """Every day the package names in ``year``: its holidays and make-up working days."""
    holidays, makeup = _LIBRARY_YEARS.get(year, (frozenset(), frozenset()))
    return holidays | makeup


def library_is_working_day(day: date) -> bool:
    """The day as the package (or, for a year it lacks, plain weekends) has it, without the
    local exceptions: what a local exception is an exception to."""
    holidays, makeup = _LIBRARY_YEARS.get(day.year, (frozenset(), frozenset()))
    if day in makeup:
        return True
    if day in holidays:
        return False
    return day.weekday() < 5


def calendar_year(year: int) -> YearDays:
    """The days off and make-up working days of ``year``: the package's, then the local
    exceptions over them."""
    key = CACHE_KEY.format(year=year)
    days = cache.get(key)
    if not isinstance(days, YearDays):
        library_holidays, library_makeup = _LIBRARY_YEARS.get(year, (frozenset(), frozenset()))
        holidays, makeup = set(library_holidays), set(library_makeup)
        local = list(CalendarDay.objects.filter(date__year=year).values_list("date", "kind"))
        for day, kind in local:
            if kind == CalendarDay.Kind.MAKEUP_WORKDAY:
                makeup.add(day)
                holidays.discard(day)
            else:
                holidays.add(day)
                makeup.discard(day)
        if library_knows(year):
            source = Source.LIBRARY
        elif local:
            source = Source.LOCAL
        else:
            source = Source.WEEKDAYS
            logger.warning(
                "hotline calendar: %s has no holidays for %s; counting plain weekends",
                LIBRARY,
                year,
                extra={"year": year, "library": LIBRARY},
            )
        days = YearDays(frozenset(holidays), frozenset(makeup), source)
        cache.set(key, days, CACHE_SECONDS)
    return days


def calendar_invalidate(*years: int) -> None:
    cache.delete_many([CACHE_KEY.format(year=year) for year in years])


def calendar_year_is_known(year: int) -> bool:
    """Whether the package knows ``year`` or staff have entered days of it."""
    return calendar_year(year).source != Source.WEEKDAYS


def calendar_years_to_check(today: date) -> list[int]:
    """The years time limits set today can run into: this one, and from November on the
    next (the State Council publishes its notice around then; a 20-working-day limit set in
    December ends in January)."""
    return [today.year, today.year + 1] if today.month >= 11 else [today.year]


def calendar_status(today: date) -> dict[str, object]:
    """For ``/healthz`` and the admin: which package, the years it knows, and the years time
    limits need now that nobody knows ("warning": they count plain weekends)."""
    unknown = [year for year in calendar_years_to_check(today) if not calendar_year_is_known(year)]
    return {
        "status": "warning" if unknown else "ok",
        "library": LIBRARY,
        "library_years": [LIBRARY_FIRST_YEAR, LIBRARY_LAST_YEAR],
        "unknown_years": unknown,
    }


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
        holidays, makeup, _source = days
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
