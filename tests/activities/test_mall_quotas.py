"""Regional stock of a mall item ("石家庄 200, 唐山 150"), the same quotas as welcome packs."""

from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from activities.models import MallItem, MallItemQuota, Order, PointsEntry
from activities.selectors import points_balance
from activities.services import (
    mall_item_quotas_set,
    mall_order_cancel,
    mall_order_place,
    points_credit,
)
from regions.models import Region
from tests.activities.factories import MallItemFactory
from tests.activities.test_campaigns import _run_threads

SOLD_OUT_HERE = "本地区名额已兑完"


def _r(code: str) -> Region:
    return Region.objects.get(code=code)


def _give(user, amount=100):
    points_credit(
        user=user,
        amount=amount,
        reason="参加活动",
        source="activity",
        idempotency_key=f"seed:{user.pk}",
    )
    return user


def _stock(item) -> dict[str, int]:
    left = {
        q.region.code: q.stock
        for q in MallItemQuota.objects.select_related("region").filter(item=item)
    }
    return {**left, "total": MallItem.objects.get(pk=item.pk).stock}


@pytest.fixture
def cup(province_staff):
    """A province-wide item: 石家庄 2, 廊坊 3 of which 三河 1; the rest of the province
    draws on the item's own stock only."""
    item = MallItemFactory(points_price=30, stock=10)
    mall_item_quotas_set(
        item=item,
        quotas=[(_r("130100"), 2), (_r("131000"), 3), (_r("131082"), 1)],
        actor=province_staff,
    )
    return item


@pytest.mark.django_db
def test_an_order_takes_the_members_regional_stock_with_the_points(cup, make_in):
    sanhe = _give(make_in("131082"))
    order = mall_order_place(item_id=cup.pk, user=sanhe)
    assert _stock(cup) == {"130100": 2, "131000": 2, "131082": 0, "total": 9}
    assert {q.region.code for q in order.quotas.all()} == {"131000", "131082"}
    assert points_balance(user=sanhe) == 70

    late = _give(make_in("131082"))
    with pytest.raises(ValidationError, match=SOLD_OUT_HERE) as caught:
        mall_order_place(item_id=cup.pk, user=late)
    assert "三河市" in caught.value.messages[0]
    # Nothing half-saved: the 廊坊 decrement, the item, the order and the points roll back.
    assert _stock(cup) == {"130100": 2, "131000": 2, "131082": 0, "total": 9}
    assert not Order.objects.filter(user=late).exists()
    assert points_balance(user=late) == 100

    # Elsewhere in 廊坊 the city's share still has room; 唐山 has no share of its own.
    mall_order_place(item_id=cup.pk, user=_give(make_in("131024")))
    tangshan = mall_order_place(item_id=cup.pk, user=_give(make_in("130200")))
    assert list(tangshan.quotas.all()) == []
    assert _stock(cup) == {"130100": 2, "131000": 1, "131082": 0, "total": 7}


@pytest.mark.django_db
def test_the_item_total_still_caps_every_region(province_staff, make_in):
    item = MallItemFactory(points_price=30, stock=1)
    mall_item_quotas_set(item=item, quotas=[(_r("130100"), 5)], actor=province_staff)
    mall_order_place(item_id=item.pk, user=_give(make_in("130102")))
    with pytest.raises(ValidationError, match="该商品已兑完"):
        mall_order_place(item_id=item.pk, user=_give(make_in("130102")))
    assert _stock(item) == {"130100": 4, "total": 0}


