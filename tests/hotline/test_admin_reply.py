"""The admin reply form: a refusal by the service keeps what was typed."""

import pytest
from django.contrib.admin.models import LogEntry
from django.urls import reverse

from hotline.models import HotlineRequest, RequestMessage, RequestTransition, State
from hotline.services import requests as svc
from tests.hotline.factories import make_agent, make_request

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_mfa_gate(settings):
    settings.PORTAL_STAFF_MFA_REQUIRED = False


def _url(item: HotlineRequest) -> str:
    return reverse("admin:hotline_hotlinerequest_change", args=[item.pk])


def test_refused_reply_rerenders_with_typed_text_and_error(client, regions):
    agent = make_agent()
    item = make_request()
    svc.hotline_request_resolve(actor=agent, request=item)
    transitions = RequestTransition.objects.filter(request=item).count()
    client.force_login(agent)
    typed = "请把解除竞业限制的书面通知拍照上传。"
    response = client.post(_url(item), {"reply": typed, "reply_action": "ask", "internal": ""})
    assert response.status_code == 200
    page = response.content.decode()
    assert typed in page  # the textarea still holds it
    assert "已办结的诉求请先重新打开，再请职工补充材料。" in page
    # Nothing half-saved: the message created before the refusal was rolled back.
    assert not RequestMessage.objects.filter(request=item).exists()
    assert RequestTransition.objects.filter(request=item).count() == transitions
    assert not LogEntry.objects.filter(object_id=str(item.pk)).exists()
    item.refresh_from_db()
    assert item.state == State.RESOLVED


def test_field_error_from_service_shown_on_reply_field(client, regions):
    agent = make_agent()
    item = make_request()
    client.force_login(agent)
    typed = "答" * 5001
    response = client.post(_url(item), {"reply": typed, "reply_action": "reply", "internal": ""})
    assert response.status_code == 200
    page = response.content.decode()
    assert typed in page
    assert "内容不能超过5000字。" in page
    assert response.context["adminform"].form.errors["reply"] == ["内容不能超过5000字。"]
    assert not RequestMessage.objects.filter(request=item).exists()


def test_assign_then_refused_reply_rolls_back_the_assignment(client, regions):
    item = make_request(region_code="131082")  # no team: stays new
    agent = make_agent(region_code="131082")
    client.force_login(agent)
    response = client.post(
        _url(item), {"reply": "您好" * 3000, "reply_action": "reply", "internal": ""}
    )
    assert response.status_code == 200
    item.refresh_from_db()
    assert item.state == State.NEW and item.assignee_id is None


def test_accepted_reply_still_redirects(client, regions):
    agent = make_agent()
    item = make_request()
    client.force_login(agent)
    response = client.post(_url(item), {"reply": "您好，已收到。", "reply_action": "reply"})
    assert response.status_code == 302
    assert RequestMessage.objects.filter(request=item, kind="reply").count() == 1


def test_other_region_agent_cannot_post_reply(client, regions):
    make_agent()
    outsider = make_agent(region_code="131000")
    item = make_request()
    client.force_login(outsider)
    response = client.post(_url(item), {"reply": "越权答复", "reply_action": "reply"})
    assert response.status_code == 302 and "越权答复" not in response.content.decode()
    assert not RequestMessage.objects.filter(request=item).exists()


# --- one save that resolves and books a legal consultation -------------------------------


def _slot(agent, *, region_code="130100", days=2):
    from datetime import timedelta

    from django.utils import timezone

    from hotline.services import consultations
    from tests.hotline.factories import region

    starts = timezone.now() + timedelta(days=days)
    return consultations.consultation_slot_create(
        actor=agent,
        region=region(region_code),
        counsellor="王律师",
        place="石家庄市总工会法律服务中心",
        starts_at=starts,
        ends_at=starts + timedelta(hours=1),
    )


def test_resolve_and_book_in_one_save(client, regions):
    from core.models import Notification
    from hotline.models import ConsultationBooking

    agent = make_agent()
    item = make_request()
    slot = _slot(agent)
    client.force_login(agent)
    response = client.post(
        _url(item),
        {
            "reply": "已为您预约王律师当面咨询竞业限制补偿问题，请按时前往。",
            "reply_action": "resolve",
            "slot": slot.pk,
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    item.refresh_from_db()
    assert item.state == State.RESOLVED
    booking = ConsultationBooking.objects.get(request=item)
    assert booking.slot == slot and booking.status == "booked" and booking.booked_by == agent
    assert RequestMessage.objects.filter(request=item, kind="reply").count() == 1
    # The member hears of both: the answer that resolves the request and the appointment.
    kinds = set(Notification.objects.filter(user=item.member).values_list("kind", flat=True))
    assert {"hotline.reply", "hotline.booking"} <= kinds


def test_booking_refused_in_resolving_save_keeps_reply_and_saves_nothing(client, regions):
    from hotline.models import ConsultationBooking
    from hotline.services import consultations

    agent = make_agent()
    item = make_request()
    other = make_request()
    slot = _slot(agent)
    client.force_login(agent)
    page = client.get(_url(item))  # the slot is offered while it is free
    assert slot in page.context["adminform"].form.fields["slot"].queryset
    consultations.consultation_book(actor=agent, request=other, slot=slot)  # taken meanwhile
    transitions = RequestTransition.objects.filter(request=item).count()
    typed = "已为您预约王律师，请按时前往。"
    response = client.post(_url(item), {"reply": typed, "reply_action": "resolve", "slot": slot.pk})
    assert response.status_code == 200
    assert typed in response.content.decode()
    assert response.context["adminform"].form.errors["slot"]
    item.refresh_from_db()
    assert item.state == State.ASSIGNED
    assert not RequestMessage.objects.filter(request=item).exists()
    assert RequestTransition.objects.filter(request=item).count() == transitions
    assert not ConsultationBooking.objects.filter(request=item).exists()


def test_already_resolved_request_cannot_be_booked_from_admin(client, regions):
    from hotline.models import ConsultationBooking

    agent = make_agent()
    item = make_request()
    svc.hotline_request_resolve(actor=agent, request=item)
    slot = _slot(agent)
    client.force_login(agent)
    response = client.post(
        _url(item), {"reply": "补充说明", "reply_action": "reply", "slot": slot.pk}
    )
    assert response.status_code == 200
    assert "诉求已办结，不能再预约法律咨询。" in response.content.decode()
    assert not ConsultationBooking.objects.filter(request=item).exists()
    assert not RequestMessage.objects.filter(request=item).exists()
