from datetime import datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from core.models import Notification
from core.sms import outbox
from hotline.calendar import TZ, add_working_days, is_working_day, shift_by_working_days
from hotline.models import HotlineRequest, RequestMessage, RequestTransition, State, Topic
from hotline.services import requests as svc
from tests.accounts.factories import UserFactory
from tests.hotline.factories import make_agent, make_request, make_supervisor

pytestmark = pytest.mark.django_db


def test_calendar_skips_weekends_and_2026_holidays():
    assert not is_working_day(datetime(2026, 10, 1).date())
    assert is_working_day(datetime(2026, 10, 10).date())  # Saturday make-up day
    friday = datetime(2026, 9, 30, 18, tzinfo=TZ)  # Wednesday before National Day
    due = add_working_days(friday, 1)
    assert due.date() == datetime(2026, 10, 8).date()
    assert (
        shift_by_working_days(datetime(2026, 5, 8, 9, tzinfo=TZ), 1).date()
        == datetime(2026, 5, 9).date()
    )


def test_submit_routes_to_agent_with_fewest_open_requests_for_topic(regions):
    busy = make_agent(region_code="130100")
    free = make_agent(region_code="130100")
    make_agent(region_code="130100", topics=[Topic.WAGES])  # other topic only
    make_request()  # → busy or free (tie → first)
    second = make_request()
    first = HotlineRequest.objects.order_by("id").first()
    assert {first.assignee_id, second.assignee_id} == {busy.pk, free.pk}
    assert second.state == State.ASSIGNED
    assert second.first_response_due and second.resolution_due > second.first_response_due
    assert list(second.transitions.values_list("to_state", flat=True)) == ["new", "assigned"]


def test_county_team_preferred_over_city(regions):
    make_agent(region_code="130100")
    county = make_agent(region_code="130102")
    assert make_request(region_code="130102").assignee_id == county.pk


def test_without_team_request_stays_new(regions):
    request = make_request(region_code="131082")
    assert request.state == State.NEW and request.assignee_id is None


def test_submit_refuses_disguised_and_oversize_attachments(regions, settings):
    member = UserFactory()
    fake_pdf = SimpleUploadedFile(
        "合同.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf"
    )
    with pytest.raises(ValidationError) as exc:
        make_request(member=member, attachments=[fake_pdf])
    assert "内容与扩展名不符" in str(exc.value)
    settings.HOTLINE_MAX_ATTACHMENT_BYTES = 10
    big = SimpleUploadedFile("a.pdf", b"%PDF-1.4" + b"0" * 20)
    with pytest.raises(ValidationError):
        make_request(member=member, attachments=[big])
    assert not HotlineRequest.objects.filter(member=member).exists()


