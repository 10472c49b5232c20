"""Use of the portal: daily active members, new accounts."""

from __future__ import annotations

from django.db.models import Count, Exists, OuterRef, Q

from insights.indicators.common import by_member, members_at
from insights.models import DailyActive
from insights.registry import Kind as K
from insights.registry import Period as P
from insights.registry import Source, Window, indicator


@indicator(
    code="active_members",
    name="日活跃会员",
    unit="人",
    definition="当日登录并使用过平台的会员人数（每人每天计一次）。",
    domain="usage",
    kind=K.COUNT,
    period=P.FLOW,
    headline=True,
)
def active_members(w: Window) -> Source:
    return by_member(DailyActive, "user", w, Q(date=w.day))


@indicator(
    code="active_rate",
    name="会员活跃率",
    unit="%",
    definition="当日活跃会员占当日有效会员总数的比例。",
    domain="usage",
    kind=K.RATIO,
    period=P.FLOW,
)
def active_rate(w: Window) -> Source:
    active = DailyActive.objects.filter(user_id=OuterRef("user_id"), date=w.day)
    return Source(
        members_at(w),
        "organization__region",
        num=Count("pk", filter=Exists(active)),
        den=Count("pk"),
    )


@indicator(
    code="new_users",
    name="新注册会员",
    unit="人",
    definition="当日注册平台账号、且当日结束时已是会员的人数。",
    domain="usage",
    kind=K.COUNT,
    period=P.FLOW,
)
def new_users(w: Window) -> Source:
    from accounts.models import User

    return by_member(User, "", w, w.during("date_joined"))
