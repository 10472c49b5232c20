"""Activities, welcome packs and points."""

from __future__ import annotations

from django.db.models import Count, F, Q, Sum

from activities.models import Activity, Campaign, Claim, Order, PointsEntry, Signup
from insights.indicators.common import by_member, labels
from insights.registry import Kind as K
from insights.registry import Period as P
from insights.registry import Source, Window, indicator


@indicator(
    code="activities_held",
    name="举办活动",
    unit="场",
    definition="当日开始的已发布活动场数，按举办地区统计；可按活动类型分类。",
    domain="activities",
    kind=K.COUNT,
    period=P.FLOW,
    breakdown="活动类型",
    breakdown_labels=labels(Activity.Kind),
)
def activities_held(w: Window) -> Source:
    queryset = Activity.objects.filter(w.during("starts_at"), published=True)
    return Source(queryset, "region", key="kind")


@indicator(
    code="activity_signups",
    name="活动报名",
    unit="人次",
    definition="当日的活动报名人次（含候补），按活动举办地区统计。",
    domain="activities",
    kind=K.COUNT,
    period=P.FLOW,
    headline=True,
)
def activity_signups(w: Window) -> Source:
    return Source(Signup.objects.filter(w.during("created_at")), "activity__region")


@indicator(
    code="activity_checkins",
    name="活动签到",
    unit="人次",
    definition="当日在活动现场扫码签到的人次。",
    domain="activities",
    kind=K.COUNT,
    period=P.FLOW,
)
def activity_checkins(w: Window) -> Source:
    return Source(Signup.objects.filter(w.during("checked_in_at")), "activity__region")


@indicator(
    code="activity_attendance_rate",
    name="活动到场率",
    unit="%",
    definition="当日开始的活动中，已报名（不含候补和取消）的人实际签到的比例。",
    domain="activities",
    kind=K.RATIO,
    period=P.FLOW,
)
def activity_attendance_rate(w: Window) -> Source:
    queryset = Signup.objects.filter(
        w.during("activity__starts_at"), status=Signup.Status.CONFIRMED
    )
    present = Count("pk", filter=Q(checked_in_at__isnull=False))
    return Source(queryset, "activity__region", num=present, den=Count("pk"))


@indicator(
    code="packs_claimed",
    name="礼包领取",
    unit="份",
    definition="会员当日领取的暖新礼包、清凉券等福利份数，按会员所属工会地区统计；可按福利类型分类。",
    domain="activities",
    kind=K.COUNT,
    period=P.FLOW,
    breakdown="福利类型",
    breakdown_labels=labels(Campaign.Kind),
    headline=True,
)
def packs_claimed(w: Window) -> Source:
    return by_member(Claim, "user", w, w.during("claimed_at"), key="campaign__kind")


@indicator(
    code="packs_redeemed",
    name="礼包核销",
    unit="份",
    definition="当日在服务站扫码核销（领到实物）的福利份数。",
    domain="activities",
    kind=K.COUNT,
    period=P.FLOW,
)
def packs_redeemed(w: Window) -> Source:
    return by_member(Claim, "user", w, w.during("redeemed_at"))


@indicator(
    code="points_earned",
    name="积分发放",
    unit="分",
    definition="会员当日获得的积分合计（不含冲正）；可按来源分类。",
    domain="activities",
    kind=K.COUNT,
    period=P.FLOW,
    breakdown="积分来源",
    breakdown_labels=labels(PointsEntry.Source),
)
def points_earned(w: Window) -> Source:
    return by_member(
        PointsEntry,
        "user",
        w,
        w.during("created_at"),
        Q(amount__gt=0) & ~Q(source=PointsEntry.Source.REVERSAL),
        num=Sum("amount"),
        key="source",
    )


@indicator(
    code="points_spent",
    name="积分消费",
    unit="分",
    definition="会员当日在积分商城等处花掉的积分合计（不含冲正）。",
    domain="activities",
    kind=K.COUNT,
    period=P.FLOW,
)
def points_spent(w: Window) -> Source:
    return by_member(
        PointsEntry,
        "user",
        w,
        w.during("created_at"),
        Q(amount__lt=0) & ~Q(source=PointsEntry.Source.REVERSAL),
        num=Sum(-F("amount")),
    )


@indicator(
    code="mall_orders",
    name="商城订单",
    unit="单",
    definition="会员当日在积分商城下的订单数。",
    domain="activities",
    kind=K.COUNT,
    period=P.FLOW,
)
def mall_orders(w: Window) -> Source:
    return by_member(Order, "user", w, w.during("created_at"))
