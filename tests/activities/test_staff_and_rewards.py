"""Who reads the ledger, audited and scoped exports, points for a rated hotline request,
and every bad input of the issue answered in Chinese through the API."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from accounts.services.roles import role_assign
from accounts.tokens import credential_token_issue
from activities.models import Campaign, Claim, Order, PointsEntry, Signup
from activities.selectors import points_balance
from activities.services import campaign_claim, mall_order_place, points_credit
from core.models import AuditLog
from hotline.models import State
from hotline.services.requests import hotline_reply, hotline_request_rate
from regions.models import Region
from tests.accounts.factories import StaffUserFactory, UserFactory
from tests.activities.factories import ActivityFactory, CampaignFactory, MallItemFactory
from tests.hotline.factories import make_agent, make_request


@pytest.fixture(autouse=True)
def _no_mfa(settings):
    settings.PORTAL_STAFF_MFA_REQUIRED = False


def _staff(role, code):
    staff = StaffUserFactory()
    role_assign(user=staff, role=role, region=Region.objects.get(code=code))
    return staff


@pytest.mark.django_db
def test_only_province_admins_read_the_ledger_and_learning_rewards(client, courier, regions):
    points_credit(user=courier, amount=7, reason="完成课程", source="course", idempotency_key="k")
    ledger = reverse("admin:activities_pointsentry_changelist")
    rewards = reverse("admin:learning_learningreward_changelist")
    province = _staff(Role.PROVINCE_ADMIN, "130000")
    for user, allowed in [
        (province, True),
        (_staff(Role.PROVINCE_ADMIN, "131000"), False),  # a grant below the province
        (_staff(Role.REGION_EDITOR, "130000"), False),
        (courier, False),
    ]:
        client.force_login(user)
        for url in (ledger, rewards):
            status = client.get(url).status_code
            assert (status == 200) is allowed, (user, url, status)
    client.force_login(province)
    assert "完成课程" in client.get(ledger).content.decode()


def _csv(client, name, **params) -> str:
    response = client.get(reverse(f"activities:{name}"), params)
    assert response.status_code == 200
    return b"".join(response.streaming_content).decode()


@pytest.mark.django_db
def test_exports_are_scoped_masked_and_audited(client, courier, worker, langfang_staff):
    sanhe = CampaignFactory(title="三河暖新礼包", region=Region.objects.get(code="131082"))
    sjz = CampaignFactory(title="石家庄清凉券", region=Region.objects.get(code="130100"))
    campaign_claim(campaign_id=sanhe.pk, user=courier)
    campaign_claim(campaign_id=sjz.pk, user=worker)
    points_credit(user=courier, amount=100, reason="课程", source="course", idempotency_key="a")
    mall_order_place(item_id=MallItemFactory(region=sanhe.region).pk, user=courier)
    sanhe_editor = _staff(Role.REGION_EDITOR, "131082")
    for staff in (langfang_staff, sanhe_editor):
        client.force_login(staff)
        body = _csv(client, "staff_claims_csv")
        assert "三河暖新礼包" in body and "石家庄清凉券" not in body
        assert courier.phone not in body and f"{courier.phone[:3]}****{courier.phone[-4:]}" in body
        orders = _csv(client, "staff_orders_csv")
        assert "保温杯" in orders and courier.phone not in orders
    client.force_login(_staff(Role.REGION_EDITOR, "131024"))  # 香河: not their subtree
    assert "三河暖新礼包" not in _csv(client, "staff_claims_csv")
    assert "保温杯" not in _csv(client, "staff_orders_csv")
    client.force_login(langfang_staff)
    _csv(client, "staff_claims_csv", campaign=sanhe.pk)
    logs = AuditLog.objects.filter(
        actor=langfang_staff, action__startswith="activities.export"
    ).order_by("id")
    assert [log.action for log in logs] == [
        "activities.export_claims",
        "activities.export_orders",
        "activities.export_claims",
    ]
    assert logs[0].details == {"campaign": None, "rows": 1}
    assert logs[2].details == {"campaign": sanhe.pk, "rows": 1}


@pytest.mark.django_db
def test_rating_a_hotline_request_earns_points_once(settings, django_capture_on_commit_callbacks):
    settings.ACTIVITIES_HOTLINE_RATING_POINTS = 5
    member = UserFactory()
    agent = make_agent()
    request = make_request(member=member)
    hotline_reply(
        actor=agent, request=request, body="竞业限制未付补偿金可以解除。", action="resolve"
    )
    request.refresh_from_db()
    assert request.state == State.RESOLVED
    with django_capture_on_commit_callbacks(execute=True):
        hotline_request_rate(member=member, request=request, rating=5, comment="解答及时")
    entry = PointsEntry.objects.get(user=member)
    assert (entry.amount, entry.source) == (5, PointsEntry.Source.HOTLINE)
    assert entry.idempotency_key == f"hotline:{request.pk}:rated"
    assert request.number in entry.reason


@pytest.mark.django_db
def test_attending_an_activity_earns_its_points_once(courier, langfang_staff):
    from activities.services import activity_check_in, activity_signup
    from tests.activities.conftest import card_token

    activity = ActivityFactory(points_award=20)
    activity_signup(activity_id=activity.pk, user=courier)
    activity_check_in(activity_id=activity.pk, token=card_token(courier), staff=langfang_staff)
    entry = PointsEntry.objects.get(user=courier)
    assert (entry.amount, entry.source) == (20, PointsEntry.Source.ACTIVITY)
    assert entry.idempotency_key == f"activity:{activity.pk}:attend:{courier.pk}"
    assert points_balance(user=courier) == 20


def _detail(response) -> str:
    return " ".join(response.json()["detail"])


@pytest.mark.django_db
def test_bad_input_gets_a_chinese_message_and_writes_nothing(client, courier, worker):
    client.force_login(courier)
    now = timezone.now()
    early = CampaignFactory(starts_at=now + timedelta(days=1), ends_at=now + timedelta(days=2))
    late = CampaignFactory(starts_at=now - timedelta(days=2), ends_at=now - timedelta(days=1))
    sjz = CampaignFactory(region=Region.objects.get(code="130100"))
    for campaign, message in [(early, "尚未开始领取"), (late, "领取已截止"), (sjz, "仅限石家庄市")]:
        response = client.post(f"/api/benefits/{campaign.pk}/claim/")
        assert response.status_code == 400 and message in _detail(response)
    assert not Claim.objects.exists()
    assert set(Campaign.objects.values_list("stock", flat=True)) == {10}

    activity = ActivityFactory()
    assert client.post(f"/api/activities/{activity.pk}/signup/").status_code == 201
    response = client.post(f"/api/activities/{activity.pk}/signup/")
    assert response.status_code == 400 and "您已报名该活动" in _detail(response)
    assert Signup.objects.filter(activity=activity).count() == 1

    item = MallItemFactory(points_price=30, stock=5)
    points_credit(user=courier, amount=29, reason="课程", source="course", idempotency_key="x")
    response = client.post(f"/api/mall/items/{item.pk}/redeem/")
    assert response.status_code == 400 and "积分不足" in _detail(response)
    assert not Order.objects.exists() and points_balance(user=courier) == 29
    item.refresh_from_db()
    assert item.stock == 5


@pytest.mark.django_db
def test_used_and_forged_vouchers_are_refused_in_chinese(client, courier, langfang_staff):
    claim = campaign_claim(campaign_id=CampaignFactory().pk, user=courier)
    token = credential_token_issue(credential=claim.credential).token
    client.force_login(langfang_staff)
    url = reverse("activities:staff_scan")
    forged = client.post(url, {"mode": "redeem", "token": token[:-6] + "AAAAAA"})
    assert "篡改" in forged.content.decode()
    assert "核销成功" in client.post(url, {"mode": "redeem", "token": token}).content.decode()
    again = client.post(
        url,
        {"mode": "redeem", "token": credential_token_issue(credential=claim.credential).token},
    )
    assert "不能重复使用" in again.content.decode()
    claim.refresh_from_db()
    assert claim.redeemed_by == langfang_staff
