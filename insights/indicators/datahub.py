"""Data collection: roster imports into the member database (how many batches, rows, new
members, rejections) and the member changes fed to the national federation."""

from __future__ import annotations

from django.db.models import Count, Q, Sum

from datahub.models import MemberChange, RosterImport
from insights.indicators.common import by_member, labels
from insights.registry import Kind as K
from insights.registry import Period as P
from insights.registry import Source, Window, indicator

DONE = Q(status=RosterImport.Status.DONE)


def _finished(w: Window):
    return RosterImport.objects.filter(w.during("finished_at"))


@indicator(
    code="roster_imports_done",
    name="名册导入批次",
    unit="批",
    formula="完成时间在当日、状态为已完成的名册导入批次数（按导入所属地区）",
    database="数据归集导入",
    definition="当日完成的会员名册导入（数据归集）批次数。",
    domain="datahub",
    kind=K.COUNT,
    period=P.FLOW,
)
def roster_imports_done(w: Window) -> Source:
    return Source(_finished(w), "region", num=Count("pk", filter=DONE))


@indicator(
    code="roster_rows",
    name="名册导入行数",
    unit="行",
    formula="当日完成的名册导入批次的已处理行数之和",
    database="数据归集导入",
    definition="当日完成导入的名册中清洗、比对的数据行数。",
    domain="datahub",
    kind=K.COUNT,
    period=P.FLOW,
)
def roster_rows(w: Window) -> Source:
    return Source(_finished(w), "region", num=Sum("processed_rows", filter=DONE))


@indicator(
    code="roster_accepted",
    name="名册新增会员",
    unit="人",
    formula="当日完成的名册导入批次的新增人数之和",
    database="会员",
    definition="当日通过名册导入新建账号、身份和会籍的职工人数。",
    domain="datahub",
    kind=K.COUNT,
    period=P.FLOW,
)
def roster_accepted(w: Window) -> Source:
    return Source(_finished(w), "region", num=Sum("accepted_count", filter=DONE))


@indicator(
    code="roster_reject_rate",
    name="名册拒收率",
    unit="%",
    formula="当日完成的名册导入的拒收行数之和 ÷ 总行数之和 × 100%",
    database="数据归集导入",
    definition="当日完成导入的名册中因身份证号、手机号、工会名称等不合规被拒收的行的比例。",
    domain="datahub",
    kind=K.RATIO,
    period=P.FLOW,
)
def roster_reject_rate(w: Window) -> Source:
    return Source(
        _finished(w),
        "region",
        num=Sum("rejected_count", filter=DONE),
        den=Sum("total_rows", filter=DONE),
    )


@indicator(
    code="member_changes",
    name="会员变更记录",
    unit="条",
    formula="当日产生的会员变更记录数（按会员日末所属工会地区），按变更类型分组",
    database="会员",
    definition="当日记录、待报送全国总工会的会员新增、转会、退会等变更条数；可按变更类型分类。",
    domain="datahub",
    kind=K.COUNT,
    period=P.FLOW,
    breakdown="变更类型",
    breakdown_labels=labels(MemberChange.Kind),
)
def member_changes(w: Window) -> Source:
    return by_member(MemberChange, "user", w, w.during("created_at"), key="kind")
