"""Routing, supervisor reassignment, tier changes, the waiting pause and refused moves."""

from datetime import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from core.models import Notification
from hotline.calendar import TZ
from hotline.models import HotlineRequest, HotlineTeamMember, RequestTransition, State, Tier, Topic
from hotline.services import requests as svc
from tests.accounts.factories import StaffUserFactory, UserFactory
from tests.hotline.factories import make_agent, make_request, make_supervisor, region

pytestmark = pytest.mark.django_db


def _end_of(day: str) -> datetime:
    return datetime.fromisoformat(f"{day}T23:59:59").replace(tzinfo=TZ)


def _freeze(monkeypatch, moment: datetime) -> None:
    monkeypatch.setattr(timezone, "now", lambda: moment)


# --- routing ---------------------------------------------------------------------------


def test_routing_prefers_county_then_city_then_province(regions):
    province = make_agent(region_code="130000")
    city = make_agent(region_code="130100")
    county = make_agent(region_code="130102")
    assert make_request(region_code="130102").assignee_id == county.pk
    # 桥西区 has no team of its own: the city's.
    assert make_request(region_code="130104").assignee_id == city.pk
    # Neither 廊坊 nor 三河 has a team: the province's.
    assert make_request(region_code="131082").assignee_id == province.pk


def test_routing_skips_county_team_without_the_topic(regions):
    city = make_agent(region_code="130100")
    make_agent(region_code="130102", topics=[Topic.WAGES])
    assert make_request(region_code="130102", topic=Topic.NON_COMPETE).assignee_id == city.pk
    wages = make_request(region_code="130102", topic=Topic.WAGES)
    assert wages.assignee_id != city.pk


def test_routing_ignores_inactive_members_and_agents_without_the_role(regions):
    city = make_agent(region_code="130100")
    gone = make_agent(region_code="130102")
    HotlineTeamMember.objects.filter(user=gone).update(is_active=False)
    # On the county's team list but holding no hotline role.
    HotlineTeamMember.objects.create(user=StaffUserFactory(), region=region("130102"), topics=[])
    assert make_request(region_code="130102").assignee_id == city.pk


def test_routing_picks_fewest_open_with_deterministic_ties(regions):
    first = make_agent(region_code="130100")
    second = make_agent(region_code="130100")
    assignees = [make_request(region_code="130104").assignee_id for _ in range(3)]
    # 0:0 → the earlier team member; 1:0 → the other; 1:1 → the earlier again.
    assert assignees == [first.pk, second.pk, first.pk]
    # Closed work does not count: once the first agent's two are resolved, they are freer.
    for request in HotlineRequest.objects.filter(assignee=first):
        svc.hotline_request_resolve(actor=first, request=request)
    assert make_request(region_code="130104").assignee_id == first.pk


def test_routing_counts_waiting_requests_as_open(regions):
    first = make_agent(region_code="130100")
    second = make_agent(region_code="130100")
    request = make_request(region_code="130104")
    assert request.assignee_id == first.pk
    svc.hotline_reply(actor=first, request=request, body="请补充工资条。", action="ask")
    assert make_request(region_code="130104").assignee_id == second.pk


def test_routing_a_request_no_longer_new_does_nothing(regions):
    agent = make_agent(region_code="130100")
    request = make_request(region_code="130104")
    before = request.transitions.count()
    make_agent(region_code="130100")
    again = svc.hotline_request_route(request=request)
    assert again.assignee_id == agent.pk
    assert request.transitions.count() == before


# --- supervisor reassignment ------------------------------------------------------------


def test_supervisor_reassignment_recorded(regions):
    agent = make_agent(region_code="130102")
    colleague = make_agent(region_code="130100")
    supervisor = make_supervisor(region_code="130100")
    request = make_request(region_code="130102")
    assert request.assignee_id == agent.pk
    Notification.objects.all().delete()
    svc.hotline_request_assign(actor=supervisor, request=request, agent=colleague)
    request.refresh_from_db()
    assert request.assignee_id == colleague.pk and request.state == State.ASSIGNED
    last = request.transitions.order_by("-id").first()
    assert last.actor == supervisor
    assert (last.from_state, last.to_state) == (State.ASSIGNED, State.ASSIGNED)
    assert "改派" in last.note
    assert Notification.objects.filter(user=colleague, kind="hotline.assigned").count() == 1


def test_reassignment_out_of_scope_refused(regions):
    agent = make_agent(region_code="130102")
    colleague = make_agent(region_code="130100")
    langfang_supervisor = make_supervisor(region_code="131000")
    request = make_request(region_code="130102")
    before = request.transitions.count()
    with pytest.raises(ValidationError, match="只有长安区的热线班长"):
        svc.hotline_request_assign(actor=langfang_supervisor, request=request, agent=colleague)
    request.refresh_from_db()
    assert request.assignee_id == agent.pk and request.transitions.count() == before


