import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models.membership import EmploymentForm
from accounts.tokens import credential_token_issue
from activities.models import Claim, Order, Signup
from activities.services import campaign_claim, mall_order_place, points_credit
from tests.accounts.factories import UserFactory
from tests.activities.conftest import card_token
from tests.activities.factories import ActivityFactory, CampaignFactory, MallItemFactory


def _points(user, amount):
    points_credit(
        user=user, amount=amount, reason="完成课程", source="course", idempotency_key=f"v{user.pk}"
    )


@pytest.mark.django_db
def test_member_pages_need_login(client, regions):
    for name in ["my_signups", "my_vouchers", "my_points", "my_orders", "staff_scan"]:
        response = client.get(reverse(f"activities:{name}"))
        assert response.status_code == 302 and "/login" in response["Location"]
    activity = ActivityFactory()
    response = client.post(reverse("activities:activity_signup", args=[activity.pk]))
    assert response.status_code == 302 and not Signup.objects.exists()


@pytest.mark.django_db
def test_index_lists_activities_and_campaigns_with_bounded_queries(
    client, courier, django_assert_max_num_queries
):
    for i in range(12):
        ActivityFactory(title=f"活动{i}")
    CampaignFactory(title="暖新礼包（廊坊）")
    client.force_login(courier)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("activities:index"), {"region": "131000"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "活动11" in body and "暖新礼包（廊坊）" in body


@pytest.mark.django_db
def test_signup_and_cancel_through_the_pages(client, courier, make_courier):
    activity = ActivityFactory(capacity=1)
    client.force_login(courier)
    response = client.post(reverse("activities:activity_signup", args=[activity.pk]), follow=True)
    assert "报名成功" in response.content.decode()
    response = client.post(reverse("activities:activity_signup", args=[activity.pk]), follow=True)
    assert "您已报名该活动" in response.content.decode()
    signup = Signup.objects.get(user=courier)
    other = make_courier()
    client.force_login(other)
    response = client.post(reverse("activities:signup_cancel", args=[signup.pk]), follow=True)
    assert "没有找到该报名记录" in response.content.decode()
    signup.refresh_from_db()
    assert signup.status == "confirmed"
    response = client.get(reverse("activities:activity_detail", args=[activity.pk]))
    assert "加入候补" in response.content.decode()


@pytest.mark.django_db
def test_claim_page_messages(client, courier, worker):
    campaign = CampaignFactory(employment_form=EmploymentForm.NEW_FORM, total_stock=1, stock=1)
    client.force_login(worker)
    response = client.post(reverse("activities:campaign_claim", args=[campaign.pk]), follow=True)
    assert "仅限廊坊市的工会会员参加" in response.content.decode()
    client.force_login(courier)
    response = client.post(reverse("activities:campaign_claim", args=[campaign.pk]), follow=True)
    assert "领取成功" in response.content.decode()
    assert "出示礼包券" in response.content.decode()
    response = client.get(reverse("activities:my_vouchers"))
    assert campaign.title in response.content.decode()


@pytest.mark.django_db
def test_orders_other_member_gets_404(client, courier, make_courier):
    _points(courier, 100)
    order = mall_order_place(item_id=MallItemFactory().pk, user=courier)
    client.force_login(make_courier())
    response = client.post(reverse("activities:order_cancel", args=[order.pk]))
    assert response.status_code == 404
    client.force_login(courier)
    response = client.post(reverse("activities:order_cancel", args=[order.pk]), follow=True)
    assert "积分已退回" in response.content.decode()
    order.refresh_from_db()
    assert order.status == Order.Status.CANCELLED


@pytest.mark.django_db
def test_mall_redeem_insufficient_points_message(client, courier):
    item = MallItemFactory(points_price=30)
    client.force_login(courier)
    response = client.post(reverse("activities:mall_redeem", args=[item.pk]), follow=True)
    assert "积分不足" in response.content.decode()
    assert not Order.objects.exists()


@pytest.mark.django_db
def test_points_page_shows_ledger(client, courier, django_assert_max_num_queries):
    for i in range(25):
        points_credit(
            user=courier, amount=1, reason=f"课程{i}", source="course", idempotency_key=f"p{i}"
        )
    client.force_login(courier)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("activities:my_points"))
    body = response.content.decode()
    assert "25" in body and "课程24" in body and "第 1 / 2 页" in body


