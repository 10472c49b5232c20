"""Mall stock in the admin: an edit form opened before orders never writes its old stock
back; staff add stock with 补充库存, relative to what is left."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from activities.models import MallItem
from activities.services import mall_item_restock, mall_order_place
from activities.services.points import points_credit
from tests.activities.factories import MallItemFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("_no_mfa")]


@pytest.fixture
def _no_mfa(settings):
    settings.PORTAL_STAFF_MFA_REQUIRED = False


def _give(user, amount=100):
    points_credit(
        user=user,
        amount=amount,
        reason="参加活动",
        source="activity",
        idempotency_key=f"seed:{user.pk}",
    )
    return user


def _form_data(page) -> dict:
    form = page.context["adminform"].form
    data = {
        name: value
        for name, value in form.initial.items()
        if name not in ("created_at", "id", "stock") and value is not None
    }
    data.update(
        {
            "created_at_0": "2026-01-01",
            "created_at_1": "00:00:00",
            "quotas-TOTAL_FORMS": "0",
            "quotas-INITIAL_FORMS": "0",
        }
    )
    return data


def test_a_stale_form_keeps_the_orders_taken_since(client, province_staff, make_in):
    item = MallItemFactory(points_price=10, stock=5)
    url = reverse("admin:activities_mallitem_change", args=[item.pk])
    client.force_login(province_staff)
    page = client.get(url)
    assert page.status_code == 200
    data = _form_data(page)
    mall_order_place(item_id=item.pk, user=_give(make_in("130102")))  # while the page is open
    data["title"] = "职工之家定制保温杯（新款）"
    data["stock"] = "5"  # even a crafted POST cannot set it
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    item.refresh_from_db()
    assert (item.title, item.stock) == ("职工之家定制保温杯（新款）", 4)


def test_restock_adds_to_what_is_left(client, province_staff, make_in):
    item = MallItemFactory(points_price=10, stock=5)
    url = reverse("admin:activities_mallitem_change", args=[item.pk])
    client.force_login(province_staff)
    data = _form_data(client.get(url))
    mall_order_place(item_id=item.pk, user=_give(make_in("130102")))
    response = client.post(url, {**data, "restock": "20"})
    assert response.status_code == 302
    assert MallItem.objects.get(pk=item.pk).stock == 24

    response = client.post(url, {**data, "restock": "0"})
    assert response.status_code == 200
    assert MallItem.objects.get(pk=item.pk).stock == 24


def test_restock_service_rules(province_staff, langfang_staff):
    item = MallItemFactory(stock=3)
    assert mall_item_restock(item=item, add=7, actor=province_staff).stock == 10
    with pytest.raises(ValidationError, match="补充数量"):
        mall_item_restock(item=item, add=0, actor=province_staff)
    with pytest.raises(ValidationError, match="补充数量"):
        mall_item_restock(item=item, add=10**9, actor=province_staff)
    with pytest.raises(ValidationError, match="无权"):
        mall_item_restock(item=item, add=1, actor=langfang_staff)
    assert MallItem.objects.get(pk=item.pk).stock == 10
