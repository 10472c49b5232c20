"""The working-day calendar: the statutory days of the ``chinesecalendar`` package, the local
exceptions staff enter over them, the per-year cache and its invalidation, the services and
their admin, and the warning (admin and /healthz) for a year nobody knows."""

import logging
from datetime import date, datetime
from importlib import import_module

import pytest
from django.contrib import admin
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from core.models import AuditLog, OutboxMessage
from hotline.calendar import (
    CACHE_KEY,
    LIBRARY,
    TZ,
    Source,
    YearDays,
    add_working_days,
    calendar_year,
    calendar_year_is_known,
    is_working_day,
    library_knows,
    working_days_between,
)
from hotline.models import CalendarDay
from hotline.services.calendar import calendar_day_delete, calendar_day_update, calendar_days_add
from hotline.services.deadlines import TASK
from tests.hotline.factories import make_agent, make_request, make_supervisor

pytestmark = pytest.mark.django_db

HOLIDAY, MAKEUP = CalendarDay.Kind.HOLIDAY, CalendarDay.Kind.MAKEUP_WORKDAY
WARNING = "2027年法定节假日尚无数据，时限暂按普通周末计算"


@pytest.fixture(autouse=True)
def _no_mfa_gate(settings):
    settings.PORTAL_STAFF_MFA_REQUIRED = False


def _at(day: str, hour: int = 10) -> datetime:
    return datetime.fromisoformat(f"{day}T{hour:02d}:00").replace(tzinfo=TZ)


def _freeze(monkeypatch, moment: datetime) -> None:
    monkeypatch.setattr(timezone, "now", lambda: moment)


def _province_supervisor(**fields):
    return make_supervisor(region_code="130000", **fields)


# --- the statutory days, the local exceptions, the cache ---------------------------------


def _local(day: date, kind: str, name: str = "本地调整") -> CalendarDay:
    return calendar_days_add(actor=_province_supervisor(), first=day, kind=kind, name=name)[0]


def test_2026_comes_from_the_package_not_the_database():
    holidays, makeup, source = calendar_year(2026)
    assert source == Source.LIBRARY
    assert len(holidays) == 33  # 3 + 9 + 3 + 5 + 3 + 3 + 7 days off
    assert makeup == {
        date(2026, 1, 4), date(2026, 2, 14), date(2026, 2, 28),
        date(2026, 5, 9), date(2026, 9, 20), date(2026, 10, 10),
    }  # fmt: skip
    assert not CalendarDay.objects.exists()  # 0005 removed the rows 0003 had typed in
    assert calendar_year_is_known(2026) and not calendar_year_is_known(2027)


def test_the_package_agrees_with_the_notice_once_typed_in():
    """The swap changes no day: 0003's data, checked against the State Council's notice."""
    typed = import_module("hotline.migrations.0003_calendar_2026").days_2026()
    holidays, makeup, _source = calendar_year(2026)
    assert {day for day, kind, _name in typed if kind == HOLIDAY} == holidays
    assert {day for day, kind, _name in typed if kind == MAKEUP} == makeup


def test_a_tiaoxiu_saturday_is_a_working_day_and_a_statutory_holiday_is_not():
    assert date(2026, 10, 10).weekday() == 5 and is_working_day(date(2026, 10, 10))
    assert date(2026, 2, 28).weekday() == 5 and is_working_day(date(2026, 2, 28))
    assert not is_working_day(date(2026, 10, 1))  # 国庆节, a Thursday
    assert not is_working_day(date(2026, 2, 17))  # 春节, a Tuesday
    assert is_working_day(date(2026, 10, 9)) and not is_working_day(date(2026, 10, 11))
    # Five working days from National Day eve: 8, 9, 10 (the 调休 Saturday), 12, 13 October.
    assert add_working_days(_at("2026-09-30"), 5).date() == date(2026, 10, 13)


