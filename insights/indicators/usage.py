"""Use of the portal: daily active members, new accounts."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Count, Exists, OuterRef, Q

from accounts.models import EmploymentForm
from insights.indicators.common import by_member, members_at, share_of
from insights.models import DailyActive
from insights.registry import Kind as K
from insights.registry import Period as P
from insights.registry import Source, Window, indicator


@indicator(
    code="active_members",
    name="日活跃会员",
    unit="人",
    formula="当日有访问记录的会员数（每人每天一条）",
    database="平台访问记录",
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
    formula="日末有效会员中当日有访问记录的人数 ÷ 日末有效会员数 × 100%",
    database="平台访问记录",
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
    formula="当日注册且日末为有效会员的账号数",
    database="会员",
    definition="当日注册平台账号、且当日结束时已是会员的人数。",
    domain="usage",
    kind=K.COUNT,
    period=P.FLOW,
)
def new_users(w: Window) -> Source:
    from accounts.models import User

    return by_member(User, "", w, w.during("date_joined"))


@indicator(
    code="weekly_active_members",
    name="周活跃会员",
    unit="人",
    formula="当日及之前6天（共7天）有访问记录的不同会员数（按日末所属工会地区）",
    database="平台访问记录",
    definition="截至当日的最近7天内使用过平台的会员人数。",
    domain="usage",
    kind=K.COUNT,
    period=P.STOCK,
)
def weekly_active_members(w: Window) -> Source:
    week = Q(date__gt=w.day - timedelta(days=7), date__lte=w.day)
    return by_member(DailyActive, "user", w, week, num=Count("user", distinct=True))


@indicator(
    code="active_new_form",
    name="新就业形态日活跃会员",
    unit="人",
    formula="当日有访问记录、日末会籍用工形式为新就业形态的会员数",
    database="新就业形态劳动者",
    definition="当日使用过平台的新就业形态劳动者会员人数。",
    domain="usage",
    kind=K.COUNT,
    period=P.FLOW,
)
def active_new_form(w: Window) -> Source:
    # In the same filter() as the membership join, so it reads the membership at day's end.
    new_form = Q(user__memberships__employment_form=EmploymentForm.NEW_FORM)
    return by_member(DailyActive, "user", w, Q(date=w.day), new_form)


@indicator(
    code="phone_verified_share",
    name="手机号已验证会员占比",
    unit="%",
    formula="日末有效会员中手机号验证时间早于日末的人数 ÷ 日末有效会员数 × 100%",
    database="会员",
    definition="当日结束时的有效会员中，已通过短信验证手机号（可短信登录、接收通知）的比例。",
    domain="usage",
    kind=K.RATIO,
    period=P.STOCK,
)
def phone_verified_share(w: Window) -> Source:
    verified = Q(user__phone_verified_at__lt=w.end)
    return Source(members_at(w), "organization__region", **share_of(verified))
