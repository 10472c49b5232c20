import pytest
from django.utils import timezone

from activities.models import Claim, Order
from activities.services import points_credit
from tests.activities.factories import ActivityFactory, CampaignFactory, MallItemFactory


@pytest.mark.django_db
def test_activity_list_is_public_and_filters(client, regions):
    ActivityFactory(title="廊坊宣讲")
    response = client.get("/api/activities/", {"region": "131082"})
    assert response.status_code == 200
    assert [a["title"] for a in response.json()["results"]] == ["廊坊宣讲"]
    assert client.get("/api/activities/", {"region": "130100"}).json()["results"] == []
    bad = client.get("/api/activities/", {"region": "999999"})
    assert bad.status_code == 400 and "未找到该地区" in bad.content.decode()


@pytest.mark.django_db
def test_my_endpoints_need_login(client, regions):
    for url in [
        "/api/me/points/",
        "/api/me/points/ledger/",
        "/api/me/vouchers/",
        "/api/me/mall-orders/",
        "/api/me/activity-signups/",
    ]:
        assert client.get(url).status_code == 403
    assert client.post(f"/api/benefits/{CampaignFactory().pk}/claim/").status_code == 403


@pytest.mark.django_db
def test_claim_sign_up_and_redeem_through_the_api(client, courier, make_courier):
    client.force_login(courier)
    campaign = CampaignFactory(total_stock=1, stock=1)
    response = client.post(f"/api/benefits/{campaign.pk}/claim/")
    assert response.status_code == 201 and response.json()["serial"]
    client.force_login(make_courier())
    response = client.post(f"/api/benefits/{campaign.pk}/claim/")
    assert response.status_code == 400 and response.json()["detail"] == ["已领完"]
    assert Claim.objects.count() == 1

    client.force_login(courier)
    activity = ActivityFactory()
    response = client.post(f"/api/activities/{activity.pk}/signup/")
    assert response.status_code == 201 and response.json()["status"] == "confirmed"
    assert client.post(f"/api/activities/{activity.pk}/signup/").status_code == 400
    signups = client.get("/api/me/activity-signups/").json()["results"]
    assert len(signups) == 1
    assert client.get("/api/me/vouchers/").json()["results"][0]["campaign_title"] == "暖新礼包"

    item = MallItemFactory(points_price=30)
    response = client.post(f"/api/mall/items/{item.pk}/redeem/")
    assert response.status_code == 400 and "积分不足" in response.content.decode()
    points_credit(user=courier, amount=50, reason="完成课程", source="course", idempotency_key="a")
    assert client.post(f"/api/mall/items/{item.pk}/redeem/").status_code == 201
    # The 30 spent came out of the 50 earned; the 20 left lapse at the end of next year.
    last_day = f"{timezone.localtime().year + 1}-12-31"
    assert client.get("/api/me/points/").json() == {
        "balance": 20,
        "expiring": [{"date": last_day, "amount": 20}],
    }
    ledger = client.get("/api/me/points/ledger/").json()["results"]
    assert [e["amount"] for e in ledger] == [-30, 50]
    assert client.get("/api/me/mall-orders/").json()["results"][0]["status"] == "pending"
    assert Order.objects.count() == 1


@pytest.mark.django_db
def test_other_members_data_is_not_visible(client, courier, make_courier):
    points_credit(user=courier, amount=5, reason="x", source="course", idempotency_key="b")
    client.force_login(make_courier())
    assert client.get("/api/me/points/").json() == {"balance": 0, "expiring": []}
    assert client.get("/api/me/points/ledger/").json()["results"] == []