def test_a_local_exception_wins_over_the_package(regions):
    assert not is_working_day(date(2026, 10, 5))
    _local(date(2026, 10, 5), MAKEUP, "石家庄市值班上班")  # a Monday of the statutory week
    assert is_working_day(date(2026, 10, 5))
    assert is_working_day(date(2026, 10, 10))
    _local(date(2026, 10, 10), HOLIDAY, "调休取消")  # the 调休 Saturday off after all
    assert not is_working_day(date(2026, 10, 10))
    assert calendar_year(2026).source == Source.LIBRARY


def test_an_unknown_year_counts_plain_weekends_with_a_warning(caplog):
    assert not library_knows(2027)  # not in the package yet
    cache.delete(CACHE_KEY.format(year=2027))
    with caplog.at_level(logging.WARNING, logger="hotline.calendar"):
        assert is_working_day(date(2027, 1, 1))  # a Friday: counted, no crash
        assert not is_working_day(date(2027, 1, 2))
        assert add_working_days(_at("2027-01-01"), 1).date() == date(2027, 1, 4)
    assert calendar_year(2027).source == Source.WEEKDAYS
    warnings = [r for r in caplog.records if "2027" in r.getMessage()]
    assert len(warnings) == 1  # once, when the year is read into the cache
    assert LIBRARY in warnings[0].getMessage()


def test_an_unknown_year_shows_in_healthz_details(client, monkeypatch):
    _freeze(monkeypatch, _at("2027-03-01"))  # the package was not upgraded over New Year
    response = client.get("/healthz")
    assert response.status_code == 200  # a warning, not an outage
    details = response.json()["details"]["hotline_calendar"]
    assert details["status"] == "warning" and details["unknown_years"] == [2027]
    assert details["library"] == LIBRARY and details["library_years"][1] == 2026


def test_healthz_looks_at_next_year_from_november_and_staff_entries_count(
    client, regions, monkeypatch
):
    _freeze(monkeypatch, _at("2026-10-30"))
    assert client.get("/healthz").json()["details"]["hotline_calendar"]["status"] == "ok"
    _freeze(monkeypatch, _at("2026-11-02"))
    details = client.get("/healthz").json()["details"]["hotline_calendar"]
    assert details["unknown_years"] == [2027]
    _local(date(2027, 1, 1), HOLIDAY, "元旦")  # the notice entered by hand meanwhile
    details = client.get("/healthz").json()["details"]["hotline_calendar"]
    assert details == {**details, "status": "ok", "unknown_years": []}
    assert calendar_year(2027).source == Source.LOCAL


def test_a_computation_reads_each_year_once_then_the_cache(django_assert_num_queries):
    with django_assert_num_queries(1):
        # 20 working days from National Day eve: 30+ lookups, one query.
        assert add_working_days(_at("2026-09-30"), 20).date() == date(2026, 11, 3)
    with django_assert_num_queries(0):
        assert add_working_days(_at("2026-09-30"), 20).date() == date(2026, 11, 3)
        assert not is_working_day(date(2026, 10, 1))
    with django_assert_num_queries(1):  # crossing into 2027: one more year
        assert working_days_between(_at("2026-12-30"), _at("2027-01-05")) == 4


def test_the_cache_is_really_used():
    """A write that bypasses the model's signals is not seen: lookups come from the cache."""
    assert not is_working_day(date(2026, 10, 1))
    CalendarDay.objects.bulk_create([CalendarDay(date=date(2026, 10, 1), kind=MAKEUP, name="x")])
    assert not is_working_day(date(2026, 10, 1))
    cache.delete(CACHE_KEY.format(year=2026))
    assert is_working_day(date(2026, 10, 1))


def test_entering_next_year_changes_time_limits_at_once(regions):
    supervisor = _province_supervisor()
    new_year_eve = _at("2026-12-31")
    assert add_working_days(new_year_eve, 1).date() == date(2027, 1, 1)  # a Friday; cached
    calendar_days_add(actor=supervisor, first=date(2027, 1, 1), kind=HOLIDAY, name="元旦")
    assert add_working_days(new_year_eve, 1).date() == date(2027, 1, 4)
    # And the admin's warning question sees it too.
    assert calendar_year_is_known(2027)


