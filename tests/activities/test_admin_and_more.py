import pytest
from django.urls import reverse

from accounts.selectors.privacy import personal_data_export
from activities.models import Order, PointsEntry
from activities.selectors import points_balance
from activities.services import activity_signup, campaign_claim, mall_order_place, points_credit
from activities.tasks import points_credit_later, points_credit_task
from regions.models import Region
from tests.activities.factories import ActivityFactory, CampaignFactory, MallItemFactory


@pytest.fixture(autouse=True)
def _no_mfa(settings):
    settings.PORTAL_STAFF_MFA_REQUIRED = False


@pytest.mark.django_db
def test_admin_lists_only_the_staff_members_region(client, langfang_staff, regions):
    CampaignFactory(title="廊坊暖新礼包")
    CampaignFactory(title="石家庄清凉券", region=Region.objects.get(code="130100"))
    client.force_login(langfang_staff)
    html = client.get(reverse("admin:activities_campaign_changelist")).content.decode()
    assert "廊坊暖新礼包" in html and "石家庄清凉券" not in html
    other = CampaignFactory(title="石家庄夏送清凉", region=Region.objects.get(code="130100"))
    url = reverse("admin:activities_campaign_change", args=[other.pk])
    assert client.get(url).status_code in (302, 404)
    html = client.get(reverse("admin:activities_campaign_add")).content.decode()
    assert "三河市" in html and "长安区" not in html  # region choices in scope only


@pytest.mark.django_db
def test_admin_order_actions_use_the_services(client, courier, langfang_staff, sjz_staff):
    points_credit(user=courier, amount=100, reason="课程", source="course", idempotency_key="a")
    item = MallItemFactory(region=Region.objects.get(code="131000"), points_price=40)
    order = mall_order_place(item_id=item.pk, user=courier)
    url = reverse("admin:activities_order_changelist")
    client.force_login(sjz_staff)
    assert str(order.item) not in client.get(url).content.decode()
    client.force_login(langfang_staff)
    client.post(url, {"action": "mark_ready", "_selected_action": [order.pk]})
    order.refresh_from_db()
    assert order.status == Order.Status.READY
    client.post(url, {"action": "cancel_and_refund", "_selected_action": [order.pk]})
    order.refresh_from_db()
    assert order.status == Order.Status.CANCELLED and points_balance(user=courier) == 100


@pytest.mark.django_db
def test_member_pages_and_admin_are_closed_to_members(client, courier):
    client.force_login(courier)
    response = client.get(reverse("admin:activities_campaign_changelist"))
    assert response.status_code in (302, 404)  # not staff: never the admin


@pytest.mark.django_db
def test_personal_data_export_includes_activities(courier):
    activity_signup(activity_id=ActivityFactory().pk, user=courier)
    campaign_claim(campaign_id=CampaignFactory().pk, user=courier)
    points_credit(user=courier, amount=5, reason="完成课程", source="course", idempotency_key="e")
    data = personal_data_export(user=courier)["activities"]
    assert len(data["signups"]) == 1 and len(data["claims"]) == 1
    assert data["points"][0]["reason"] == "完成课程"


@pytest.mark.django_db
def test_points_task_is_idempotent(courier, monkeypatch, django_capture_on_commit_callbacks):
    from portal.celery import app

    sent = []
    with monkeypatch.context() as patch:
        patch.setitem(app.conf, "task_always_eager", True)  # the outbox runs it in-process
        patch.setattr(points_credit_task, "apply_async", lambda args, *a, **kw: sent.append(args))
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            points_credit_later(
                user_id=courier.pk,
                amount=10,
                reason="完成课程",
                source="course",
                idempotency_key="t1",
            )
        assert sent == []  # enqueued (an outbox row) only once the caller commits
        for callback in callbacks:
            callback()
    assert sent == [(courier.pk, 10, "完成课程", "course", "t1")]
    for _ in range(2):  # a retried task pays once
        points_credit_task.apply(args=sent[0]).get()
    assert PointsEntry.objects.filter(user=courier).count() == 1
    assert points_balance(user=courier) == 10
    assert points_credit_task.apply(args=(0, 10, "x", "course", "t2")).get() is None
