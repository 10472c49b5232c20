"""Time limits recomputed when the holiday calendar changes: through the outbox and the task,
with pauses, closed requests left alone, limits already met or expired kept, a limit moved
earlier never ending in the past, batches, and a rerun that changes nothing."""

from datetime import date, datetime

import pytest
from django.utils import timezone

from core.models import OutboxMessage
from hotline.calendar import TZ
from hotline.models import CalendarDay, HotlineRequest, RequestTransition, State, Tier
from hotline.services import requests as svc
from hotline.services.calendar import calendar_day_delete, calendar_day_update, calendar_days_add
from hotline.services.deadlines import TASK, hotline_due_dates_recompute
from hotline.tasks import recompute_due_dates
from tests.accounts.factories import UserFactory
from tests.hotline.factories import make_agent, make_request, make_supervisor

pytestmark = pytest.mark.django_db

HOLIDAY = CalendarDay.Kind.HOLIDAY
NOTE = "节假日安排调整，时限重新计算："


def _at(day: str, hour: int = 10) -> datetime:
    return datetime.fromisoformat(f"{day}T{hour:02d}:00").replace(tzinfo=TZ)


def _end_of(day: str) -> datetime:
    return datetime.fromisoformat(f"{day}T23:59:59").replace(tzinfo=TZ)


def _freeze(monkeypatch, moment: datetime) -> None:
    monkeypatch.setattr(timezone, "now", lambda: moment)


@pytest.fixture
def eager_tasks():
    from portal.celery import app

    before = app.conf.task_always_eager, app.conf.task_eager_propagates
    app.conf.task_always_eager = app.conf.task_eager_propagates = True
    yield
    app.conf.task_always_eager, app.conf.task_eager_propagates = before


@pytest.fixture
def people(regions):
    return {
        "agent": make_agent(region_code="130102"),
        "province": make_supervisor(region_code="130000"),
    }


def _new_year(supervisor) -> None:
    calendar_days_add(
        actor=supervisor, first=date(2027, 1, 1), last=date(2027, 1, 3), kind=HOLIDAY, name="元旦"
    )


def _run_enqueued() -> int:
    """Run the recomputations the calendar services enqueued, as a worker would."""
    moved = 0
    for message in OutboxMessage.objects.filter(task=TASK).order_by("id"):
        moved += recompute_due_dates(*message.args, **message.kwargs)
    return moved


def _notes(request: HotlineRequest) -> list[str]:
    return list(
        request.transitions.filter(note__startswith=NOTE)
        .order_by("id")
        .values_list("note", flat=True)
    )


def test_request_opened_before_new_year_gets_the_later_limit(
    people, monkeypatch, eager_tasks, django_capture_on_commit_callbacks
):
    _freeze(monkeypatch, _at("2026-12-30"))  # Wednesday; 2027 not entered yet
    request = make_request()
    assert request.first_response_due == _end_of("2026-12-31")
    assert request.resolution_due == _end_of("2027-01-06")  # Friday 1 January counted
    _freeze(monkeypatch, _at("2026-12-30", 15))
    with django_capture_on_commit_callbacks(execute=True):
        _new_year(people["province"])
    request.refresh_from_db()
    assert request.first_response_due == _end_of("2026-12-31")  # does not run through 1 Jan
    assert request.resolution_due == _end_of("2027-01-07")
    # The agent sees why in the request's history, as a step that keeps the state.
    note = request.transitions.order_by("id").last()
    assert (note.from_state, note.to_state, note.actor) == (State.ASSIGNED, State.ASSIGNED, None)
    assert note.note == NOTE + "办结时限由2027-01-06改为2027-01-07"
    message = OutboxMessage.objects.get(task=TASK)
    assert message.state == OutboxMessage.State.SENT
    assert message.kwargs["dates"] == ["2027-01-01", "2027-01-02", "2027-01-03"]


def test_paused_request_keeps_its_pause_and_moves_with_the_calendar(people, monkeypatch):
    agent, member = people["agent"], UserFactory()
    _freeze(monkeypatch, _at("2026-12-28"))  # Monday
    request = make_request(member=member)
    assert request.resolution_due == _end_of("2027-01-04")
    _freeze(monkeypatch, _at("2026-12-29"))
    svc.hotline_reply(actor=agent, request=request, body="请上传工资条。", action="ask")
    _freeze(monkeypatch, _at("2026-12-31"))  # 30 and 31 December waited
    svc.hotline_member_add_info(member=member, request=request, body="已上传。")
    _freeze(monkeypatch, _at("2026-12-31", 15))
    svc.hotline_reply(actor=agent, request=request, body="还缺劳动合同。", action="ask")
    request.refresh_from_db()
    assert request.state == State.WAITING
    assert request.first_response_due == _end_of("2026-12-31")  # met on the 29th
    assert request.resolution_due == _end_of("2027-01-06")
    waiting_since = request.waiting_since

    _freeze(monkeypatch, _at("2026-12-31", 16))
    _new_year(people["province"])
    assert _run_enqueued() == 1
    request.refresh_from_db()
    # 5 working days plus the 2 waited, after Monday 28th, without 1 January: 7 January.
    assert request.resolution_due == _end_of("2027-01-07")
    assert request.first_response_due == _end_of("2026-12-31")  # met: history
    assert request.state == State.WAITING and request.waiting_since == waiting_since
    # The running pause still counts when it ends: 4 and 5 January waited.
    _freeze(monkeypatch, _at("2027-01-05"))
    svc.hotline_member_add_info(member=member, request=request, body="合同已上传。")
    request.refresh_from_db()
    assert request.resolution_due == _end_of("2027-01-11")
    assert _run_enqueued() == 0  # the same rule, step by step or at once