def test_moving_a_day_to_another_year_drops_both_years(regions):
    supervisor = _province_supervisor()
    day = _local(date(2026, 12, 31), HOLIDAY, "元旦")
    assert not is_working_day(date(2026, 12, 31)) and is_working_day(date(2027, 1, 1))
    calendar_day_update(
        actor=supervisor, day=day, on_date=date(2027, 1, 1), kind=HOLIDAY, name="元旦"
    )
    assert is_working_day(date(2026, 12, 31))  # a Thursday again
    assert not is_working_day(date(2027, 1, 1))


def test_deleting_an_exception_brings_back_the_statutory_day(regions):
    supervisor = _province_supervisor()
    day = _local(date(2026, 10, 10), HOLIDAY, "调休取消")
    assert not is_working_day(date(2026, 10, 10))
    calendar_day_delete(actor=supervisor, day=day)
    assert is_working_day(date(2026, 10, 10))  # the package's make-up Saturday


def test_cache_dropped_again_on_commit(regions, django_capture_on_commit_callbacks):
    """Another process may cache the old year while the entering transaction is open."""
    supervisor = _province_supervisor()
    with django_capture_on_commit_callbacks(execute=True):
        calendar_days_add(actor=supervisor, first=date(2027, 1, 1), kind=HOLIDAY, name="元旦")
        # The old view, as another process would have cached it.
        cache.set(CACHE_KEY.format(year=2027), YearDays(frozenset(), frozenset(), Source.WEEKDAYS))
        assert is_working_day(date(2027, 1, 1))
    assert not is_working_day(date(2027, 1, 1))


# --- the services ----------------------------------------------------------------------------


def test_a_holiday_run_is_entered_at_once_and_audited(regions):
    supervisor = _province_supervisor()
    created = calendar_days_add(
        actor=supervisor,
        first=date(2027, 2, 6),
        last=date(2027, 2, 14),
        kind=HOLIDAY,
        name=" 春节 ",
    )
    assert [d.date for d in created] == [date(2027, 2, d) for d in range(6, 15)]
    assert {d.name for d in created} == {"春节"} and created[0].updated_by == supervisor
    assert AuditLog.objects.filter(action="hotline.calendar_add").count() == 9
    assert len(calendar_year(2027)[0]) == 9


def test_only_province_level_supervisors_enter_the_calendar(regions):
    city_supervisor = make_supervisor(region_code="130100")
    agent = make_agent(region_code="130000")
    for actor in (city_supervisor, agent):
        with pytest.raises(ValidationError, match="只有省级热线班长可以维护节假日安排"):
            calendar_days_add(actor=actor, first=date(2027, 1, 1), kind=HOLIDAY, name="元旦")
    province_admin = make_agent(region_code="130000", role=Role.PROVINCE_ADMIN)
    calendar_days_add(actor=province_admin, first=date(2027, 1, 1), kind=HOLIDAY, name="元旦")
    assert CalendarDay.objects.filter(date=date(2027, 1, 1)).exists()


@pytest.mark.parametrize(
    ("first", "last", "kind", "name", "message"),
    [
        (date(2027, 1, 4), None, MAKEUP, "元旦调休上班", "2027-01-04本来就是工作日"),
        (date(2026, 10, 9), None, MAKEUP, "国庆节调休上班", "2026-10-09本来就是工作日"),
        (date(2027, 1, 1), None, "strike", "元旦", "请选择放假或调休上班"),
        (date(2027, 1, 1), None, HOLIDAY, "  ", "请填写节日名称"),
        (date(2027, 1, 1), None, HOLIDAY, "节" * 21, "不能超过20字"),
        (date(2027, 1, 5), date(2027, 1, 1), HOLIDAY, "元旦", "结束日期不能早于开始日期"),
        (date(2027, 1, 1), date(2027, 1, 31), HOLIDAY, "元旦", "一次最多录入15天"),
        (date(2207, 1, 1), None, HOLIDAY, "元旦", "只能录入2000年至"),
        (None, None, HOLIDAY, "元旦", "请填写日期"),
    ],
)
def test_bad_entries_are_refused_in_chinese(regions, first, last, kind, name, message):
    supervisor = _province_supervisor()
    with pytest.raises(ValidationError, match=message):
        calendar_days_add(actor=supervisor, first=first, last=last, kind=kind, name=name)
    assert not CalendarDay.objects.exists()


