"""Legal services and rights protection: 法律援助, 劳动争议, wage arrears and work injuries
among the 12351 requests, and the legal consultation appointments."""

from __future__ import annotations

from django.db.models import Count, Exists, F, OuterRef, Q

from hotline.models import ConsultationBooking, ConsultationSlot, Kind, Topic
from insights.indicators.common import count_if, hours, share_of
from insights.indicators.hotline import requests_created, requests_resolved
from insights.registry import Kind as K
from insights.registry import Period as P
from insights.registry import Source, Window, indicator

LEGAL_AID = Q(kind=Kind.LEGAL_AID)
DISPUTE = Q(topic=Topic.LABOUR_DISPUTE)


@indicator(
    code="legal_aid_requests",
    name="法律援助申请",
    unit="件",
    formula="当日受理、诉求类型为法律援助的12351诉求件数",
    database="法律援助案件",
    definition="当日受理的职工法律援助申请件数，按诉求发生地统计。",
    domain="rights",
    kind=K.COUNT,
    period=P.FLOW,
    headline=True,
)
def legal_aid_requests(w: Window) -> Source:
    return Source(requests_created(w), "region", num=count_if(LEGAL_AID))


@indicator(
    code="legal_aid_resolved",
    name="法律援助办结",
    unit="件",
    formula="当日办结、诉求类型为法律援助的诉求件数",
    database="法律援助案件",
    definition="当日办结的法律援助案件数。",
    domain="rights",
    kind=K.COUNT,
    period=P.FLOW,
)
def legal_aid_resolved(w: Window) -> Source:
    return Source(requests_resolved(w), "region", num=count_if(LEGAL_AID))


@indicator(
    code="legal_aid_on_time_rate",
    name="法律援助按时办结率",
    unit="%",
    formula="当日办结的法律援助中办结时间≤办结时限的件数 ÷ 当日办结的法律援助件数 × 100%",
    database="法律援助案件",
    definition="当日办结的法律援助案件中，在办结时限内办结的比例。",
    domain="rights",
    kind=K.RATIO,
    period=P.FLOW,
)
def legal_aid_on_time_rate(w: Window) -> Source:
    on_time = Q(resolution_due__isnull=False, resolved_at__lte=F("resolution_due"))
    return Source(requests_resolved(w), "region", **share_of(on_time, LEGAL_AID))


@indicator(
    code="dispute_requests",
    name="劳动争议调解诉求",
    unit="件",
    formula="当日受理、话题为劳动争议的诉求件数",
    database="劳动争议调解",
    definition="当日受理、需工会参与调解的劳动争议诉求件数。",
    domain="rights",
    kind=K.COUNT,
    period=P.FLOW,
)
def dispute_requests(w: Window) -> Source:
    return Source(requests_created(w), "region", num=count_if(DISPUTE))


@indicator(
    code="dispute_resolution_hours",
    name="劳动争议平均办结时长",
    unit="小时",
    formula="当日办结的劳动争议诉求 Σ(办结时间−受理时间) ÷ 其件数，单位小时",
    database="劳动争议调解",
    definition="当日办结的劳动争议诉求，从受理到办结的平均小时数。",
    domain="rights",
    kind=K.MEAN,
    period=P.FLOW,
)
def dispute_resolution_hours(w: Window) -> Source:
    return Source(
        requests_resolved(w),
        "region",
        num=hours("resolved_at", "created_at", filter=DISPUTE),
        den=count_if(DISPUTE),
    )


@indicator(
    code="wage_requests",
    name="工资报酬（欠薪）诉求",
    unit="件",
    formula="当日受理、话题为工资报酬的诉求件数",
    database="12351 工单",
    definition="当日受理的拖欠工资、工资报酬类诉求件数（根治欠薪重点监测）。",
    domain="rights",
    kind=K.COUNT,
    period=P.FLOW,
)
def wage_requests(w: Window) -> Source:
    return Source(requests_created(w), "region", num=count_if(Q(topic=Topic.WAGES)))


@indicator(
    code="injury_requests",
    name="工伤与职业病诉求",
    unit="件",
    formula="当日受理、话题为工伤与职业病的诉求件数",
    database="12351 工单",
    definition="当日受理的工伤认定、职业病防治类诉求件数。",
    domain="rights",
    kind=K.COUNT,
    period=P.FLOW,
)
def injury_requests(w: Window) -> Source:
    return Source(requests_created(w), "region", num=count_if(Q(topic=Topic.WORK_INJURY)))


def _slots(w: Window):
    return ConsultationSlot.objects.filter(w.during("starts_at"), is_cancelled=False)


@indicator(
    code="consultation_slots",
    name="法律咨询号源",
    unit="个",
    formula="当日开始、未取消的法律咨询时段数（按时段所在地区）",
    database="法律援助案件",
    definition="当日安排律师、法律工作者坐班接受预约的咨询时段数。",
    domain="rights",
    kind=K.COUNT,
    period=P.FLOW,
)
def consultation_slots(w: Window) -> Source:
    return Source(_slots(w), "region")


@indicator(
    code="consultation_use_rate",
    name="法律咨询号源使用率",
    unit="%",
    formula="当日开始、未取消的时段中有有效预约的时段数 ÷ 当日开始、未取消的时段数 × 100%",
    database="法律援助案件",
    definition="当日的法律咨询时段中已被职工预约的比例。",
    domain="rights",
    kind=K.RATIO,
    period=P.FLOW,
)
def consultation_use_rate(w: Window) -> Source:
    booked = ConsultationBooking.objects.filter(
        slot_id=OuterRef("pk"), status=ConsultationBooking.Status.BOOKED
    )
    return Source(_slots(w), "region", **share_of(Exists(booked)))


@indicator(
    code="consultation_bookings",
    name="法律咨询预约",
    unit="人次",
    formula="当日新建的法律咨询预约数（按时段所在地区，含之后取消的）",
    database="法律援助案件",
    definition="职工当日预约律师面对面法律咨询的人次。",
    domain="rights",
    kind=K.COUNT,
    period=P.FLOW,
)
def consultation_bookings(w: Window) -> Source:
    queryset = ConsultationBooking.objects.filter(w.during("created_at"))
    return Source(queryset, "slot__region", num=Count("pk"))