def test_resolved_and_closed_requests_are_left_alone(people, monkeypatch):
    agent, member = people["agent"], UserFactory()
    _freeze(monkeypatch, _at("2026-12-30"))
    resolved = make_request()
    closed = make_request(member=member)
    svc.hotline_request_resolve(actor=agent, request=resolved)
    svc.hotline_request_resolve(actor=agent, request=closed)
    svc.hotline_request_confirm(member=member, request=closed)
    before = {
        r.pk: (r.first_response_due, r.resolution_due, r.transitions.count())
        for r in HotlineRequest.objects.all()
    }
    _new_year(people["province"])
    assert _run_enqueued() == 0
    after = {
        r.pk: (r.first_response_due, r.resolution_due, r.transitions.count())
        for r in HotlineRequest.objects.all()
    }
    assert after == before
    assert before[resolved.pk][1] == _end_of("2027-01-06")  # it did run through 1 January


def test_a_rerun_changes_nothing(people, monkeypatch):
    _freeze(monkeypatch, _at("2026-12-30"))
    requests = [make_request() for _n in range(3)]
    _new_year(people["province"])
    assert _run_enqueued() == 3
    dues = list(HotlineRequest.objects.order_by("pk").values_list("resolution_due", flat=True))
    assert dues == [_end_of("2027-01-07")] * 3
    notes = RequestTransition.objects.count()
    assert _run_enqueued() == 0
    assert RequestTransition.objects.count() == notes
    assert [len(_notes(r)) for r in requests] == [1, 1, 1]


def test_met_and_expired_limits_stay_and_the_overdue_flag_with_them(people, monkeypatch):
    """The notice entered late, on Monday 4 January: the first-response limit of Friday
    1 January had expired and was reported overdue; it stays. Only the running resolution
    limit moves."""
    _freeze(monkeypatch, _at("2026-12-31"))
    request = make_request()
    assert request.first_response_due == _end_of("2027-01-01")
    assert request.resolution_due == _end_of("2027-01-07")
    _freeze(monkeypatch, _at("2027-01-04", 9))
    assert svc.hotline_request_flag_overdue(request_id=request.pk)
    _new_year(people["province"])
    assert _run_enqueued() == 1
    request.refresh_from_db()
    assert request.first_response_due == _end_of("2027-01-01")
    assert request.resolution_due == _end_of("2027-01-08")
    assert request.is_overdue and request.escalated_at is not None
    assert _notes(request) == [NOTE + "办结时限由2027-01-07改为2027-01-08"]


def test_reopened_request_counts_from_the_reopening(people, monkeypatch):
    agent, member = people["agent"], UserFactory()
    _freeze(monkeypatch, _at("2026-12-14"))
    request = make_request(member=member)
    svc.hotline_request_resolve(actor=agent, request=request)
    _freeze(monkeypatch, _at("2026-12-30"))
    svc.hotline_request_reopen(actor=member, request=request, reason="公司仍未支付补偿金。")
    request.refresh_from_db()
    assert request.resolution_due == _end_of("2027-01-06")
    _new_year(people["province"])
    assert _run_enqueued() == 1
    request.refresh_from_db()
    assert request.resolution_due == _end_of("2027-01-07")


def test_only_limits_running_through_the_changed_days_move(people, monkeypatch):
    """A local day off moved from 9 October 2026 to 1 January 2027: a request whose limits
    lie in between is not touched, whatever they are."""
    day = CalendarDay.objects.create(date=date(2026, 10, 9), kind=HOLIDAY, name="地方调休")
    _freeze(monkeypatch, _at("2026-10-20"))
    between = make_request()
    HotlineRequest.objects.filter(pk=between.pk).update(resolution_due=_end_of("2026-12-31"))
    _freeze(monkeypatch, _at("2026-12-30"))
    through = make_request()
    calendar_day_update(
        actor=people["province"], day=day, on_date=date(2027, 1, 1), kind=HOLIDAY, name="元旦"
    )
    assert _run_enqueued() == 1
    between.refresh_from_db()
    through.refresh_from_db()
    assert between.resolution_due == _end_of("2026-12-31") and not _notes(between)
    assert through.resolution_due == _end_of("2027-01-07")


