"""The working-day calendar's local exceptions: days off or working days that province staff
enter over the statutory calendar of the ``chinesecalendar`` package (a year the package
does not know yet, the State Council's notice itself). Readers go through
``hotline.calendar`` (cached per year; ``hotline.signals`` drops the cache on change).

A change applies at once to time limits computed from then on; the limits already set on open
requests that run through the changed days are recomputed after commit by a task
(``hotline.services.deadlines``, which says which limits move and which stay).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.permissions import Action, user_can
from core.audit import audit_record
from hotline.calendar import calendar_invalidate, library_days, library_is_working_day
from hotline.models import CalendarDay
from hotline.services.deadlines import due_dates_recompute_later

#: The longest run of days entered at once: the longest holiday (春节) is 9 days.
MAX_RANGE_DAYS = 15
FIRST_YEAR = 2000


def calendar_user_can_edit(*, user: Any) -> bool:
    """Only province-level hotline supervisors (and province admins): one calendar for the
    whole province."""
    return user_can(user, Action.HOTLINE_SUPERVISE, region=settings.PORTAL_DEFAULT_REGION_CODE)


def _require_editor(actor: Any) -> None:
    if not calendar_user_can_edit(user=actor):
        raise ValidationError(_("只有省级热线班长可以维护节假日安排。"))


def _check_day(day: date | None, kind: str, *, field: str) -> None:
    if day is None:
        raise ValidationError({field: _("请填写日期。")})
    last_year = timezone.localdate().year + 1
    if not FIRST_YEAR <= day.year <= last_year:
        raise ValidationError(
            {field: _("只能录入%(a)s年至%(b)s年的日期。") % {"a": FIRST_YEAR, "b": last_year}}
        )
    if kind == CalendarDay.Kind.MAKEUP_WORKDAY and library_is_working_day(day):
        raise ValidationError(
            {
                field: _("%(d)s本来就是工作日（不是周末，也不是法定节假日），无需录入上班。")
                % {"d": f"{day:%Y-%m-%d}"}
            }
        )


def _clean(kind: str, name: str) -> str:
    if kind not in CalendarDay.Kind.values:
        raise ValidationError({"kind": _("请选择放假或调休上班。")})
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("请填写节日名称，如“春节”。")})
    if len(name) > 20:
        raise ValidationError({"name": _("节日名称不能超过20字。")})
    return name


def _taken_message(days: list[date]) -> str:
    listed = "、".join(f"{day:%Y-%m-%d}" for day in days[:5])
    return _("%(d)s已录入，请直接修改该日期。") % {"d": listed}


@transaction.atomic
def calendar_days_add(
    *, actor: Any, first: date | None, kind: str, name: str, last: date | None = None
) -> list[CalendarDay]:
    """Enter the days ``first`` to ``last`` (one day without ``last``) as local days off or
    working days of one occasion — all of them or none.

    Preconditions: a province-level supervisor; no day entered yet; at most 15 days; a
    working day is one the statutory calendar has off (a weekend or a statutory holiday).
    Side effects: the cached years dropped (``hotline.signals``); audited; the open
    requests' limits through these days recomputed after commit.
    """
    _require_editor(actor)
    name = _clean(kind, name)
    _check_day(first, kind, field="first")
    last = last or first
    if last < first:
        raise ValidationError({"last": _("结束日期不能早于开始日期。")})
    if (last - first).days + 1 > MAX_RANGE_DAYS:
        raise ValidationError(
            {"last": _("一次最多录入%(n)s天，请分段录入。") % {"n": MAX_RANGE_DAYS}}
        )
    _check_day(last, kind, field="last")
    days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    for day in days:
        _check_day(day, kind, field="first")
    taken = sorted(CalendarDay.objects.filter(date__in=days).values_list("date", flat=True))
    if taken:
        raise ValidationError({"first": _taken_message(taken)})
    now = timezone.now()
    created = []
    try:
        # One by one (at most 15): each save drops the cached year through the signal.
        with transaction.atomic():
            for day in days:
                created.append(
                    CalendarDay.objects.create(
                        date=day, kind=kind, name=name, updated_by=actor, updated_at=now
                    )
                )
    except IntegrityError:
        raise ValidationError({"first": _("这些日期刚刚被别人录入了，请刷新后查看。")}) from None
    for day in created:
        audit_record(
            actor=actor,
            action="hotline.calendar_add",
            target=day,
            details={"date": day.date.isoformat(), "kind": kind, "name": name},
        )
    due_dates_recompute_later(dates=days)
    return created


@transaction.atomic
def calendar_day_update(
    *, actor: Any, day: CalendarDay, on_date: date | None, kind: str, name: str
) -> CalendarDay:
    """Correct an entered day (its date, kind or name). Preconditions as for adding.
    Side effects as for adding, for the old and the new date (not for a new name only)."""
    _require_editor(actor)
    name = _clean(kind, name)
    _check_day(on_date, kind, field="date")
    day = CalendarDay.objects.select_for_update().get(pk=day.pk)
    if CalendarDay.objects.filter(date=on_date).exclude(pk=day.pk).exists():
        raise ValidationError({"date": _taken_message([on_date])})
    before = {"date": day.date.isoformat(), "kind": day.kind, "name": day.name}
    moved = day.date != on_date or day.kind != kind
    old_date = day.date
    day.date, day.kind, day.name = on_date, kind, name
    day.updated_by, day.updated_at = actor, timezone.now()
    try:
        with transaction.atomic():
            day.save(update_fields=["date", "kind", "name", "updated_by", "updated_at"])
    except IntegrityError:
        raise ValidationError({"date": _taken_message([on_date])}) from None
    audit_record(
        actor=actor,
        action="hotline.calendar_update",
        target=day,
        details={
            "before": before,
            "after": {"date": on_date.isoformat(), "kind": kind, "name": name},
        },
    )
    if moved:
        due_dates_recompute_later(dates=[old_date, on_date])
    return day


@transaction.atomic
def calendar_day_delete(*, actor: Any, day: CalendarDay) -> None:
    """Remove a day entered by mistake; it becomes an ordinary day again. Side effects as
    for adding."""
    _require_editor(actor)
    day = CalendarDay.objects.select_for_update().filter(pk=day.pk).first()
    if day is None:
        return
    audit_record(
        actor=actor,
        action="hotline.calendar_delete",
        target=day,
        details={"date": day.date.isoformat(), "kind": day.kind, "name": day.name},
    )
    day.delete()
    due_dates_recompute_later(dates=[day.date])


def calendar_library_refresh(*, years: list[int]) -> int:
    """After an upgrade of the holiday package: drop the cached ``years`` (the version is in
    the cache key, so this is only for a cache shared with processes still on the old one)
    and recompute, after commit, the open requests' limits running through the days the
    package now names in them. Returns the number of those days."""
    calendar_invalidate(*years)
    days = [day for year in years for day in library_days(year)]
    due_dates_recompute_later(dates=days)
    return len(days)
