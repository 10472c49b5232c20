"""Membership: members, joining, verification, transfers and leaving."""

from __future__ import annotations

from django.db.models import Count, Q

from accounts.models import EmploymentForm, Membership, MembershipApplication, TransferRequest
from insights.indicators.common import hours, labels, members_at
from insights.registry import Kind as K
from insights.registry import Period as P
from insights.registry import Source, Window, indicator


@indicator(
    code="members_total",
    name="会员总数",
    unit="人",
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
    definition="当日结束时会籍有效、用工形式为新就业形态（快递员、网约配送员、货车司机等）的会员人数。",
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
