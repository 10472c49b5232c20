"""Union organisations and their officers: how many unions, of which kind, how many open to
online joining, how many with members, and the people who run them."""

from __future__ import annotations

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from accounts.models import Membership, Role, RoleAssignment, UnionOrganization
from insights.indicators.common import count_if, labels, members_at, share_of
from insights.registry import Kind as K
from insights.registry import Period as P
from insights.registry import Source, Window, indicator

UK = UnionOrganization.Kind


def _unions(w: Window) -> QuerySet[UnionOrganization]:
    return UnionOrganization.objects.filter(created_at__lt=w.end)


@indicator(
    code="unions_total",
    name="工会组织数",
    unit="个",
    formula="建立时间早于日末的工会组织数（按工会所在地区），按组织类型分组",
    database="工会组织",
    definition=(
        "当日结束时已在平台登记的各级工会组织数；可按组织类型（市、县、基层、联合、行业）分类。"
    ),
    domain="organization",
    kind=K.COUNT,
    period=P.STOCK,
    breakdown="组织类型",
    breakdown_labels=labels(UK),
    headline=True,
)
def unions_total(w: Window) -> Source:
    return Source(_unions(w), "region", key="kind")


@indicator(
    code="unions_new",
    name="新建工会组织",
    unit="个",
    formula="建立时间在当日的工会组织数",
    database="工会组织",
    definition="当日新建（在平台登记）的工会组织数。",
    domain="organization",
    kind=K.COUNT,
    period=P.FLOW,
)
def unions_new(w: Window) -> Source:
    return Source(UnionOrganization.objects.filter(w.during("created_at")), "region")


@indicator(
    code="unions_grassroots",
    name="基层工会数",
    unit="个",
    formula="建立时间早于日末、类型为基层工会的组织数",
    database="工会组织",
    definition="当日结束时的企事业单位基层工会数。",
    domain="organization",
    kind=K.COUNT,
    period=P.STOCK,
)
def unions_grassroots(w: Window) -> Source:
    return Source(_unions(w), "region", num=count_if(Q(kind=UK.GRASSROOTS)))


@indicator(
    code="unions_joint",
    name="联合与行业工会数",
    unit="个",
    formula="建立时间早于日末、类型为联合工会或行业工会的组织数",
    database="工会组织",
    definition="当日结束时的区域联合工会、行业工会数（覆盖小微企业和新就业形态劳动者）。",
    domain="organization",
    kind=K.COUNT,
    period=P.STOCK,
)
def unions_joint(w: Window) -> Source:
    return Source(_unions(w), "region", num=count_if(Q(kind__in=[UK.JOINT, UK.INDUSTRY])))


@indicator(
    code="unions_online_share",
    name="开通网上入会的工会占比",
    unit="%",
    formula="日末工会组织中开通网上入会受理的数 ÷ 日末工会组织数 × 100%",
    database="工会组织",
    definition="当日结束时的工会组织中，开通网上入会申请受理的比例。",
    domain="organization",
    kind=K.RATIO,
    period=P.STOCK,
)
def unions_online_share(w: Window) -> Source:
    return Source(_unions(w), "region", **share_of(Q(accepts_applications=True)))


@indicator(
    code="unions_credit_code_share",
    name="登记统一社会信用代码的基层工会占比",
    unit="%",
    formula="日末基层与联合工会中已登记统一社会信用代码的数 ÷ 日末基层与联合工会数 × 100%",
    database="工会组织",
    definition="当日结束时的基层工会、联合工会中，已登记工会法人统一社会信用代码的比例。",
    domain="organization",
    kind=K.RATIO,
    period=P.STOCK,
)
def unions_credit_code_share(w: Window) -> Source:
    grassroots = Q(kind__in=[UK.GRASSROOTS, UK.JOINT])
    return Source(_unions(w), "region", **share_of(~Q(credit_code=""), grassroots))


def _has_members(w: Window) -> Exists:
    return Exists(
        Membership.objects.filter(
            Q(ended_at__isnull=True) | Q(ended_at__gte=w.end),
            organization_id=OuterRef("pk"),
            started_at__lt=w.end,
        )
    )


@indicator(
    code="unions_with_members",
    name="有会员的工会",
    unit="个",
    formula="日末工会组织中至少有一名有效会员的组织数",
    database="工会组织",
    definition="当日结束时至少有一名有效会员（已在平台建会籍）的工会组织数。",
    domain="organization",
    kind=K.COUNT,
    period=P.STOCK,
)
def unions_with_members(w: Window) -> Source:
    return Source(_unions(w), "region", num=count_if(_has_members(w)))


@indicator(
    code="members_per_union",
    name="平均每个工会会员数",
    unit="人",
    formula="日末有效会籍数 ÷ 日末有有效会员的工会组织数",
    database="工会组织",
    definition="当日结束时有会员的工会组织平均拥有的有效会员人数。",
    domain="organization",
    kind=K.MEAN,
    period=P.STOCK,
)
def members_per_union(w: Window) -> Source:
    return Source(
        members_at(w),
        "organization__region",
        num=Count("pk"),
        den=Count("organization", distinct=True),
    )


@indicator(
    code="union_officers",
    name="工会干部（组织工作人员）",
    unit="人",
    formula="授予时间早于日末、角色为工会组织工作人员的授权数（按所在工会地区）",
    database="工会干部",
    definition="当日结束时在平台承担入会审核、会员管理的基层工会干部人数（以计算时的授权为准）。",
    domain="organization",
    kind=K.COUNT,
    period=P.STOCK,
)
def union_officers(w: Window) -> Source:
    queryset = RoleAssignment.objects.filter(role=Role.ORG_OFFICER, created_at__lt=w.end)
    return Source(queryset, "organization__region")