@pytest.mark.django_db
def test_cancelling_gives_back_exactly_what_the_order_took(cup, make_in, province_staff):
    member = _give(make_in("131082"))
    order = mall_order_place(item_id=cup.pk, user=member)
    mall_order_cancel(order=order, actor=member, reason="")
    assert _stock(cup) == {"130100": 2, "131000": 3, "131082": 1, "total": 10}
    assert points_balance(user=member) == 100

    again = mall_order_place(item_id=cup.pk, user=member)
    # 三河's share is dropped meanwhile: the cancel returns one to 廊坊 only, no error.
    mall_item_quotas_set(
        item=cup, quotas=[(_r("130100"), 2), (_r("131000"), 3)], actor=province_staff
    )
    mall_order_cancel(order=again, actor=province_staff, reason="缺货")
    assert _stock(cup) == {"130100": 2, "131000": 3, "total": 10}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("item_region", "rows", "message"),
    [
        ("131000", [("130100", 1)], "石家庄市不在本商品的兑换地区廊坊市范围内"),
        ("130000", [("131000", 3), ("131082", 4)], "超过了上级廊坊市的配额"),
        ("130000", [("131082", 1), ("131082", 2)], "同一地区只能设置一个配额"),
        ("130000", [("131082", -1)], "不小于0的整数"),
    ],
)
def test_bad_regional_stock_is_refused_in_chinese(province_staff, item_region, rows, message):
    item = MallItemFactory(region=_r(item_region), stock=10)
    with pytest.raises(ValidationError, match=message):
        mall_item_quotas_set(item=item, quotas=[(_r(c), n) for c, n in rows], actor=province_staff)
    assert not MallItemQuota.objects.exists()


@pytest.mark.django_db
def test_changing_regional_stock_keeps_orders_and_checks_scope(
    cup, make_in, province_staff, langfang_staff
):
    mall_order_place(item_id=cup.pk, user=_give(make_in("130102")))
    with pytest.raises(ValidationError, match="无权"):
        mall_item_quotas_set(item=cup, quotas=[], actor=langfang_staff)
    with pytest.raises(ValidationError, match="已兑换 1 件，配额不能少于已兑换数量"):
        mall_item_quotas_set(item=cup, quotas=[(_r("130100"), 0)], actor=province_staff)
    # Staff restock the item freely, so a share above its stock is allowed (it never binds).
    mall_item_quotas_set(
        item=cup, quotas=[(_r("130100"), 200), (_r("130200"), 150)], actor=province_staff
    )
    assert _stock(cup) == {"130100": 199, "130200": 150, "total": 9}


@pytest.fixture
def _no_mfa(settings):
    settings.PORTAL_STAFF_MFA_REQUIRED = False


@pytest.mark.django_db
@pytest.mark.usefixtures("_no_mfa")
def test_staff_edit_regional_stock_inline(client, cup, make_in, province_staff, langfang_staff):
    mall_order_place(item_id=cup.pk, user=_give(make_in("131082")))
    client.force_login(province_staff)
    changelist = client.get(reverse("admin:activities_mallitem_changelist")).content.decode()
    assert "三河市 1/1" in changelist and "廊坊市 1/3" in changelist
    url = reverse("admin:activities_mallitem_change", args=[cup.pk])
    page = client.get(url)
    assert page.status_code == 200 and "地区库存" in page.content.decode()
    form = page.context["adminform"].form
    data = {
        name: value
        for name, value in form.initial.items()
        if name not in ("created_at", "id") and value is not None
    }
    quotas = list(MallItemQuota.objects.filter(item=cup).order_by("region__path"))
    data.update(
        {
            "region": cup.region_id,
            "created_at_0": "2026-01-01",
            "created_at_1": "00:00:00",
            "quotas-TOTAL_FORMS": "4",
            "quotas-INITIAL_FORMS": "3",
        }
    )
    wanted = {"130100": 2, "131000": 3, "131082": 0}
    for i, quota in enumerate(quotas):
        data.update(
            {
                f"quotas-{i}-id": quota.pk,
                f"quotas-{i}-item": cup.pk,
                f"quotas-{i}-region": quota.region_id,
                f"quotas-{i}-quota": wanted[quota.region.code],
            }
        )
    data.update({"quotas-3-region": _r("130200").pk, "quotas-3-quota": "150"})
    sanhe_form = next(i for i, q in enumerate(quotas) if q.region.code == "131082")
    # Below what 三河 already redeemed: the form comes back with the message, nothing saved.
    response = client.post(url, data)
    assert response.status_code == 200
    assert "三河市已兑换 1 件，配额不能少于已兑换数量" in response.content.decode()
    assert _stock(cup) == {"130100": 2, "131000": 2, "131082": 0, "total": 9}
    data[f"quotas-{sanhe_form}-quota"] = "2"
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert _stock(cup) == {"130100": 2, "131000": 2, "131082": 1, "130200": 150, "total": 9}

    # A city editor sees the item of the province only if it is in scope: not this one.
    client.force_login(langfang_staff)
    assert client.get(url).status_code in (302, 404)


