"""Publicity and service positions: the articles region pages publish (news, notices,
typical cases, policy), what they are read, and the service catalogue on offer."""

from __future__ import annotations

from django.db.models import Q, Sum

from insights.indicators.common import count_if, labels
from insights.registry import Kind as K
from insights.registry import Period as P
from insights.registry import Source, Window, indicator
from regions.models import Article, ServiceEntry


def _online(w: Window):
    return Article.objects.filter(status=Article.Status.PUBLISHED, published_at__lt=w.end)


@indicator(
    code="articles_published",
    name="发布文章",
    unit="篇",
    formula="状态为已发布、发布时间在当日的文章数（按发布地区），按文章类型分组",
    database="宣传文章",
    definition="当日各级工会在地区页面发布的新闻、通知、典型案例、政策解读篇数；可按类型分类。",
    domain="publicity",
    kind=K.COUNT,
    period=P.FLOW,
    breakdown="文章类型",
    breakdown_labels=labels(Article.Kind),
)
def articles_published(w: Window) -> Source:
    queryset = Article.objects.filter(w.during("published_at"), status=Article.Status.PUBLISHED)
    return Source(queryset, "region", key="kind")


@indicator(
    code="articles_online",
    name="在线文章",
    unit="篇",
    formula="状态为已发布、发布时间早于日末的文章数（已归档的不计，以计算时状态为准）",
    database="宣传文章",
    definition="当日结束时各地区页面在线展示的文章篇数。",
    domain="publicity",
    kind=K.COUNT,
    period=P.STOCK,
)
def articles_online(w: Window) -> Source:
    return Source(_online(w), "region")


@indicator(
    code="article_reads",
    name="文章累计阅读量",
    unit="次",
    formula="在线文章的阅读次数之和（以计算时的阅读计数为准）",
    database="宣传文章",
    definition="各地区在线文章被阅读的累计次数。",
    domain="publicity",
    kind=K.COUNT,
    period=P.STOCK,
)
def article_reads(w: Window) -> Source:
    return Source(_online(w), "region", num=Sum("read_count"))


@indicator(
    code="cases_online",
    name="在线典型案例",
    unit="篇",
    formula="在线文章中类型为典型案例的篇数",
    database="宣传文章",
    definition="当日结束时在线的12351维权典型案例篇数（以案释法）。",
    domain="publicity",
    kind=K.COUNT,
    period=P.STOCK,
)
def cases_online(w: Window) -> Source:
    return Source(_online(w), "region", num=count_if(Q(kind=Article.Kind.CASE)))


@indicator(
    code="service_entries",
    name="服务事项",
    unit="项",
    formula="启用中的服务事项数（按所属地区，以计算时状态为准）",
    database="服务事项",
    definition="各地区服务目录中启用的办事入口项数（入会、会员卡、12351、学堂等）。",
    domain="publicity",
    kind=K.COUNT,
    period=P.STOCK,
    levels=("province", "city", "county"),
)
def service_entries(w: Window) -> Source:
    return Source(ServiceEntry.objects.filter(is_active=True), "region")
