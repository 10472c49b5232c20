"""The 12351 hotline: requests, response and resolution times, satisfaction."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Count, F, Q, Sum

from hotline.models import OPEN_STATES, HotlineRequest, Kind, RequestMessage, Tier, Topic
from insights.indicators.common import count_if, hours, labels, share_of
from insights.registry import Kind as K
from insights.registry import Period as P
from insights.registry import Source, Window, indicator


@indicator(
    code="hotline_requests",
    name="热线诉求",
    unit="件",
    formula="当日创建的12351诉求件数（按诉求发生地）",
    database="12351 工单",
    definition="当日受理的12351诉求件数（网上与电话），按诉求发生地统计；可按诉求类型分类。",
    domain="hotline",
    kind=K.COUNT,
    period=P.FLOW,
    breakdown="诉求类型",
    breakdown_labels=labels(Kind),
    headline=True,
)
def hotline_requests(w: Window) -> Source:
    return Source(HotlineRequest.objects.filter(w.during("created_at")), "region", key="kind")


@indicator(
    code="hotline_requests_by_topic",
    name="热线诉求（按话题）",
    unit="件",
    formula="当日创建的12351诉求件数，按话题分组",
    database="12351 工单",
    definition="当日受理的12351诉求件数，按话题（劳动合同、工资报酬、社会保险等）分类。",
    domain="hotline",
    kind=K.COUNT,
    period=P.FLOW,
    breakdown="话题",
    breakdown_labels=labels(Topic),
)
def hotline_requests_by_topic(w: Window) -> Source:
    return Source(HotlineRequest.objects.filter(w.during("created_at")), "region", key="topic")


@indicator(
    code="hotline_phone_share",
    name="电话渠道占比",
    unit="%",
    formula="当日电话渠道诉求数 ÷ 当日诉求总数 × 100%",
    database="12351 工单",
    definition="当日受理的诉求中通过电话（坐席代录）提交的比例。",
    domain="hotline",
    kind=K.RATIO,
    period=P.FLOW,
)
def hotline_phone_share(w: Window) -> Source:
    phone = Count("pk", filter=Q(channel=HotlineRequest.Channel.PHONE))
    queryset = requests_created(w)
    return Source(queryset, "region", num=phone, den=Count("pk"))


@indicator(
    code="hotline_first_response_hours",
    name="首次答复平均用时",
    unit="小时",
    formula="Σ(首次答复时间−受理时间) ÷ 当日首次答复的诉求数，单位小时",
    database="12351 工单",
    definition="当日作出首次答复的诉求，从受理到首次答复的平均小时数。",
    domain="hotline",
    kind=K.MEAN,
    period=P.FLOW,
)
def hotline_first_response_hours(w: Window) -> Source:
    queryset = HotlineRequest.objects.filter(w.during("first_response_at"))
    return Source(queryset, "region", num=hours("first_response_at", "created_at"), den=Count("pk"))


@indicator(
    code="hotline_resolved",
    name="热线办结",
    unit="件",
    formula="当日办结（resolved_at 在当日）的诉求件数",
    database="12351 工单",
    definition="当日办结的诉求件数。",
    domain="hotline",
    kind=K.COUNT,
    period=P.FLOW,
)
def hotline_resolved(w: Window) -> Source:
    return Source(requests_resolved(w), "region")


@indicator(
    code="hotline_resolution_hours",
    name="办结平均用时",
    unit="小时",
    formula="Σ(办结时间−受理时间) ÷ 当日办结诉求数，单位小时",
    database="12351 工单",
    definition="当日办结的诉求，从受理到办结的平均小时数。",
    domain="hotline",
    kind=K.MEAN,
    period=P.FLOW,
)
def hotline_resolution_hours(w: Window) -> Source:
    queryset = requests_resolved(w)
    return Source(queryset, "region", num=hours("resolved_at", "created_at"), den=Count("pk"))


@indicator(
    code="hotline_on_time_rate",
    name="按时办结率",
    unit="%",
    formula="当日办结且办结时间≤办结时限的诉求数 ÷ 当日办结诉求数 × 100%",
    database="12351 工单",
    definition="当日办结的诉求中，在办结时限内办结的比例。",
    domain="hotline",
    kind=K.RATIO,
    period=P.FLOW,
    headline=True,
)
def hotline_on_time_rate(w: Window) -> Source:
    on_time = Count(
        "pk", filter=Q(resolution_due__isnull=False, resolved_at__lte=F("resolution_due"))
    )
    queryset = requests_resolved(w)
    return Source(queryset, "region", num=on_time, den=Count("pk"))


def _open_at_end(w: Window):
    return HotlineRequest.objects.filter(created_at__lt=w.end).filter(
        Q(resolved_at__isnull=True, state__in=OPEN_STATES) | Q(resolved_at__gte=w.end)
    )


@indicator(
    code="hotline_open",
    name="在办诉求",
    unit="件",
    formula="日末前受理、日末未办结的诉求件数",
    database="12351 工单",
    definition="当日结束时已受理、尚未办结的诉求件数。",
    domain="hotline",
    kind=K.COUNT,
    period=P.STOCK,
)
def hotline_open(w: Window) -> Source:
    return Source(_open_at_end(w), "region")


@indicator(
    code="hotline_overdue",
    name="超时在办诉求",
    unit="件",
    formula="日末未办结且办结时限早于日末的诉求件数",
    database="12351 工单",
    definition="当日结束时尚未办结且已超过办结时限的诉求件数。",
    domain="hotline",
    kind=K.COUNT,
    period=P.STOCK,
)
def hotline_overdue(w: Window) -> Source:
    return Source(_open_at_end(w).filter(resolution_due__lt=w.end), "region")


@indicator(
    code="hotline_satisfaction",
    name="热线满意率",
    unit="%",
    formula="当日评价中4星及以上的件数 ÷ 当日评价件数 × 100%",
    database="12351 工单",
    definition="当日收到的服务评价中，评为4星或5星（满意）的比例。",
    domain="hotline",
    kind=K.RATIO,
    period=P.FLOW,
    headline=True,
)
def hotline_satisfaction(w: Window) -> Source:
    satisfied = Count("pk", filter=Q(rating__gte=4))
    queryset = HotlineRequest.objects.filter(w.during("rated_at"), rating__isnull=False)
    return Source(queryset, "region", num=satisfied, den=Count("pk"))


@indicator(
    code="hotline_rating_average",
    name="热线平均评分",
    unit="星",
    formula="当日评价星级之和 ÷ 当日评价件数",
    database="12351 工单",
    definition="当日收到的服务评价的平均星级（1至5星）。",
    domain="hotline",
    kind=K.MEAN,
    period=P.FLOW,
)
def hotline_rating_average(w: Window) -> Source:
    queryset = HotlineRequest.objects.filter(w.during("rated_at"), rating__isnull=False)
    return Source(queryset, "region", num=Sum("rating"), den=Count("pk"))


# --- channels, time limits, supervision, replies (issue 22) -------------------------------
# The figures over one day's received, first-answered, resolved or rated requests use the
# same query as the indicators above, so each family is one grouped scan.


def requests_created(w: Window):
    return HotlineRequest.objects.filter(w.during("created_at"))


def requests_resolved(w: Window):
    return HotlineRequest.objects.filter(w.during("resolved_at"))


@indicator(
    code="hotline_online",
    name="网上诉求",
    unit="件",
    formula="当日受理、渠道为网上（会员自助提交）的诉求件数",
    database="12351 工单",
    definition="当日通过网站和小程序网上提交的12351诉求件数。",
    domain="hotline",
    kind=K.COUNT,
    period=P.FLOW,
)
def hotline_online(w: Window) -> Source:
    online = count_if(Q(channel=HotlineRequest.Channel.ONLINE))
    return Source(requests_created(w), "region", num=online)


@indicator(
    code="hotline_difficult_share",
    name="疑难复杂诉求占比",
    unit="%",
    formula="当日受理诉求中办理层级为疑难或特别复杂的件数 ÷ 当日受理诉求件数 × 100%",
    database="12351 工单",
    definition="当日受理的诉求中按疑难事项、特别复杂事项办理（办结时限更长）的比例。",
    domain="hotline",
    kind=K.RATIO,
    period=P.FLOW,
)
def hotline_difficult_share(w: Window) -> Source:
    hard = Q(tier__in=[Tier.DIFFICULT, Tier.COMPLEX])
    return Source(requests_created(w), "region", **share_of(hard))


@indicator(
    code="hotline_new_form_requests",
    name="新就业形态劳动者诉求",
    unit="件",
    formula="当日受理、话题为新就业形态劳动者权益的诉求件数",
    database="新就业形态劳动者",
    definition="当日受理的快递员、外卖骑手、网约车司机等新就业形态劳动者权益诉求件数。",
    domain="hotline",
    kind=K.COUNT,
    period=P.FLOW,
)
def hotline_new_form_requests(w: Window) -> Source:
    return Source(requests_created(w), "region", num=count_if(Q(topic=Topic.NEW_FORM)))


@indicator(
    code="hotline_first_response_on_time_rate",
    name="首次答复及时率",
    unit="%",
    formula="当日首次答复且答复时间≤首次答复时限的诉求数 ÷ 当日首次答复的诉求数 × 100%",
    database="12351 工单",
    definition="当日作出首次答复的诉求中，在首次答复时限内答复的比例。",
    domain="hotline",
    kind=K.RATIO,
    period=P.FLOW,
)
def hotline_first_response_on_time_rate(w: Window) -> Source:
    in_time = Q(first_response_due__isnull=False, first_response_at__lte=F("first_response_due"))
    queryset = HotlineRequest.objects.filter(w.during("first_response_at"))
    return Source(queryset, "region", **share_of(in_time))


@indicator(
    code="hotline_resolved_3_days_share",
    name="3日内办结占比",
    unit="%",
    formula="当日办结且 办结时间−受理时间≤72小时 的诉求数 ÷ 当日办结诉求数 × 100%",
    database="12351 工单",
    definition="当日办结的诉求中，自受理起3日（72小时）内办结的比例。",
    domain="hotline",
    kind=K.RATIO,
    period=P.FLOW,
)
def hotline_resolved_3_days_share(w: Window) -> Source:
    fast = Q(resolved_at__lte=F("created_at") + timedelta(days=3))
    return Source(requests_resolved(w), "region", **share_of(fast))


@indicator(
    code="hotline_resolved_late",
    name="超时办结",
    unit="件",
    formula="当日办结且办结时间晚于办结时限的诉求件数",
    database="12351 工单",
    definition="当日办结、但超过办结时限才办结的诉求件数。",
    domain="hotline",
    kind=K.COUNT,
    period=P.FLOW,
)
def hotline_resolved_late(w: Window) -> Source:
    late = count_if(Q(resolution_due__isnull=False, resolved_at__gt=F("resolution_due")))
    return Source(requests_resolved(w), "region", num=late)


@indicator(
    code="hotline_escalated",
    name="升级督办",
    unit="件",
    formula="升级督办时间在当日的诉求件数",
    database="12351 工单",
    definition="当日因临近或超过时限升级至上级督办的诉求件数。",
    domain="hotline",
    kind=K.COUNT,
    period=P.FLOW,
)
def hotline_escalated(w: Window) -> Source:
    return Source(HotlineRequest.objects.filter(w.during("escalated_at")), "region")


@indicator(
    code="hotline_closed",
    name="归档诉求",
    unit="件",
    formula="归档时间在当日的诉求件数",
    database="12351 工单",
    definition="当日办结后完成回访、归档的诉求件数。",
    domain="hotline",
    kind=K.COUNT,
    period=P.FLOW,
)
def hotline_closed(w: Window) -> Source:
    return Source(HotlineRequest.objects.filter(w.during("closed_at")), "region")


@indicator(
    code="hotline_overdue_share",
    name="在办超时率",
    unit="%",
    formula="日末在办诉求中办结时限早于日末的件数 ÷ 日末在办诉求件数 × 100%",
    database="12351 工单",
    definition="当日结束时尚未办结的诉求中已超过办结时限的比例。",
    domain="hotline",
    kind=K.RATIO,
    period=P.STOCK,
)
def hotline_overdue_share(w: Window) -> Source:
    return Source(_open_at_end(w), "region", **share_of(Q(resolution_due__lt=w.end)))


def _messages(w: Window):
    return RequestMessage.objects.filter(w.during("created_at"))


@indicator(
    code="hotline_replies",
    name="坐席答复",
    unit="条",
    formula="当日工作人员答复（不含内部备注和职工留言）的消息条数，按诉求发生地",
    database="12351 工单",
    definition="当日热线工作人员向职工发出的答复条数。",
    domain="hotline",
    kind=K.COUNT,
    period=P.FLOW,
)
def hotline_replies(w: Window) -> Source:
    reply = count_if(Q(kind=RequestMessage.Kind.REPLY))
    return Source(_messages(w), "request__region", num=reply)


@indicator(
    code="hotline_replies_per_request",
    name="每件诉求平均答复次数",
    unit="次",
    formula="当日工作人员答复条数 ÷ 当日收到答复的不同诉求数",
    database="12351 工单",
    definition="当日收到答复的诉求，平均每件收到的工作人员答复条数。",
    domain="hotline",
    kind=K.MEAN,
    period=P.FLOW,
)
def hotline_replies_per_request(w: Window) -> Source:
    reply = Q(kind=RequestMessage.Kind.REPLY)
    return Source(
        _messages(w),
        "request__region",
        num=count_if(reply),
        den=Count("request", distinct=True, filter=reply),
    )


@indicator(
    code="hotline_dissatisfied",
    name="不满意评价",
    unit="件",
    formula="当日收到、评分为1星或2星的服务评价件数",
    database="12351 工单",
    definition="当日收到的不满意（1至2星）服务评价件数，需逐件回访。",
    domain="hotline",
    kind=K.COUNT,
    period=P.FLOW,
)
def hotline_dissatisfied(w: Window) -> Source:
    queryset = HotlineRequest.objects.filter(w.during("rated_at"), rating__isnull=False)
    return Source(queryset, "region", num=count_if(Q(rating__lte=2)))