def test_submit_keeps_real_attachment(regions):
    pdf = SimpleUploadedFile("合同.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    request = make_request(attachments=[pdf])
    assert request.attachments.get().kind == "pdf"


def test_full_lifecycle_with_waiting_pause_reply_notice_rating(
    regions, django_capture_on_commit_callbacks
):
    agent = make_agent()
    member = UserFactory()
    request = make_request(member=member)
    with django_capture_on_commit_callbacks(execute=True):
        svc.hotline_reply(
            actor=agent, request=request, body="请补充劳动合同和协议照片。", action="ask"
        )
    request.refresh_from_db()
    assert request.state == State.WAITING and request.first_response_at
    assert Notification.objects.filter(user=member, kind="hotline.reply").count() == 1
    assert any(member.phone == sms.phone for sms in outbox)
    due = request.resolution_due
    svc.hotline_member_add_info(member=member, request=request, body="协议已上传")
    request.refresh_from_db()
    assert request.state == State.IN_PROGRESS and request.resolution_due >= due
    svc.hotline_reply(actor=agent, request=request, body="内部：需要律师看", internal=True)
    svc.hotline_reply(
        actor=agent, request=request, body="未支付补偿金的竞业限制可以解除。", action="resolve"
    )
    request.refresh_from_db()
    assert request.state == State.RESOLVED
    svc.hotline_request_rate(member=member, request=request, rating=5, comment="很及时")
    with pytest.raises(ValidationError, match="只能评价一次"):
        svc.hotline_request_rate(member=member, request=request, rating=4)
    svc.hotline_request_confirm(member=member, request=request)
    request.refresh_from_db()
    assert request.state == State.CLOSED
    with pytest.raises(ValidationError, match="已关闭"):
        svc.hotline_reply(actor=agent, request=request, body="再补充一句")
    svc.hotline_request_reopen(actor=member, request=request, reason="公司仍要求我赔偿")
    request.refresh_from_db()
    assert request.state == State.IN_PROGRESS
    states = list(
        RequestTransition.objects.filter(request=request).values_list("to_state", flat=True)
    )
    assert states == [
        "new",
        "assigned",
        "waiting",
        "in_progress",
        "resolved",
        "closed",
        "in_progress",
    ]
    assert RequestTransition.objects.filter(request=request, actor=agent).exists()


def test_invalid_transitions_refused(regions):
    agent = make_agent()
    member = UserFactory()
    request = make_request(member=member)
    with pytest.raises(ValidationError, match="只有已办结"):
        svc.hotline_request_confirm(member=member, request=request)
    with pytest.raises(ValidationError, match="诉求办结后"):
        svc.hotline_request_rate(member=member, request=request, rating=5)
    svc.hotline_request_start(actor=agent, request=request)
    with pytest.raises(ValidationError, match="不能改为"):
        svc.hotline_request_start(actor=agent, request=request)


def test_rating_out_of_range_and_other_member_refused(regions):
    agent = make_agent()
    member = UserFactory()
    request = make_request(member=member)
    svc.hotline_request_resolve(actor=agent, request=request)
    with pytest.raises(ValidationError):
        svc.hotline_request_rate(member=member, request=request, rating=6)
    with pytest.raises(ValidationError, match="不是您的"):
        svc.hotline_request_rate(member=UserFactory(), request=request, rating=3)
    request.refresh_from_db()
    assert request.rating is None


def test_agent_outside_region_cannot_reply(regions):
    make_agent()
    outsider = make_agent(region_code="131000")
    request = make_request()
    with pytest.raises(ValidationError, match="无权办理"):
        svc.hotline_reply(actor=outsider, request=request, body="答复")
    assert not RequestMessage.objects.filter(request=request).exists()


def test_assign_to_me_and_supervisor_reassign(regions):
    agent = make_agent(region_code="131082")
    other = make_agent(region_code="131082")
    supervisor = make_supervisor(region_code="131000")
    request = make_request(region_code="131082")
    request.refresh_from_db()
    taken_by = request.assignee
    someone_else = other if taken_by == agent else agent
    with pytest.raises(ValidationError, match="热线班长"):
        svc.hotline_request_assign(actor=someone_else, request=request, agent=someone_else)
    svc.hotline_request_assign(actor=supervisor, request=request, agent=someone_else)
    request.refresh_from_db()
    assert request.assignee == someone_else


def test_open_for_phone_caller(regions):
    agent = make_agent()
    request = svc.hotline_request_open_for_caller(
        agent=agent,
        caller_name="刘先生",
        caller_phone="13800000003",
        kind="consultation",
        topic="wages",
        title="拖欠工资",
        description="三个月没发工资",
        region=make_request.__globals__["region"]("130102"),
    )
    assert request.channel == "phone" and request.assignee == agent and request.state == "assigned"


def test_overdue_flagged_and_escalated_to_parent_supervisors(regions):
    make_agent(region_code="130102")
    city_supervisor = make_supervisor(region_code="130100")
    request = make_request()
    later = timezone.now() + timedelta(days=30)
    assert svc.hotline_request_flag_overdue(request_id=request.pk, now=later)
    assert not svc.hotline_request_flag_overdue(request_id=request.pk, now=later)  # idempotent
    request.refresh_from_db()
    assert request.is_overdue and request.escalated_at
    assert Notification.objects.filter(user=city_supervisor, kind="hotline.overdue").count() == 1


def test_waiting_request_is_not_overdue(regions):
    agent = make_agent()
    request = make_request()
    svc.hotline_reply(actor=agent, request=request, body="请补充", action="ask")
    assert not svc.hotline_request_flag_overdue(
        request_id=request.pk, now=timezone.now() + timedelta(days=60)
    )


def test_auto_close_after_n_days(regions, settings):
    agent = make_agent()
    request = make_request()
    svc.hotline_request_resolve(actor=agent, request=request)
    assert not svc.hotline_request_auto_close(request_id=request.pk)
    later = timezone.now() + timedelta(days=settings.HOTLINE_AUTO_CLOSE_DAYS + 1)
    assert svc.hotline_request_auto_close(request_id=request.pk, now=later)
    request.refresh_from_db()
    assert request.state == State.CLOSED