@pytest.mark.django_db
def test_member_pages_show_what_is_left_for_their_region(client, cup, make_in):
    member = _give(make_in("131082"))
    detail = reverse("activities:mall_item", args=[cup.pk])
    assert "剩余" not in client.get(detail).content.decode()  # a visitor: no region
    client.force_login(member)
    body = client.get(detail).content.decode()
    assert "三河市剩余" in body and SOLD_OUT_HERE not in body
    assert reverse("activities:mall_redeem", args=[cup.pk]) in body
    assert "三河市剩余 1" in client.get(reverse("activities:mall")).content.decode()

    response = client.post(reverse("activities:mall_redeem", args=[cup.pk]), follow=True)
    assert response.status_code == 200
    assert Order.objects.filter(user=member).count() == 1

    # The next one from 三河 is told before trying, and told again if they post anyway.
    other = _give(make_in("131082"))
    client.force_login(other)
    body = client.get(detail).content.decode()
    assert SOLD_OUT_HERE in body
    assert reverse("activities:mall_redeem", args=[cup.pk]) not in body
    assert SOLD_OUT_HERE in client.get(reverse("activities:mall")).content.decode()
    response = client.post(reverse("activities:mall_redeem", args=[cup.pk]), follow=True)
    assert SOLD_OUT_HERE in response.content.decode()
    assert not Order.objects.filter(user=other).exists()


@pytest.mark.django_db
def test_the_mall_list_does_not_query_per_item(
    client, cup, make_in, province_staff, django_assert_num_queries
):
    member = _give(make_in("131082"))
    client.force_login(member)
    url = reverse("activities:mall")
    client.get(url)  # warm the session and the region tree
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for n in range(4):
        item = MallItemFactory(title=f"雨伞{n}", stock=5)
        mall_item_quotas_set(item=item, quotas=[(_r("131000"), 2)], actor=province_staff)
    with django_assert_num_queries(len(few.captured_queries)):
        body = client.get(url).content.decode()
    assert body.count("廊坊市剩余 2") == 4


@pytest.mark.django_db
def test_demo_gives_one_mall_item_regional_stock(regions):
    from accounts import demo, demo_membership
    from activities import demo as activities_demo

    demo.seed(stdout=StringIO())
    demo_membership.seed(stdout=StringIO())
    activities_demo.seed(stdout=StringIO())
    activities_demo.seed(stdout=StringIO())  # idempotent
    quotas = MallItemQuota.objects.select_related("region", "item")
    assert {(q.item.title, q.region.name, q.quota, q.stock) for q in quotas} == {
        ("职工之家定制保温杯", "石家庄市", 80, 80),
        ("职工之家定制保温杯", "廊坊市", 60, 60),
    }


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_redemptions_respect_each_regions_stock_exactly(
    regions, province_staff, make_in
):
    item = MallItemFactory(points_price=30, stock=30)
    mall_item_quotas_set(
        item=item,
        quotas=[(_r("130100"), 3), (_r("131000"), 7), (_r("131082"), 3), (_r("131024"), 4)],
        actor=province_staff,
    )
    sjz = [_give(make_in("130102")) for _ in range(6)]
    sanhe = [_give(make_in("131082")) for _ in range(6)]
    xianghe = [_give(make_in("131024")) for _ in range(6)]
    members = [m for trio in zip(sjz, sanhe, xianghe, strict=True) for m in trio]
    outcomes = _run_threads(
        [lambda m=m: mall_order_place(item_id=item.pk, user=m) for m in members]
    )
    assert outcomes.count("ok") == 10
    assert sum(SOLD_OUT_HERE in outcome for outcome in outcomes) == 8
    for group, won in ((sjz, 3), (sanhe, 3), (xianghe, 4)):
        assert Order.objects.filter(item=item, user__in=group).count() == won
        assert sum(points_balance(user=m) for m in group) == 100 * 6 - 30 * won
    assert _stock(item) == {"130100": 0, "131000": 0, "131082": 0, "131024": 0, "total": 20}
    assert PointsEntry.objects.filter(source=PointsEntry.Source.MALL).count() == 10
    assert Order.quotas.through.objects.count() == 3 + 2 * 3 + 2 * 4
