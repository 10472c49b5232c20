"""The points mall (积分商城): redeeming points for items, and staff fulfilment."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.permissions import Action, user_can
from activities.models import MallItem, MallItemQuota, Order, PointsEntry
from activities.services.eligibility import eligibility_check
from activities.services.points import points_debit, points_reverse
from activities.services.quotas import (
    MALL_ITEM_QUOTAS,
    regional_quota_give_back,
    regional_quota_take,
    regional_quotas_set,
)
from regions.models import Region

#: The most one restock may add (a typo of extra zeros should not flood the mall).
RESTOCK_MAX = 100_000


@transaction.atomic
def mall_item_restock(*, item: MallItem, add: int, actor: Any) -> MallItem:
    """Add ``add`` pieces to ``item``'s stock, relative to whatever it is now (orders may have
    taken some since the staff member opened the page). Raises ``ValidationError``
    (Chinese) for a count outside 1…RESTOCK_MAX or an actor without the item's region;
    nothing is saved then. Returns the item with its new stock."""
    if not user_can(actor, Action.ACTIVITIES_MANAGE, region=item.region):
        raise ValidationError(_("您无权在该地区管理活动和福利。"))
    if not 1 <= add <= RESTOCK_MAX:
        raise ValidationError(_("补充数量须在 1 到 %(max)s 之间。") % {"max": f"{RESTOCK_MAX:,}"})
    MallItem.objects.filter(pk=item.pk).update(stock=F("stock") + add)
    item.refresh_from_db(fields=["stock"])
    return item


@transaction.atomic
def mall_order_place(*, item_id: int, user: Any) -> Order:
    """Buy one ``item`` with points: the regional stock covering the member's union, the
    item's stock (each a conditional ``UPDATE … WHERE stock > 0``), the order and the ledger
    debit in one transaction. Raises ``ValidationError`` for an item off the shelf or out of
    stock, the member's region out of its share ("本地区名额已兑完"), an ineligible member or
    too few points; then nothing is written."""
    item = MallItem.objects.select_related("region").filter(pk=item_id, active=True).first()
    if item is None:
        raise ValidationError(_("该商品已下架或不存在。"))
    membership = eligibility_check(target=item, user=user)
    member_path = membership.organization.region.path if membership is not None else ""
    quotas = regional_quota_take(kind=MALL_ITEM_QUOTAS, owner_id=item.pk, member_path=member_path)
    if not MallItem.objects.filter(pk=item.pk, stock__gt=0).update(stock=F("stock") - 1):
        raise ValidationError(_("该商品已兑完。"))
    order = Order.objects.create(item=item, user=user, points=item.points_price)
    if quotas:
        order.quotas.add(*quotas)
    order.debit_entry = points_debit(
        user=user,
        amount=item.points_price,
        reason=_("兑换商品：%(title)s") % {"title": item.title},
        source=PointsEntry.Source.MALL,
        idempotency_key=f"mall:order:{order.pk}",
    )
    order.save(update_fields=["debit_entry"])
    return order


@transaction.atomic
def mall_item_quotas_set(
    *, item: MallItem, quotas: list[tuple[Region, int]], actor: Any
) -> list[MallItemQuota]:
    """Replace the item's regional stock (``[(石家庄, 200), (唐山, 150)]``) on behalf of
    ``actor`` (who manages activities in the item's region); the item's own stock stays
    the province-wide total. A kept region's remaining stock moves by the change of its
    quota in SQL, so orders placed meanwhile are not overwritten; a quota below what the
    region has already redeemed is refused; a region left out loses its cap. Raises
    ``ValidationError`` (Chinese); nothing is written then."""
    return regional_quotas_set(kind=MALL_ITEM_QUOTAS, owner=item, quotas=quotas, actor=actor)


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
    points come back as a reversal row of the debit; the item's stock and the regional
    stock the order took are returned."""
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
    # Stock before points, in the order placing takes them (quotas, item, then the points
    # account), so a cancel and an order by the same member never wait on each other.
    regional_quota_give_back(
        kind=MALL_ITEM_QUOTAS, quota_ids=list(order.quotas.values_list("pk", flat=True))
    )
    MallItem.objects.filter(pk=order.item_id).update(stock=F("stock") + 1)
    refund = points_reverse(
        entry=order.debit_entry,
        reason=_("订单取消退回积分：%(title)s") % {"title": order.item.title},
    )
    Order.objects.filter(pk=order.pk).update(refund_entry=refund)
    order.refund_entry = refund
    return order
