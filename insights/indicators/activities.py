"""Activities, welcome packs and points."""

from __future__ import annotations

from django.db.models import Count, F, Q, Sum

from activities.models import Activity, Campaign, Claim, MallItem, Order, PointsEntry, Signup
from insights.indicators.common import by_member, count_if, labels, share_of
from insights.registry import Kind as K
from insights.registry import Period as P
from insights.registry import Source, Window, indicator


@indicator(
    code="activities_held",
    name="举办活动",
    unit="场",
    formula="当日开始的已发布活动场数（按举办地）",
    database="活动参与",
    definition="当日开始的已发布活动场数，按举办地区统计；可按活动类型分类。",
    domain="activities",
    kind=K.COUNT,
    period=P.FLOW,
    breakdown="活动类型",
    breakdown_labels=labels(Activity.Kind),
)
def activities_held(w: Window) -> Source:
    return Source(_starting(w), "region", key="kind")


@indicator(
    code="activity_signups",
    name="活动报名",
    unit="人次",
    formula="当日的报名记录数（含候补，按活动举办地）",
    database="活动参与",
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
    formula="当日签到的报名记录数",
    database="活动参与",
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
    formula="当日开始的活动中已签到的确认报名数 ÷ 确认报名数 × 100%",
    database="活动参与",
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
    formula="会员当日的福利领取记录数，按福利类型分组",
    database="普惠福利发放",
    definition=(
        "会员当日领取的暖新礼包、清凉券等福利份数，按会员所属工会地区统计；可按福利类型分类。"
    ),
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
    formula="会员当日核销（redeemed_at 在当日）的领取记录数",
    database="普惠福利发放",
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
    formula="会员当日积分流水中 amount>0 且来源非冲正的 amount 之和",
    database="积分",
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
    formula="会员当日积分流水中 amount<0 且来源非冲正的 −amount 之和",
    database="积分",
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
    formula="会员当日在积分商城下的订单数",
    database="积分",
    definition="会员当日在积分商城下的订单数。",
    domain="activities",
    kind=K.COUNT,
    period=P.FLOW,
)
def mall_orders(w: Window) -> Source:
    return by_member(Order, "user", w, w.during("created_at"))


# --- places, waiting lists, welfare campaigns, points and the mall (issue 22) -------------


def _starting(w: Window):
    return Activity.objects.filter(w.during("starts_at"), published=True)


@indicator(
    code="activity_capacity",
    name="活动名额",
    unit="个",
    formula="当日开始的已发布活动的名额之和",
    database="活动参与",
    definition="当日开始的活动向职工提供的报名名额合计。",
    domain="activities",
    kind=K.COUNT,
    period=P.FLOW,
)
def activity_capacity(w: Window) -> Source:
    return Source(_starting(w), "region", num=Sum("capacity"))


@indicator(
    code="online_activity_share",
    name="线上活动占比",
    unit="%",
    formula="当日开始的已发布活动中设有线上参与地址的场数 ÷ 当日开始的活动场数 × 100%",
    database="活动参与",
    definition="当日开始的活动中可线上参加（直播、线上课堂）的比例。",
    domain="activities",
    kind=K.RATIO,
    period=P.FLOW,
)
def online_activity_share(w: Window) -> Source:
    return Source(_starting(w), "region", **share_of(~Q(online_url="")))


@indicator(
    code="job_fairs_held",
    name="招聘会",
    unit="场",
    formula="当日开始的已发布活动中类型为招聘会的场数",
    database="就业帮扶",
    definition="当日举办的工会招聘会（含“春风行动”等专场）场数。",
    domain="activities",
    kind=K.COUNT,
    period=P.FLOW,
)
def job_fairs_held(w: Window) -> Source:
    return Source(_starting(w), "region", num=count_if(Q(kind=Activity.Kind.JOB_FAIR)))


@indicator(
    code="activity_cancellations",
    name="报名取消",
    unit="人次",
    formula="取消时间在当日的活动报名数（按活动举办地区）",
    database="活动参与",
    definition="当日取消活动报名的人次（名额退回，候补依次递补）。",
    domain="activities",
    kind=K.COUNT,
    period=P.FLOW,
)
def activity_cancellations(w: Window) -> Source:
    return Source(Signup.objects.filter(w.during("cancelled_at")), "activity__region")


