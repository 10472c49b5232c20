"""The 12351 hotline: requests, response and resolution times, satisfaction."""

from __future__ import annotations

from django.db.models import Count, F, Q, Sum

from hotline.models import OPEN_STATES, HotlineRequest, Kind, Topic
from insights.indicators.common import hours, labels
from insights.registry import Kind as K
from insights.registry import Period as P
from insights.registry import Source, Window, indicator


@indicator(
    code="hotline_requests",
    name="热线诉求",
    unit="件",
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
    definition="当日受理的诉求中通过电话（坐席代录）提交的比例。",
    domain="hotline",
    kind=K.RATIO,
    period=P.FLOW,
)
def hotline_phone_share(w: Window) -> Source:
    phone = Count("pk", filter=Q(channel=HotlineRequest.Channel.PHONE))
    queryset = HotlineRequest.objects.filter(w.during("created_at"))
    return Source(queryset, "region", num=phone, den=Count("pk"))


@indicator(
    code="hotline_first_response_hours",
    name="首次答复平均用时",
    unit="小时",
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
    definition="当日办结的诉求件数。",
    domain="hotline",
    kind=K.COUNT,
    period=P.FLOW,
)
def hotline_resolved(w: Window) -> Source:
    return Source(HotlineRequest.objects.filter(w.during("resolved_at")), "region")


@indicator(
    code="hotline_resolution_hours",
    name="办结平均用时",
    unit="小时",
    definition="当日办结的诉求，从受理到办结的平均小时数。",
    domain="hotline",
    kind=K.MEAN,
    period=P.FLOW,
)
def hotline_resolution_hours(w: Window) -> Source:
    queryset = HotlineRequest.objects.filter(w.during("resolved_at"))
    return Source(queryset, "region", num=hours("resolved_at", "created_at"), den=Count("pk"))


@indicator(
    code="hotline_on_time_rate",
    name="按时办结率",
    unit="%",
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
    queryset = HotlineRequest.objects.filter(w.during("resolved_at"))
    return Source(queryset, "region", num=on_time, den=Count("pk"))


def _open_at_end(w: Window):
    return HotlineRequest.objects.filter(created_at__lt=w.end).filter(
        Q(resolved_at__isnull=True, state__in=OPEN_STATES) | Q(resolved_at__gte=w.end)
    )


@indicator(
    code="hotline_open",
    name="在办诉求",
    unit="件",
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
    definition="当日收到的服务评价的平均星级（1至5星）。",
    domain="hotline",
    kind=K.MEAN,
    period=P.FLOW,
)
def hotline_rating_average(w: Window) -> Source:
    queryset = HotlineRequest.objects.filter(w.during("rated_at"), rating__isnull=False)
    return Source(queryset, "region", num=Sum("rating"), den=Count("pk"))
