import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from core.models import AuditLog
from hotline.models import ConsultationBooking, HotlineRequest, RequestMessage, State
from hotline.services import consultations
from hotline.services import requests as svc
from hotline.services.cases import case_scrub
from tests.accounts.factories import UserFactory
from tests.hotline.factories import make_agent, make_request, region

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_mfa_gate(settings):
    settings.PORTAL_STAFF_MFA_REQUIRED = False


def test_index_anonymous_shows_login(client, regions):
    response = client.get(reverse("hotline:index"))
    assert response.status_code == 200 and "登录后提问" in response.content.decode()


def test_member_submits_and_sees_only_own_request(client, regions):
    make_agent()
    member = UserFactory()
    client.force_login(member)
    data = {
        "kind": "consultation",
        "topic": "noncompete",
        "region": "130102",
        "title": "竞业限制补偿金没发",
        "description": "离职半年公司没有支付竞业限制补偿金。",
    }
    response = client.post(reverse("hotline:index"), data)
    item = HotlineRequest.objects.get(member=member)
    assert response.status_code == 302 and response.url == item.get_absolute_url()
    assert client.get(item.get_absolute_url()).status_code == 200
    client.force_login(UserFactory())
    assert client.get(item.get_absolute_url()).status_code == 404
    client.logout()
    assert client.get(item.get_absolute_url()).status_code == 302


def test_bad_input_gets_chinese_message_and_nothing_saved(client, regions):
    member = UserFactory()
    client.force_login(member)
    response = client.post(reverse("hotline:index"), {"kind": "x", "region": "999999"})
    assert response.status_code == 200
    assert "请选择河北省内的地区" in response.content.decode()
    assert not HotlineRequest.objects.exists()


def test_internal_note_never_shown_to_member(client, regions):
    agent = make_agent()
    member = UserFactory()
    item = make_request(member=member)
    svc.hotline_reply(actor=agent, request=item, body="内部：此人多次来电", internal=True)
    svc.hotline_reply(actor=agent, request=item, body="您好，补偿金应按月支付。")
    client.force_login(member)
    page = client.get(item.get_absolute_url()).content.decode()
    assert "补偿金应按月支付" in page and "多次来电" not in page
    api = client.get(reverse("hotline-request-detail", args=[item.pk])).json()
    assert [m["kind"] for m in api["messages"]] == ["reply"]


def test_rate_twice_shows_message(client, regions):
    agent = make_agent()
    member = UserFactory()
    item = make_request(member=member)
    svc.hotline_request_resolve(actor=agent, request=item)
    client.force_login(member)
    url = reverse("hotline:request_rate", args=[item.pk])
    assert client.post(url, {"rating": 5, "comment": "好"}).status_code == 302
    response = client.post(url, {"rating": 4})
    assert response.status_code == 400 and "只能评价一次" in response.content.decode()
    item.refresh_from_db()
    assert item.rating == 5


def test_suggestions_match_canned_answers(client, regions):
    from hotline.services.canned import canned_reply_save

    admin = UserFactory(is_superuser=True, is_staff=True)
    canned_reply_save(
        actor=admin,
        title="竞业限制补偿金",
        body="用人单位应在竞业限制期限内按月给予经济补偿。",
        topic="noncompete",
    )
    response = client.get(reverse("hotline:suggestions"), {"title": "竞业限制 补偿"})
    assert "按月给予经济补偿" in response.content.decode()


def test_api_anonymous_other_and_owner(client, regions):
    make_agent()
    member = UserFactory()
    item = make_request(member=member)
    url = reverse("hotline-request-detail", args=[item.pk])
    assert client.get(url).status_code == 403
    client.force_login(UserFactory())
    assert client.get(url).status_code == 404
    client.force_login(member)
    assert client.get(url).json()["number"] == item.number
    assert client.get(reverse("hotline-request-list")).json()[0]["id"] == item.pk
    response = client.post(
        reverse("hotline-request-message", args=[item.pk]), {"body": "补充：有合同"}
    )
    assert response.status_code == 201