@pytest.mark.django_db
def test_staff_scan_page(client, courier, langfang_staff):
    client.force_login(courier)
    assert client.get(reverse("activities:staff_scan")).status_code == 404
    claim = campaign_claim(campaign_id=CampaignFactory().pk, user=courier)
    token = credential_token_issue(credential=claim.credential).token
    client.force_login(langfang_staff)
    url = reverse("activities:staff_scan")
    response = client.post(url, {"mode": "redeem", "token": token})
    assert "核销成功" in response.content.decode()
    response = client.post(url, {"mode": "redeem", "token": token})
    assert "不能重复使用" in response.content.decode()
    assert Claim.objects.get().redeemed_by == langfang_staff
    response = client.post(url, {"mode": "check_in", "token": card_token(courier)})
    assert "签到请先选择活动" in response.content.decode()
    response = client.post(url, {"mode": "redeem", "token": ""})
    assert "请扫描或粘贴二维码内容" in response.content.decode()

    activity = ActivityFactory()
    Signup.objects.create(activity=activity, user=courier, status="confirmed")
    response = client.post(
        url, {"mode": "check_in", "activity": activity.pk, "token": card_token(courier)}
    )
    assert "签到成功" in response.content.decode()


@pytest.mark.django_db
def test_csv_exports_are_scoped(client, courier, langfang_staff, sjz_staff):
    campaign_claim(campaign_id=CampaignFactory(title="暖新礼包").pk, user=courier)
    client.force_login(langfang_staff)
    response = client.get(reverse("activities:staff_claims_csv"))
    body = b"".join(response.streaming_content).decode()
    assert "暖新礼包" in body and courier.phone not in body  # phone masked
    client.force_login(sjz_staff)
    body = b"".join(client.get(reverse("activities:staff_claims_csv")).streaming_content).decode()
    assert "暖新礼包" not in body
    client.force_login(courier)
    assert client.get(reverse("activities:staff_orders_csv")).status_code == 403


@pytest.mark.django_db
def test_region_page_block_never_queries_and_fills_from_the_fragment(client, regions):
    ActivityFactory(title="廊坊新就业形态劳动者专场招聘会")
    client.get("/hebei/langfang/sanhe/")  # warms the region page's own caches
    with CaptureQueriesContext(connection) as queries:
        html = client.get("/hebei/langfang/sanhe/").content.decode()
    assert not [q for q in queries.captured_queries if "activities_" in q["sql"]]
    assert 'hx-get="/activities/region/131082/"' in html  # cold block: htmx placeholder
    assert "/activities/?region=131082" in html  # and a link without JavaScript
    fragment = client.get(reverse("activities:region_block", args=["131082"])).content.decode()
    assert "廊坊新就业形态劳动者专场招聘会" in fragment
    # An anonymous visitor may be served the whole page from core.pagecache (the cold
    # placeholder, which htmx fills); a signed-in member's page is rendered fresh, with the
    # now warm block inline.
    client.force_login(UserFactory())
    assert "廊坊新就业形态劳动者专场招聘会" in client.get("/hebei/langfang/sanhe/").content.decode()
    client.logout()
    shijiazhuang = client.get(reverse("activities:region_block", args=["130100"]))
    assert "廊坊新就业形态劳动者专场招聘会" not in shijiazhuang.content.decode()
    assert client.get(reverse("activities:region_block", args=["999999"])).status_code == 404
    # A new activity drops the cached blocks, so it shows on the next fetch.
    ActivityFactory(title="三河快递小哥趣味运动会")
    html = client.get("/hebei/langfang/sanhe/").content.decode()
    assert 'hx-get="/activities/region/131082/"' in html
    fragment = client.get(reverse("activities:region_block", args=["131082"])).content.decode()
    assert "三河快递小哥趣味运动会" in fragment