def test_a_run_over_an_entered_day_enters_nothing(regions):
    supervisor = _province_supervisor()
    calendar_days_add(actor=supervisor, first=date(2027, 1, 1), kind=HOLIDAY, name="元旦")
    with pytest.raises(ValidationError, match="2027-01-01已录入，请直接修改该日期"):
        calendar_days_add(
            actor=supervisor,
            first=date(2026, 12, 31),
            last=date(2027, 1, 2),
            kind=HOLIDAY,
            name="元旦",
        )
    assert set(
        CalendarDay.objects.filter(date__gte=date(2026, 12, 31)).values_list("date", flat=True)
    ) == {date(2027, 1, 1)}


def test_update_refuses_a_date_already_entered(regions):
    supervisor = _province_supervisor()
    day, _second = calendar_days_add(
        actor=supervisor, first=date(2027, 1, 1), last=date(2027, 1, 2), kind=HOLIDAY, name="元旦"
    )
    with pytest.raises(ValidationError, match="2027-01-02已录入"):
        calendar_day_update(
            actor=supervisor, day=day, on_date=date(2027, 1, 2), kind=HOLIDAY, name="元旦"
        )
    day.refresh_from_db()
    assert day.date == date(2027, 1, 1)


def test_time_limits_of_a_request_follow_the_entered_calendar(regions, monkeypatch):
    supervisor = _province_supervisor()
    make_agent(region_code="130102")
    calendar_days_add(
        actor=supervisor, first=date(2027, 1, 1), last=date(2027, 1, 3), kind=HOLIDAY, name="元旦"
    )
    _freeze(monkeypatch, _at("2026-12-31", 18))  # Thursday evening
    request = make_request()
    # 1 working day: Friday 1 January is off, the weekend too → Monday 4 January.
    assert timezone.localtime(request.first_response_due).date() == date(2027, 1, 4)


# --- the admin -----------------------------------------------------------------------------


def _changelist():
    return reverse("admin:hotline_calendarday_changelist")