def test_a_limit_moved_earlier_never_ends_in_the_past(people, monkeypatch):
    """1 and 2 October 2026 made local working days on Monday 12 October: the resolution
    limit would end on Saturday 10 October, already gone; it ends tonight instead of
    tomorrow."""
    _freeze(monkeypatch, _at("2026-09-30"))  # Wednesday before National Day
    request = make_request()
    assert request.first_response_due == _end_of("2026-10-08")
    assert request.resolution_due == _end_of("2026-10-13")
    _freeze(monkeypatch, _at("2026-10-12"))
    calendar_days_add(
        actor=people["province"],
        first=date(2026, 10, 1),
        last=date(2026, 10, 2),
        kind=CalendarDay.Kind.MAKEUP_WORKDAY,
        name="国庆节改上班",
    )
    assert _run_enqueued() == 1
    request.refresh_from_db()
    assert request.resolution_due == _end_of("2026-10-12")
    assert request.first_response_due == _end_of("2026-10-08")  # expired: kept
    assert _notes(request) == [NOTE + "办结时限由2026-10-13改为2026-10-12"]


def test_requests_are_processed_in_batches_and_runs_continue(people, monkeypatch):
    _freeze(monkeypatch, _at("2026-12-30"))
    for _n in range(5):
        make_request()
    make_request(region_code="131082")  # still new, with nobody assigned: moves too
    days = [date(2027, 1, 1)]
    CalendarDay.objects.create(date=days[0], kind=HOLIDAY, name="元旦")
    result = hotline_due_dates_recompute(dates=days, run="r1", batches=2, batch_size=2)
    assert (result.checked, result.moved) == (4, 4)
    continuation = OutboxMessage.objects.get(task=TASK)
    assert continuation.kwargs == {
        "dates": ["2027-01-01"],
        "after_id": result.next_after_id,
        "run": "r1",
    }
    assert recompute_due_dates(**continuation.kwargs) == 2
    assert set(HotlineRequest.objects.values_list("resolution_due", flat=True)) == {
        _end_of("2027-01-07")
    }
    # A continuation delivered twice is enqueued once.
    hotline_due_dates_recompute(dates=days, run="r1", batches=2, batch_size=2)
    assert OutboxMessage.objects.filter(task=TASK).count() == 1


def test_what_each_calendar_change_enqueues(people, monkeypatch):
    supervisor = people["province"]
    _freeze(monkeypatch, _at("2026-12-01"))
    day = calendar_days_add(actor=supervisor, first=date(2027, 1, 1), kind=HOLIDAY, name="元旦")[0]
    calendar_day_update(actor=supervisor, day=day, on_date=day.date, kind=HOLIDAY, name="新年")
    calendar_day_update(
        actor=supervisor, day=day, on_date=date(2027, 1, 4), kind=HOLIDAY, name="新年"
    )
    calendar_day_delete(actor=supervisor, day=day)
    enqueued = [m.kwargs["dates"] for m in OutboxMessage.objects.filter(task=TASK).order_by("id")]
    # Renaming changes no limit: nothing enqueued for it.
    assert enqueued == [["2027-01-01"], ["2027-01-01", "2027-01-04"], ["2027-01-04"]]


def test_tier_change_keeps_the_time_spent_waiting(people, monkeypatch):
    agent, supervisor, member = people["agent"], make_supervisor(), UserFactory()
    _freeze(monkeypatch, _at("2026-11-02"))  # Monday; no holiday in November
    request = make_request(member=member)
    _freeze(monkeypatch, _at("2026-11-02", 11))
    svc.hotline_reply(actor=agent, request=request, body="请补充。", action="ask")
    _freeze(monkeypatch, _at("2026-11-05"))  # 3, 4 and 5 November waited
    svc.hotline_member_add_info(member=member, request=request, body="已补充。")
    request.refresh_from_db()
    assert request.resolution_due == _end_of("2026-11-12")
    svc.hotline_request_set_tier(actor=supervisor, request=request, tier=Tier.DIFFICULT)
    request.refresh_from_db()
    assert request.first_response_due == _end_of("2026-11-09")  # 2 + 3 working days
    assert request.resolution_due == _end_of("2026-11-19")  # 10 + 3 working days


def test_a_batch_costs_the_same_few_queries_however_many_requests(
    people, monkeypatch, django_assert_max_num_queries
):
    _freeze(monkeypatch, _at("2026-12-30"))
    for _n in range(20):
        make_request()
    CalendarDay.objects.create(date=date(2027, 1, 1), kind=HOLIDAY, name="元旦")
    # Lock and read the requests, their pauses, the calendar year, one UPDATE, one INSERT.
    with django_assert_max_num_queries(7):
        result = hotline_due_dates_recompute(dates=[date(2027, 1, 1)])
    assert (result.checked, result.moved, result.next_after_id) == (20, 20, None)