def test_reassignment_to_agent_outside_region_refused(regions):
    make_agent(region_code="130102")
    supervisor = make_supervisor(region_code="130100")
    sanhe = make_agent(region_code="131082")
    request = make_request(region_code="130102")
    with pytest.raises(ValidationError, match="不负责长安区"):
        svc.hotline_request_assign(actor=supervisor, request=request, agent=sanhe)
    request.refresh_from_db()
    assert request.assignee_id != sanhe.pk


def test_non_supervisor_cannot_reassign(regions):
    agent = make_agent(region_code="130102")
    colleague = make_agent(region_code="130100")
    request = make_request(region_code="130102")
    before = request.transitions.count()
    with pytest.raises(ValidationError, match="热线班长"):
        svc.hotline_request_assign(actor=colleague, request=request, agent=colleague)
    with pytest.raises(ValidationError, match="热线班长"):
        svc.hotline_request_assign(actor=agent, request=request, agent=colleague)
    request.refresh_from_db()
    assert request.assignee_id == agent.pk and request.transitions.count() == before


def test_reassigning_waiting_request_keeps_it_waiting(regions):
    agent = make_agent(region_code="130102")
    colleague = make_agent(region_code="130100")
    supervisor = make_supervisor(region_code="130100")
    request = make_request(region_code="130102")
    svc.hotline_reply(actor=agent, request=request, body="请补充合同。", action="ask")
    svc.hotline_request_assign(actor=supervisor, request=request, agent=colleague)
    request.refresh_from_db()
    assert request.state == State.WAITING and request.assignee_id == colleague.pk
    last = request.transitions.order_by("-id").first()
    assert (last.from_state, last.to_state, last.actor) == (
        State.WAITING,
        State.WAITING,
        supervisor,
    )


def test_resolved_request_cannot_be_reassigned(regions):
    agent = make_agent(region_code="130102")
    colleague = make_agent(region_code="130100")
    supervisor = make_supervisor(region_code="130100")
    request = make_request(region_code="130102")
    svc.hotline_request_resolve(actor=agent, request=request)
    with pytest.raises(ValidationError, match="不能再分派"):
        svc.hotline_request_assign(actor=supervisor, request=request, agent=colleague)


# --- tiers and the working-day calendar ---------------------------------------------------


def _created_on(request: HotlineRequest, moment: datetime) -> HotlineRequest:
    HotlineRequest.objects.filter(pk=request.pk).update(created_at=moment)
    request.refresh_from_db()
    return request


def test_tier_change_recomputes_due_dates_on_working_days(regions):
    make_agent(region_code="130102")
    supervisor = make_supervisor(region_code="130100")
    # Wednesday before National Day: 1–7 Oct off, Saturday 10 Oct a make-up working day.
    request = _created_on(make_request(), datetime(2026, 9, 30, 10, tzinfo=TZ))
    svc.hotline_request_set_tier(actor=supervisor, request=request, tier=Tier.DIFFICULT)
    request.refresh_from_db()
    assert request.tier == Tier.DIFFICULT
    assert request.first_response_due == _end_of("2026-10-09")  # 2 working days
    assert request.resolution_due == _end_of("2026-10-20")  # 10 working days
    svc.hotline_request_set_tier(actor=supervisor, request=request, tier=Tier.COMPLEX)
    request.refresh_from_db()
    assert request.first_response_due == _end_of("2026-10-10")  # the make-up Saturday
    assert request.resolution_due == _end_of("2026-11-03")  # 20 working days
    svc.hotline_request_set_tier(actor=supervisor, request=request, tier=Tier.ORDINARY)
    request.refresh_from_db()
    assert request.first_response_due == _end_of("2026-10-08")
    assert request.resolution_due == _end_of("2026-10-13")
    notes = list(
        request.transitions.filter(actor=supervisor).order_by("id").values_list("note", flat=True)
    )
    assert notes == [
        "时限等级调整为疑难事项",
        "时限等级调整为特别复杂事项",
        "时限等级调整为一般事项",
    ]


def test_tier_change_refused_for_agent_and_unknown_tier(regions):
    agent = make_agent(region_code="130102")
    supervisor = make_supervisor(region_code="130100")
    request = make_request()
    due = (request.first_response_due, request.resolution_due)
    with pytest.raises(ValidationError, match="热线班长"):
        svc.hotline_request_set_tier(actor=agent, request=request, tier=Tier.COMPLEX)
    with pytest.raises(ValidationError, match="未知的时限等级"):
        svc.hotline_request_set_tier(actor=supervisor, request=request, tier="urgent")
    request.refresh_from_db()
    assert request.tier == Tier.ORDINARY
    assert (request.first_response_due, request.resolution_due) == due