def test_list_page_query_count(client, regions, django_assert_max_num_queries):
    make_agent()
    member = UserFactory()
    for _ in range(8):
        make_request(member=member)
    client.force_login(member)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("hotline:index")).status_code == 200


def test_admin_list_scoped_and_view_audited(client, regions, django_assert_max_num_queries):
    sjz_agent = make_agent(region_code="130100")
    lf_agent = make_agent(region_code="131000")
    mine = make_request(region_code="130102")
    other = make_request(region_code="131082")
    client.force_login(sjz_agent)
    with django_assert_max_num_queries(25):
        page = client.get(reverse("admin:hotline_hotlinerequest_changelist")).content.decode()
    assert mine.title in page
    assert (
        client.get(reverse("admin:hotline_hotlinerequest_change", args=[other.pk])).status_code
        == 302
    )
    assert (
        client.get(reverse("admin:hotline_hotlinerequest_change", args=[mine.pk])).status_code
        == 200
    )
    assert AuditLog.objects.filter(
        actor=sjz_agent, action="hotline.view_request", target_id=str(mine.pk)
    ).exists()
    assert lf_agent  # has its own team


def test_admin_reply_goes_through_service(client, regions):
    agent = make_agent()
    item = make_request()
    client.force_login(agent)
    url = reverse("admin:hotline_hotlinerequest_change", args=[item.pk])
    response = client.post(url, {"reply": "您好，已收到。", "reply_action": "ask", "internal": ""})
    assert response.status_code == 302, response.content.decode()[:2000]
    item.refresh_from_db()
    assert item.state == State.WAITING
    assert RequestMessage.objects.filter(request=item, kind="reply").count() == 1


def test_case_scrub_removes_personal_data():
    text = (
        "我叫刘鸿，电话13800000003，身份证130102198603140011，"
        "在石家庄重型装备制造有限公司上班，住长安区建设北大街18号。王经理说要赔钱。"
    )
    scrubbed = case_scrub(text, names=["刘鸿"], employers=[])
    for secret in (
        "刘鸿",
        "13800000003",
        "130102198603140011",
        "重型装备制造有限公司",
        "18号",
        "王经理",
    ):
        assert secret not in scrubbed


def test_booking_refuses_taken_slot(regions):
    agent = make_agent()
    a, b = make_request(), make_request()
    start = timezone.now() + timezone.timedelta(days=1)
    slot = consultations.consultation_slot_create(
        actor=agent,
        region=region("130100"),
        counsellor="张律师",
        place="市总工会法律援助中心",
        starts_at=start,
        ends_at=start + timezone.timedelta(hours=1),
    )
    consultations.consultation_book(actor=agent, request=a, slot=slot)
    with pytest.raises(ValidationError, match="被预约"):
        consultations.consultation_book(actor=agent, request=b, slot=slot)
    booking = ConsultationBooking.objects.get()
    consultations.consultation_cancel(actor=agent, booking=booking)
    consultations.consultation_book(actor=agent, request=b, slot=slot)
    assert consultations.consultation_remind(
        booking_id=ConsultationBooking.objects.get(status="booked").pk
    )


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_bookings_of_one_slot(regions):
    agent = make_agent()
    requests = [make_request() for _ in range(4)]
    start = timezone.now() + timezone.timedelta(days=1)
    slot = consultations.consultation_slot_create(
        actor=agent,
        region=region("130100"),
        counsellor="张律师",
        place="线上",
        starts_at=start,
        ends_at=start + timezone.timedelta(hours=1),
    )
    barrier = threading.Barrier(len(requests))
    results = []

    def book(item):
        try:
            barrier.wait()
            consultations.consultation_book(actor=agent, request=item, slot=slot)
            results.append("ok")
        except ValidationError:
            results.append("taken")
        finally:
            connection.close()

    threads = [threading.Thread(target=book, args=(r,)) for r in requests]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["ok", "taken", "taken", "taken"]
    assert ConsultationBooking.objects.filter(slot=slot, status="booked").count() == 1
