"""Membership: members, joining, verification, transfers and leaving."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet

from accounts.models import (
    DigitalIdentity,
    EmploymentForm,
    Membership,
    MembershipApplication,
    MembershipEvent,
    TransferRequest,
)
from datahub.models import ImportRow
from insights.indicators.common import (
    by_member,
    count_if,
    hours,
    labels,
    members_at,
    share_of,
)
from insights.registry import Kind as K
from insights.registry import Period as P
from insights.registry import Source, Window, indicator


@indicator(
    code="members_total",
    name="会员总数",
    unit="人",
    formula="日末会籍有效（开始于日末之前、未结束或结束于日末之后）的会籍数",
    database="会员",
    definition="当日结束时会籍有效的会员人数，按所属工会所在地区统计；可按用工形式分类。",
    domain="membership",
    kind=K.COUNT,
    period=P.STOCK,
    breakdown="用工形式",
    breakdown_labels=labels(EmploymentForm),
    headline=True,
)
def members_total(w: Window) -> Source:
    return Source(members_at(w), "organization__region", key="employment_form")


@indicator(
    code="members_new",
    name="新入会会员",
    unit="人",
    formula="当日审核通过（decided_at 在当日）的入会申请数",
    database="会员",
    definition="当日入会申请获批准的人数（不含转会）。",
    domain="membership",
    kind=K.COUNT,
    period=P.FLOW,
    breakdown="用工形式",
    breakdown_labels=labels(EmploymentForm),
    headline=True,
)
def members_new(w: Window) -> Source:
    queryset = MembershipApplication.objects.filter(
        w.during("decided_at"), status=MembershipApplication.Status.APPROVED
    )
    return Source(queryset, "organization__region", key="employment_form")


@indicator(
    code="members_new_form",
    name="新就业形态会员",
    unit="人",
    formula="日末有效会籍中用工形式=新就业形态的会籍数",
    database="新就业形态劳动者",
    definition=(
        "当日结束时会籍有效、用工形式为新就业形态（快递员、网约配送员、货车司机等）的会员人数。"
    ),
    domain="membership",
    kind=K.COUNT,
    period=P.STOCK,
)
def members_new_form(w: Window) -> Source:
    queryset = members_at(w).filter(employment_form=EmploymentForm.NEW_FORM)
    return Source(queryset, "organization__region")


@indicator(
    code="applications_submitted",
    name="入会申请",
    unit="份",
    formula="当日提交的入会申请数",
    database="会员",
    definition="当日提交的入会申请份数，按申请加入的工会所在地区统计。",
    domain="membership",
    kind=K.COUNT,
    period=P.FLOW,
)
def applications_submitted(w: Window) -> Source:
    return Source(
        MembershipApplication.objects.filter(w.during("submitted_at")), "organization__region"
    )


@indicator(
    code="applications_pending",
    name="待审核入会申请",
    unit="份",
    formula="日末前提交、日末尚未审核且未撤回的入会申请数",
    database="会员",
    definition="当日结束时已提交、尚未审核的入会申请（撤回的不计）。",
    domain="membership",
    kind=K.COUNT,
    period=P.STOCK,
)
def applications_pending(w: Window) -> Source:
    queryset = MembershipApplication.objects.filter(submitted_at__lt=w.end).exclude(
        status=MembershipApplication.Status.WITHDRAWN
    )
    queryset = queryset.filter(Q(decided_at__isnull=True) | Q(decided_at__gte=w.end))
    return Source(queryset, "organization__region")


_DECIDED = [MembershipApplication.Status.APPROVED, MembershipApplication.Status.REJECTED]


@indicator(
    code="join_approval_hours",
    name="入会审核平均用时",
    unit="小时",
    formula="Σ(审核时间−提交时间) ÷ 当日审核完毕的入会申请数，单位小时",
    database="会员",
    definition="当日审核完毕（通过或不通过）的入会申请，从提交到审核的平均小时数。",
    domain="membership",
    kind=K.MEAN,
    period=P.FLOW,
)
def join_approval_hours(w: Window) -> Source:
    queryset = MembershipApplication.objects.filter(w.during("decided_at"), status__in=_DECIDED)
    return Source(
        queryset, "organization__region", num=hours("decided_at", "submitted_at"), den=Count("pk")
    )


@indicator(
    code="join_approval_rate",
    name="入会申请通过率",
    unit="%",
    formula="当日审核通过数 ÷ 当日审核完毕（通过+不通过）数 × 100%",
    database="会员",
    definition="当日审核完毕的入会申请中获批准的比例。",
    domain="membership",
    kind=K.RATIO,
    period=P.FLOW,
)
def join_approval_rate(w: Window) -> Source:
    queryset = MembershipApplication.objects.filter(w.during("decided_at"), status__in=_DECIDED)
    approved = Count("pk", filter=Q(status=MembershipApplication.Status.APPROVED))
    return Source(queryset, "organization__region", num=approved, den=Count("pk"))


@indicator(
    code="verified_share",
    name="实名认证会员占比",
    unit="%",
    formula="日末有效会员中实名认证时间早于日末的人数 ÷ 日末有效会员数 × 100%",
    database="会员",
    definition="当日结束时的有效会员中，已完成实名认证（数字身份）的比例。",
    domain="membership",
    kind=K.RATIO,
    period=P.STOCK,
    headline=True,
)
def verified_share(w: Window) -> Source:
    verified = Count("pk", filter=Q(user__identity__verified_at__lt=w.end))
    return Source(members_at(w), "organization__region", num=verified, den=Count("pk"))


@indicator(
    code="transfers_requested",
    name="转会申请",
    unit="份",
    formula="当日提交的转会申请数（按原工会地区）",
    database="会员",
    definition="当日提交的转会申请份数，按原工会所在地区统计。",
    domain="membership",
    kind=K.COUNT,
    period=P.FLOW,
)
def transfers_requested(w: Window) -> Source:
    queryset = TransferRequest.objects.filter(w.during("requested_at"))
    return Source(queryset, "from_membership__organization__region")


@indicator(
    code="transfers_in",
    name="转入会员",
    unit="人",
    formula="当日办结的转会申请数（按新工会地区）",
    database="会员",
    definition="当日完成转会、由新工会接收的会员人数，按新工会所在地区统计。",
    domain="membership",
    kind=K.COUNT,
    period=P.FLOW,
)
def transfers_in(w: Window) -> Source:
    queryset = TransferRequest.objects.filter(
        w.during("completed_at"), status=TransferRequest.Status.COMPLETED
    )
    return Source(queryset, "to_organization__region")


@indicator(
    code="transfers_out",
    name="转出会员",
    unit="人",
    formula="当日办结的转会申请数（按原工会地区）",
    database="会员",
    definition="当日完成转会、离开原工会的会员人数，按原工会所在地区统计。",
    domain="membership",
    kind=K.COUNT,
    period=P.FLOW,
)
def transfers_out(w: Window) -> Source:
    queryset = TransferRequest.objects.filter(
        w.during("completed_at"), status=TransferRequest.Status.COMPLETED
    )
    return Source(queryset, "from_membership__organization__region")


@indicator(
    code="members_left",
    name="退会与注销",
    unit="人",
    formula="当日结束、结束原因为退会或注销的会籍数",
    database="会员",
    definition="当日因退会或注销账号而结束会籍的人数（转会不计）。",
    domain="membership",
    kind=K.COUNT,
    period=P.FLOW,
)
def members_left(w: Window) -> Source:
    queryset = Membership.objects.filter(
        w.during("ended_at"),
        end_reason__in=[Membership.EndReason.LEFT, Membership.EndReason.CLOSED],
    )
    return Source(queryset, "organization__region")


# --- shares of the members, applications, transfers, identities (issue 22) ----------------


@indicator(
    code="new_form_share",
    name="新就业形态会员占比",
    unit="%",
    formula="日末有效会籍中用工形式=新就业形态的数 ÷ 日末有效会籍数 × 100%",
    database="新就业形态劳动者",
    definition="当日结束时的有效会员中，快递员、网约配送员、货车司机等新就业形态劳动者的比例。",
    domain="membership",
    kind=K.RATIO,
    period=P.STOCK,
)
def new_form_share(w: Window) -> Source:
    return Source(
        members_at(w),
        "organization__region",
        **share_of(Q(employment_form=EmploymentForm.NEW_FORM)),
    )


@indicator(
    code="members_flexible",
    name="灵活就业会员",
    unit="人",
    formula="日末有效会籍中用工形式=灵活就业的会籍数",
    database="会员",
    definition="当日结束时会籍有效、用工形式为灵活就业的会员人数。",
    domain="membership",
    kind=K.COUNT,
    period=P.STOCK,
)
def members_flexible(w: Window) -> Source:
    flexible = count_if(Q(employment_form=EmploymentForm.FLEXIBLE))
    return Source(members_at(w), "organization__region", num=flexible)


@indicator(
    code="members_verified",
    name="实名认证会员",
    unit="人",
    formula="日末有效会籍中会员实名认证时间早于日末的会籍数",
    database="会员",
    definition="当日结束时会籍有效、已完成实名认证（数字身份）的会员人数。",
    domain="membership",
    kind=K.COUNT,
    period=P.STOCK,
)
def members_verified(w: Window) -> Source:
    verified = count_if(Q(user__identity__verified_at__lt=w.end))
    return Source(members_at(w), "organization__region", num=verified)


@indicator(
    code="join_rate",
    name="入会率",
    unit="%",
    formula=(
        "数据归集名册中已入库的职工（新增、合并、无变化）日末持有有效会籍的人数 ÷ 名册已入库职工数 "
        "× 100%，按名册所属地区"
    ),
    database="会员",
    definition="已归集到平台的职工名册中，当日结束时已是有效会员的比例（名册口径的入会率）。",
    domain="membership",
    kind=K.RATIO,
    period=P.STOCK,
    headline=True,
)
def join_rate(w: Window) -> Source:
    member = Membership.objects.filter(
        Q(ended_at__isnull=True) | Q(ended_at__gte=w.end),
        user_id=OuterRef("user_id"),
        started_at__lt=w.end,
    )
    queryset = ImportRow.objects.filter(
        roster_import__finished_at__lt=w.end,
        user_id__isnull=False,
        status__in=[ImportRow.Status.ACCEPTED, ImportRow.Status.MERGED, ImportRow.Status.UNCHANGED],
    )
    return Source(queryset, "roster_import__region", **share_of(Exists(member)))


def _decided(w: Window) -> QuerySet[MembershipApplication]:
    return MembershipApplication.objects.filter(w.during("decided_at"), status__in=_DECIDED)


@indicator(
    code="applications_rejected",
    name="入会申请不予通过",
    unit="份",
    formula="当日审核完毕且结果为不通过的入会申请数",
    database="会员",
    definition="当日审核不予通过的入会申请份数，按申请加入的工会所在地区统计。",
    domain="membership",
    kind=K.COUNT,
    period=P.FLOW,
)
def applications_rejected(w: Window) -> Source:
    rejected = count_if(Q(status=MembershipApplication.Status.REJECTED))
    return Source(_decided(w), "organization__region", num=rejected)


@indicator(
    code="join_within_3_days_rate",
    name="入会申请3日内办结率",
    unit="%",
    formula="当日审核完毕且 审核时间−提交时间≤72小时 的申请数 ÷ 当日审核完毕的申请数 × 100%",
    database="会员",
    definition="当日审核完毕的入会申请中，自提交起3日（72小时）内审核完毕的比例。",
    domain="membership",
    kind=K.RATIO,
    period=P.FLOW,
)
def join_within_3_days_rate(w: Window) -> Source:
    fast = Q(decided_at__lte=F("submitted_at") + timedelta(days=3))
    return Source(_decided(w), "organization__region", **share_of(fast))


@indicator(
    code="new_form_joined",
    name="新就业形态新入会",
    unit="人",
    formula="当日审核通过且用工形式=新就业形态的入会申请数",
    database="新就业形态劳动者",
    definition="当日入会申请获批准的新就业形态劳动者人数（“八大群体”入会）。",
    domain="membership",
    kind=K.COUNT,
    period=P.FLOW,
)
def new_form_joined(w: Window) -> Source:
    joined = count_if(
        Q(status=MembershipApplication.Status.APPROVED, employment_form=EmploymentForm.NEW_FORM)
    )
    return Source(_decided(w), "organization__region", num=joined)


@indicator(
    code="applications_stale",
    name="超7天未审核入会申请",
    unit="份",
    formula="日末待审核的入会申请中提交时间早于日末前7天的份数",
    database="会员",
    definition="当日结束时仍未审核、且已提交超过7天的入会申请份数（需督办）。",
    domain="membership",
    kind=K.COUNT,
    period=P.STOCK,
)
def applications_stale(w: Window) -> Source:
    queryset = MembershipApplication.objects.filter(submitted_at__lt=w.end).exclude(
        status=MembershipApplication.Status.WITHDRAWN
    )
    queryset = queryset.filter(Q(decided_at__isnull=True) | Q(decided_at__gte=w.end))
    stale = count_if(Q(submitted_at__lt=w.end - timedelta(days=7)))
    return Source(queryset, "organization__region", num=stale)


@indicator(
    code="transfer_hours",
    name="转会办结时长",
    unit="小时",
    formula="Σ(办结时间−申请时间) ÷ 当日办结的转会申请数，单位小时，按原工会地区",
    database="会员",
    definition="当日办结的转会申请，从会员提出申请到新工会接收的平均小时数。",
    domain="membership",
    kind=K.MEAN,
    period=P.FLOW,
    headline=True,
)
def transfer_hours(w: Window) -> Source:
    queryset = TransferRequest.objects.filter(
        w.during("completed_at"), status=TransferRequest.Status.COMPLETED
    )
    return Source(
        queryset,
        "from_membership__organization__region",
        num=hours("completed_at", "requested_at"),
        den=Count("pk"),
    )


@indicator(
    code="transfer_release_hours",
    name="转出审核平均用时",
    unit="小时",
    formula="Σ(原工会同意转出时间−申请时间) ÷ 当日同意转出的转会申请数，单位小时",
    database="会员",
    definition="当日原工会同意转出的转会申请，从申请到同意转出的平均小时数。",
    domain="membership",
    kind=K.MEAN,
    period=P.FLOW,
)
def transfer_release_hours(w: Window) -> Source:
    queryset = TransferRequest.objects.filter(w.during("released_at"))
    return Source(
        queryset,
        "from_membership__organization__region",
        num=hours("released_at", "requested_at"),
        den=Count("pk"),
    )


@indicator(
    code="transfers_pending",
    name="在办转会申请",
    unit="份",
    formula="日末前提出、日末尚未办结（待转出或待接收）的转会申请数",
    database="会员",
    definition="当日结束时已提出、尚未办结的转会申请份数，按原工会所在地区统计。",
    domain="membership",
    kind=K.COUNT,
    period=P.STOCK,
)
def transfers_pending(w: Window) -> Source:
    open_states = [TransferRequest.Status.REQUESTED, TransferRequest.Status.RELEASED]
    queryset = TransferRequest.objects.filter(requested_at__lt=w.end).filter(
        Q(completed_at__isnull=True, status__in=open_states) | Q(completed_at__gte=w.end)
    )
    return Source(queryset, "from_membership__organization__region")


def _events(w: Window) -> QuerySet[MembershipEvent]:
    return MembershipEvent.objects.filter(w.during("created_at"))


@indicator(
    code="transfer_done_rate",
    name="转会办结率",
    unit="%",
    formula="当日“转会完成”事件数 ÷ 当日“转会完成”与“转会被拒”事件数之和 × 100%",
    database="会员",
    definition="当日有结果的转会申请中顺利完成转会的比例，按事件所属工会地区统计。",
    domain="membership",
    kind=K.RATIO,
    period=P.FLOW,
)
def transfer_done_rate(w: Window) -> Source:
    kind = MembershipEvent.Kind
    decided = Q(kind__in=[kind.TRANSFER_COMPLETED, kind.TRANSFER_REJECTED])
    return Source(
        _events(w), "organization__region", **share_of(Q(kind=kind.TRANSFER_COMPLETED), decided)
    )


@indicator(
    code="membership_events",
    name="会籍业务办理量",
    unit="件",
    formula="当日会籍事件（申请、审核、撤回、转会各环节、会籍结束）记录数，按事件类型分组",
    database="会员",
    definition="当日办理的入会、转会、退会等会籍业务环节数，按工会所在地区统计；可按业务类型分类。",
    domain="membership",
    kind=K.COUNT,
    period=P.FLOW,
    breakdown="业务类型",
    breakdown_labels=labels(MembershipEvent.Kind),
)
def membership_events(w: Window) -> Source:
    return Source(_events(w), "organization__region", key="kind")


@indicator(
    code="identities_verified",
    name="当日实名认证",
    unit="人",
    formula="实名认证时间在当日的数字身份数（按会员日末所属工会地区）",
    database="会员",
    definition="当日完成实名认证、领取数字身份的会员人数。",
    domain="membership",
    kind=K.COUNT,
    period=P.FLOW,
)
def identities_verified(w: Window) -> Source:
    return by_member(DigitalIdentity, "user", w, w.during("verified_at"))
