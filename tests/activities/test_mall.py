import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import close_old_connections, connection

from activities.models import MallItem, Order, PointsEntry
from activities.selectors import points_balance
from activities.services import (
    mall_order_cancel,
    mall_order_mark_collected,
    mall_order_mark_ready,
    mall_order_place,
    points_credit,
)
from tests.activities.factories import MallItemFactory


def _give(user, amount, key="seed"):
    points_credit(
        user=user, amount=amount, reason="参加活动", source="activity", idempotency_key=key
    )


@pytest.mark.django_db
def test_order_debits_points_and_stock_together(courier):
    _give(courier, 100)
    item = MallItemFactory(points_price=30, stock=2)
    order = mall_order_place(item_id=item.pk, user=courier)
    item.refresh_from_db()
    assert item.stock == 1
    assert order.status == Order.Status.PENDING
    assert order.debit_entry.amount == -30
    assert points_balance(user=courier) == 70


@pytest.mark.django_db
def test_insufficient_points_leave_nothing_behind(courier):
    _give(courier, 10)
    item = MallItemFactory(points_price=30, stock=2)
    with pytest.raises(ValidationError, match="积分不足"):
        mall_order_place(item_id=item.pk, user=courier)
    item.refresh_from_db()
    assert item.stock == 2
    assert not Order.objects.exists()
    assert points_balance(user=courier) == 10


@pytest.mark.django_db
def test_out_of_stock_and_off_shelf(courier):
    _give(courier, 100)
    with pytest.raises(ValidationError, match="兑完"):
        mall_order_place(item_id=MallItemFactory(stock=0).pk, user=courier)
    with pytest.raises(ValidationError, match="下架"):
        mall_order_place(item_id=MallItemFactory(active=False).pk, user=courier)
    assert points_balance(user=courier) == 100


@pytest.mark.django_db
def test_fulfilment_and_cancel_with_refund(courier, langfang_staff, sjz_staff, regions):
    from regions.models import Region

    _give(courier, 100)
    item = MallItemFactory(points_price=40, stock=3, region=Region.objects.get(code="131000"))
    order = mall_order_place(item_id=item.pk, user=courier)
    with pytest.raises(ValidationError, match="无权"):
        mall_order_mark_ready(order=order, staff=sjz_staff)
    with pytest.raises(ValidationError, match="不能执行"):
        mall_order_mark_collected(order=order, staff=langfang_staff)
    order = mall_order_mark_ready(order=order, staff=langfang_staff)
    assert order.status == Order.Status.READY
    # The member may cancel only while pending; staff may still cancel a ready order.
    with pytest.raises(ValidationError, match="不能执行"):
        mall_order_cancel(order=order, actor=courier, reason="")
    order = mall_order_cancel(order=order, actor=langfang_staff, reason="商品破损")
    assert order.status == Order.Status.CANCELLED
    assert order.refund_entry.amount == 40
    assert order.refund_entry.reverses_id == order.debit_entry_id
    assert points_balance(user=courier) == 100
    item.refresh_from_db()
    assert item.stock == 3
    with pytest.raises(ValidationError, match="不能执行"):
        mall_order_cancel(order=order, actor=langfang_staff, reason="again")
    assert PointsEntry.objects.filter(user=courier).count() == 3

    second = mall_order_place(item_id=item.pk, user=courier)
    mall_order_cancel(order=second, actor=courier, reason="")
    assert points_balance(user=courier) == 100


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_orders_never_overdraw(courier):
    _give(courier, 100)
    item = MallItemFactory(points_price=30, stock=10)
    barrier = threading.Barrier(8)
    results: list[str] = []

    def buy() -> None:
        close_old_connections()
        barrier.wait()
        try:
            mall_order_place(item_id=item.pk, user=courier)
            results.append("ok")
        except ValidationError:
            results.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=buy) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results.count("ok") == 3
    assert points_balance(user=courier) == 10
    assert MallItem.objects.get(pk=item.pk).stock == 7
    assert Order.objects.count() == 3