def test_waiting_for_member_pauses_the_clock(regions, monkeypatch):
    agent = make_agent(region_code="130102")
    member = UserFactory()
    request = make_request(member=member)
    HotlineRequest.objects.filter(pk=request.pk).update(
        first_response_due=_end_of("2026-09-30"), resolution_due=_end_of("2026-10-12")
    )
    _freeze(monkeypatch, datetime(2026, 9, 29, 10, tzinfo=TZ))  # Tuesday
    svc.hotline_reply(actor=agent, request=request, body="请上传劳动合同。", action="ask")
    request.refresh_from_db()
    assert request.state == State.WAITING and request.waiting_since
    # Back on Friday 9 Oct: 30 Sep, 8 Oct and 9 Oct were working days spent waiting.
    _freeze(monkeypatch, datetime(2026, 10, 9, 10, tzinfo=TZ))
    svc.hotline_member_add_info(member=member, request=request, body="合同已上传。")
    request.refresh_from_db()
    assert request.state == State.IN_PROGRESS and request.waiting_since is None
    assert request.resolution_due == _end_of("2026-10-15")
    assert request.first_response_due == _end_of("2026-10-10")


def test_waiting_within_one_day_does_not_move_due(regions, monkeypatch):
    agent = make_agent(region_code="130102")
    member = UserFactory()
    request = make_request(member=member)
    HotlineRequest.objects.filter(pk=request.pk).update(resolution_due=_end_of("2026-10-12"))
    _freeze(monkeypatch, datetime(2026, 9, 29, 9, tzinfo=TZ))
    svc.hotline_reply(actor=agent, request=request, body="请补充。", action="ask")
    _freeze(monkeypatch, datetime(2026, 9, 29, 17, tzinfo=TZ))
    svc.hotline_member_add_info(member=member, request=request, body="已补充。")
    request.refresh_from_db()
    assert request.resolution_due == _end_of("2026-10-12")


def test_resolving_while_waiting_also_resumes_the_clock(regions, monkeypatch):
    agent = make_agent(region_code="130102")
    request = make_request()
    HotlineRequest.objects.filter(pk=request.pk).update(resolution_due=_end_of("2026-10-12"))
    _freeze(monkeypatch, datetime(2026, 10, 9, 10, tzinfo=TZ))  # Friday
    svc.hotline_reply(actor=agent, request=request, body="请补充。", action="ask")
    _freeze(monkeypatch, datetime(2026, 10, 12, 10, tzinfo=TZ))  # Monday, via make-up Sat 10th
    svc.hotline_request_resolve(actor=agent, request=request)
    request.refresh_from_db()
    assert request.state == State.RESOLVED and request.waiting_since is None
    assert request.resolution_due == _end_of("2026-10-14")  # two working days waited


# --- refused moves ------------------------------------------------------------------------


def test_invalid_transitions_refused_with_chinese_messages(regions):
    agent = make_agent(region_code="130102")
    member = UserFactory()
    unrouted = make_request(member=member, region_code="131082")  # no team: stays new
    with pytest.raises(ValidationError, match="请先分派或认领"):
        svc.hotline_request_resolve(actor=make_supervisor(region_code="131000"), request=unrouted)
    with pytest.raises(ValidationError, match="请先分派或认领这条诉求，再答复"):
        svc.hotline_reply(actor=make_agent(region_code="131082"), request=unrouted, body="您好")

    request = make_request(member=member)
    with pytest.raises(ValidationError, match="只有已办结或已关闭的诉求可以重新办理"):
        svc.hotline_request_reopen(actor=member, request=request, reason="没解决")
    svc.hotline_request_resolve(actor=agent, request=request)
    count = RequestTransition.objects.filter(request=request).count()
    with pytest.raises(ValidationError, match="诉求当前为“已办结”，不能改为“办理中”"):
        svc.hotline_request_start(actor=agent, request=request)
    with pytest.raises(ValidationError, match="已办结的诉求请先重新打开"):
        svc.hotline_reply(actor=agent, request=request, body="请补充", action="ask")
    with pytest.raises(ValidationError, match="诉求已办结，不能再补充"):
        svc.hotline_member_add_info(member=member, request=request, body="补充")
    svc.hotline_request_confirm(member=member, request=request)
    with pytest.raises(ValidationError, match="只有已办结的诉求可以确认"):
        svc.hotline_request_confirm(member=member, request=request)
    with pytest.raises(ValidationError, match="诉求当前为“已关闭”，不能改为“已办结”"):
        svc.hotline_request_resolve(actor=agent, request=request)
    request.refresh_from_db()
    assert request.state == State.CLOSED
    # Only the confirmation was recorded; none of the refusals left a transition.
    assert RequestTransition.objects.filter(request=request).count() == count + 1
    assert request.messages.filter(body__in=["请补充", "补充"]).count() == 0
