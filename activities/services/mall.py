"""The points mall (积分商城): redeeming points for items, and staff fulfilment."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.permissions import Action, user_can
from activities.models import MallItem, Order, PointsEntry
from activities.services.eligibility import eligibility_check
from activities.services.points import points_debit, points_reverse


@transaction.atomic
def mall_order_place(*, item_id: int, user: Any) -> Order:
    """Buy one ``item`` with points: stock (conditional ``UPDATE … WHERE stock > 0``),
    the order and the ledger debit in one transaction. Raises ``ValidationError`` for an
    item off the shelf or out of stock, an ineligible member or too few points; then
    nothing is written."""
    item = MallItem.objects.select_related("region").filter(pk=item_id, active=True).first()
    if item is None:
        raise ValidationError(_("该商品已下架或不存在。"))
    eligibility_check(target=item, user=user)
    if not MallItem.objects.filter(pk=item.pk, stock__gt=0).update(stock=F("stock") - 1):
        raise ValidationError(_("该商品已兑完。"))
    order = Order.objects.create(item=item, user=user, points=item.points_price)
    order.debit_entry = points_debit(
        user=user,
        amount=item.points_price,
        reason=_("兑换商品：%(title)s") % {"title": item.title},
        source=PointsEntry.Source.MALL,
        idempotency_key=f"mall:order:{order.pk}",
    )
    order.save(update_fields=["debit_entry"])
    return order


def _may_handle(staff: Any, order: Order) -> bool:
    return user_can(staff, Action.ACTIVITIES_MANAGE, region=order.item.region)


def _move(*, order: Order, staff: Any, frm: tuple[str, ...], to: str, **fields: Any) -> Order:
    if staff is not None and not _may_handle(staff, order):
        raise ValidationError(_("您无权处理该订单。"))
    now = timezone.now()
    updated = Order.objects.filter(pk=order.pk, status__in=frm).update(
        status=to, updated_at=now, handled_by=staff, **fields
    )
    if not updated:
        order.refresh_from_db(fields=["status"])
        raise ValidationError(
            _("订单当前状态为“%(status)s”，不能执行该操作。")
            % {"status": order.get_status_display()}
        )
    order.refresh_from_db()
    return order


@transaction.atomic
def mall_order_mark_ready(*, order: Order, staff: Any) -> Order:
    """pending → ready: the item waits at the pickup place."""
    return _move(order=order, staff=staff, frm=(Order.Status.PENDING,), to=Order.Status.READY)


@transaction.atomic
def mall_order_mark_collected(*, order: Order, staff: Any) -> Order:
    """ready → collected: the member took the item."""
    return _move(order=order, staff=staff, frm=(Order.Status.READY,), to=Order.Status.COLLECTED)


@transaction.atomic
def mall_order_cancel(*, order: Order, actor: Any, reason: str) -> Order:
    """pending/ready → cancelled, by staff in scope or by the member while pending. The
    points come back as a reversal row of the debit, and the stock is returned."""
    is_owner = actor is not None and actor.pk == order.user_id
    if is_owner:
        allowed: tuple[str, ...] = (Order.Status.PENDING,)
        staff = None
    else:
        allowed = (Order.Status.PENDING, Order.Status.READY)
        staff = actor
        if actor is None or not _may_handle(actor, order):
            raise ValidationError(_("您无权处理该订单。"))
    reason = (reason or "").strip() or _("会员取消")
    order = _move(
        order=order, staff=staff, frm=allowed, to=Order.Status.CANCELLED, cancel_reason=reason
    )
    refund = points_reverse(
        entry=order.debit_entry,
        reason=_("订单取消退回积分：%(title)s") % {"title": order.item.title},
    )
    Order.objects.filter(pk=order.pk).update(refund_entry=refund)
    MallItem.objects.filter(pk=order.item_id).update(stock=F("stock") + 1)
    order.refund_entry = refund
    return order