@indicator(
    code="waitlist_promotions",
    name="候补转正",
    unit="人次",
    formula="候补转正时间在当日的活动报名数",
    database="活动参与",
    definition="当日由候补递补为正式报名的人次。",
    domain="activities",
    kind=K.COUNT,
    period=P.FLOW,
)
def waitlist_promotions(w: Window) -> Source:
    return Source(Signup.objects.filter(w.during("promoted_at")), "activity__region")


@indicator(
    code="campaigns_running",
    name="进行中的福利活动",
    unit="项",
    formula="已发布、开始时间早于日末、结束时间不早于当日开始的福利活动数（按发放地区）",
    database="普惠福利发放",
    definition="当日处于领取期的暖新礼包、清凉券、节日慰问等福利活动项数。",
    domain="activities",
    kind=K.COUNT,
    period=P.STOCK,
    breakdown="福利类型",
    breakdown_labels=labels(Campaign.Kind),
)
def campaigns_running(w: Window) -> Source:
    queryset = Campaign.objects.filter(published=True, starts_at__lt=w.end, ends_at__gte=w.start)
    return Source(queryset, "region", key="kind")


@indicator(
    code="pack_redemption_rate",
    name="礼包核销率",
    unit="%",
    formula="日末前领取的福利中日末前已核销的份数 ÷ 日末前领取的份数 × 100%",
    database="普惠福利发放",
    definition="截至当日结束会员领取的福利中，已到服务站扫码领到实物的比例。",
    domain="activities",
    kind=K.RATIO,
    period=P.STOCK,
)
def pack_redemption_rate(w: Window) -> Source:
    return by_member(
        Claim, "user", w, Q(claimed_at__lt=w.end), **share_of(Q(redeemed_at__lt=w.end))
    )


def _points_day(w: Window, **kwargs) -> Source:
    return by_member(PointsEntry, "user", w, w.during("created_at"), **kwargs)


@indicator(
    code="points_earners",
    name="获得积分人数",
    unit="人",
    formula="当日有 amount>0 且来源非冲正的积分流水的不同会员数",
    database="积分",
    definition="当日获得积分（学习、考试、活动、热线评价等）的会员人数。",
    domain="activities",
    kind=K.COUNT,
    period=P.FLOW,
)
def points_earners(w: Window) -> Source:
    earned = Q(amount__gt=0) & ~Q(source=PointsEntry.Source.REVERSAL)
    return _points_day(w, num=Count("user", distinct=True, filter=earned))


@indicator(
    code="points_expired",
    name="过期积分",
    unit="分",
    formula="当日来源为过期清零的积分流水的 −amount 之和",
    database="积分",
    definition="当日因超过有效期而清零的积分合计。",
    domain="activities",
    kind=K.COUNT,
    period=P.FLOW,
)
def points_expired(w: Window) -> Source:
    expired = Q(source=PointsEntry.Source.EXPIRY)
    return _points_day(w, num=Sum(-F("amount"), filter=expired))


@indicator(
    code="mall_points",
    name="商城兑换积分",
    unit="分",
    formula="会员当日在积分商城下单的订单积分之和（含之后取消的）",
    database="积分",
    definition="会员当日在积分商城兑换商品所用的积分合计。",
    domain="activities",
    kind=K.COUNT,
    period=P.FLOW,
)
def mall_points(w: Window) -> Source:
    return by_member(Order, "user", w, w.during("created_at"), num=Sum("points"))


@indicator(
    code="mall_items_on_sale",
    name="积分商城在售商品",
    unit="种",
    formula="上架中、创建时间早于日末的积分商城商品种数（按商品所属地区，以计算时状态为准）",
    database="普惠服务商户",
    definition="当日积分商城中上架可兑换的商品种数。",
    domain="activities",
    kind=K.COUNT,
    period=P.STOCK,
)
def mall_items_on_sale(w: Window) -> Source:
    return Source(MallItem.objects.filter(active=True, created_at__lt=w.end), "region")