def test_province_supervisor_enters_a_holiday_run_in_the_admin(client, regions):
    supervisor = _province_supervisor()
    client.force_login(supervisor)
    response = client.post(
        reverse("admin:hotline_calendarday_add"),
        {"date": "2027-10-01", "last": "2027-10-07", "kind": HOLIDAY, "name": "国庆节"},
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert CalendarDay.objects.filter(date__range=("2027-10-01", "2027-10-07")).count() == 7
    assert not is_working_day(date(2027, 10, 4))  # a Monday, off
    page = client.get(_changelist(), {"date__year": "2027"})
    assert page.status_code == 200 and "国庆节" in page.content.decode()


def test_refused_entry_in_the_admin_keeps_what_was_typed(client, regions):
    supervisor = _province_supervisor()
    client.force_login(supervisor)
    response = client.post(
        reverse("admin:hotline_calendarday_add"),
        {"date": "2027-01-04", "last": "", "kind": MAKEUP, "name": "元旦补班说明"},
    )
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert form.errors["date"] == [
        "2027-01-04本来就是工作日（不是周末，也不是法定节假日），无需录入上班。"
    ]
    assert "元旦补班说明" in response.content.decode()
    assert not CalendarDay.objects.filter(date__year=2027).exists()


def test_admin_change_and_delete_go_through_the_services(client, regions):
    supervisor = _province_supervisor()
    client.force_login(supervisor)
    day = _local(date(2026, 10, 9), HOLIDAY, "地方调休")
    url = reverse("admin:hotline_calendarday_change", args=[day.pk])
    response = client.post(url, {"date": "2026-10-12", "kind": HOLIDAY, "name": "地方调休"})
    assert response.status_code == 302
    day.refresh_from_db()
    assert day.date == date(2026, 10, 12) and day.updated_by == supervisor
    assert AuditLog.objects.filter(action="hotline.calendar_update").exists()
    assert is_working_day(date(2026, 10, 9)) and not is_working_day(date(2026, 10, 12))
    response = client.post(
        reverse("admin:hotline_calendarday_delete", args=[day.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert not CalendarDay.objects.filter(pk=day.pk).exists()
    assert AuditLog.objects.filter(action="hotline.calendar_delete").exists()
    assert is_working_day(date(2026, 10, 12))


def test_admin_list_names_the_package_and_the_statutory_day(client, regions):
    client.force_login(_province_supervisor())
    _local(date(2026, 10, 5), MAKEUP, "值班上班")
    page = client.get(_changelist()).content.decode()
    assert f"法定节假日和调休上班日来自{LIBRARY}（已收录2004–2026年）" in page
    assert "值班上班" in page and "法定安排" in page
    # The column says what the day is without the exception.
    column = admin.site._registry[CalendarDay].statutory
    assert column(CalendarDay(date=date(2026, 10, 5))) == "放假"
    assert column(CalendarDay(date=date(2026, 10, 10))) == "上班"
    assert column(CalendarDay(date=date(2027, 1, 1))) == "无数据（按周末）"


def test_city_supervisor_may_look_but_not_edit_and_agents_not_even_look(client, regions):
    city_supervisor = make_supervisor(region_code="130100")
    client.force_login(city_supervisor)
    assert client.get(_changelist()).status_code == 200
    assert client.get(reverse("admin:hotline_calendarday_add")).status_code == 403
    day = _local(date(2027, 1, 1), HOLIDAY, "元旦")
    client.post(
        reverse("admin:hotline_calendarday_change", args=[day.pk]),
        {"date": "2027-01-05", "kind": HOLIDAY, "name": "元旦"},
    )
    day.refresh_from_db()
    assert day.date == date(2027, 1, 1)
    client.force_login(make_agent(region_code="130100"))
    assert client.get(_changelist()).status_code == 403


# --- the warning ---------------------------------------------------------------------------


def _hotline_list(client):
    response = client.get(reverse("admin:hotline_hotlinerequest_changelist"))
    assert response.status_code == 200  # not a way to the login page
    return response.content.decode()


def test_supervisors_warned_in_november_when_next_year_is_missing(client, regions, monkeypatch):
    _freeze(monkeypatch, _at("2026-11-16"))
    supervisor = make_supervisor(region_code="130100")
    client.force_login(supervisor)
    assert WARNING in _hotline_list(client)
    client.force_login(_province_supervisor())
    assert WARNING in client.get(_changelist()).content.decode()
    client.force_login(make_agent(region_code="130100"))
    assert WARNING not in _hotline_list(client)


def test_no_warning_once_entered_or_before_november(client, regions, monkeypatch):
    supervisor = _province_supervisor()
    _freeze(monkeypatch, _at("2026-10-30"))
    client.force_login(supervisor)
    assert "法定节假日尚无数据" not in _hotline_list(client)
    _freeze(monkeypatch, _at("2026-12-20"))
    client.force_login(supervisor)  # staff sessions time out in between
    assert WARNING in _hotline_list(client)
    calendar_days_add(actor=supervisor, first=date(2027, 1, 1), kind=HOLIDAY, name="元旦")
    assert "法定节假日尚无数据" not in _hotline_list(client)


def test_supervisors_warned_of_the_current_year_any_month(client, regions, monkeypatch):
    _freeze(monkeypatch, _at("2027-03-01"))
    client.force_login(make_supervisor(region_code="130100"))
    assert WARNING in _hotline_list(client)


# --- after an upgrade of the package ---------------------------------------------------------


def test_refresh_command_recomputes_limits_through_the_package_days(regions):
    call_command("hotline_calendar_refresh", "2026")
    message = OutboxMessage.objects.get(task=TASK)
    assert len(message.kwargs["dates"]) == 39  # 33 days off and 6 make-up working days
    assert "2026-10-10" in message.kwargs["dates"]
    with pytest.raises(CommandError, match="尚无 \\[2027\\] 年的数据"):
        call_command("hotline_calendar_refresh", "2027")
