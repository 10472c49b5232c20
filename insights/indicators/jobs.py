"""Jobs: posts, résumés, matches, applications and offers."""

from __future__ import annotations

from django.db.models import Count, Exists, OuterRef, Q, Sum

from insights.indicators.common import count_if, labels, share_of
from insights.registry import Kind as K
from insights.registry import Period as P
from insights.registry import Source, Window, indicator
from jobs.models import Application, Employer, EmploymentType, JobPost, MatchResult, Resume


@indicator(
    code="job_posts_published",
    name="新发布岗位",
    unit="个",
    formula="当日发布的岗位数（按工作地点）",
    database="招聘岗位",
    definition="当日发布的招聘岗位数，按工作地点统计；可按用工形式分类。",
    domain="jobs",
    kind=K.COUNT,
    period=P.FLOW,
    breakdown="用工形式",
    breakdown_labels=labels(EmploymentType),
)
def job_posts_published(w: Window) -> Source:
    queryset = JobPost.objects.filter(w.during("published_at"))
    return Source(queryset, "region", key="employment_type")


def _active_posts(w: Window):
    return JobPost.objects.filter(
        status=JobPost.Status.PUBLISHED, published_at__lt=w.end, valid_until__gte=w.day
    )


@indicator(
    code="job_posts_active",
    name="在招岗位",
    unit="个",
    formula="状态为招聘中、发布于日末之前且有效期不早于当日的岗位数",
    database="招聘岗位",
    definition="当日处于招聘中、未过有效期的岗位数。",
    domain="jobs",
    kind=K.COUNT,
    period=P.STOCK,
    headline=True,
)
def job_posts_active(w: Window) -> Source:
    return Source(_active_posts(w), "region")


@indicator(
    code="job_openings",
    name="在招人数",
    unit="人",
    formula="在招岗位的招聘人数之和",
    database="招聘岗位",
    definition="当日在招岗位的招聘人数合计。",
    domain="jobs",
    kind=K.COUNT,
    period=P.STOCK,
)
def job_openings(w: Window) -> Source:
    return Source(_active_posts(w), "region", num=Sum("headcount"))


@indicator(
    code="resumes_total",
    name="简历数",
    unit="份",
    formula="账号注册于日末之前、填写了现居地的简历数",
    database="就业帮扶",
    definition="已填写现居地的会员简历份数，按现居地统计（以计算时的简历为准）。",
    domain="jobs",
    kind=K.COUNT,
    period=P.STOCK,
)
def resumes_total(w: Window) -> Source:
    return Source(Resume.objects.filter(user__date_joined__lt=w.end), "region")


@indicator(
    code="resumes_updated",
    name="简历更新",
    unit="份",
    formula="当日新建或修改的简历数（按现居地）",
    database="就业帮扶",
    definition="当日新建或修改的简历份数，按现居地统计。",
    domain="jobs",
    kind=K.COUNT,
    period=P.FLOW,
)
def resumes_updated(w: Window) -> Source:
    return Source(Resume.objects.filter(w.during("updated_at")), "region")


@indicator(
    code="job_matches",
    name="人岗匹配结果",
    unit="条",
    formula="当日计算出的人岗匹配结果条数（按简历现居地）",
    database="就业帮扶",
    definition="当日匹配引擎为简历计算出的推荐岗位条数，按简历现居地统计。",
    domain="jobs",
    kind=K.COUNT,
    period=P.FLOW,
)
def job_matches(w: Window) -> Source:
    return Source(MatchResult.objects.filter(w.during("computed_at")), "resume__region")


@indicator(
    code="job_applications",
    name="求职投递",
    unit="份",
    formula="当日投递记录数（按岗位工作地点）",
    database="就业帮扶",
    definition="会员当日投递简历的份数，按岗位工作地点统计。",
    domain="jobs",
    kind=K.COUNT,
    period=P.FLOW,
    headline=True,
)
def job_applications(w: Window) -> Source:
    return Source(Application.objects.filter(w.during("created_at")), "post__region")


@indicator(
    code="job_interview_rate",
    name="面试邀约率",
    unit="%",
    formula="日末前投递（不含撤回）中状态为面试或录用的数 ÷ 该投递总数 × 100%",
    database="就业帮扶",
    definition="截至当日结束的投递（撤回的不计）中，获得面试邀请或已录用的比例。",
    domain="jobs",
    kind=K.RATIO,
    period=P.STOCK,
)
def job_interview_rate(w: Window) -> Source:
    invited = Count(
        "pk", filter=Q(status__in=[Application.Status.INTERVIEW, Application.Status.OFFERED])
    )
    queryset = Application.objects.filter(created_at__lt=w.end).exclude(
        status=Application.Status.WITHDRAWN
    )
    return Source(queryset, "post__region", num=invited, den=Count("pk"))


@indicator(
    code="job_offers",
    name="录用",
    unit="人",
    formula="当日更新且状态为已录用的投递数",
    database="就业帮扶",
    definition="当日被用人单位标记为已录用的投递数，按岗位工作地点统计。",
    domain="jobs",
    kind=K.COUNT,
    period=P.FLOW,
)
def job_offers(w: Window) -> Source:
    queryset = Application.objects.filter(w.during("updated_at"), status=Application.Status.OFFERED)
    return Source(queryset, "post__region")


# --- employers, pay, matching, the applications' outcome (issue 22) -----------------------


def _employers(w: Window):
    return Employer.objects.filter(created_at__lt=w.end)


@indicator(
    code="employers_total",
    name="注册用人单位",
    unit="家",
    formula="注册时间早于日末的用人单位数（按单位所在地区）",
    database="招聘岗位",
    definition="当日结束时在平台注册、可发布岗位的用人单位数。",
    domain="jobs",
    kind=K.COUNT,
    period=P.STOCK,
)
def employers_total(w: Window) -> Source:
    return Source(_employers(w), "region")


@indicator(
    code="employers_verified_share",
    name="用人单位认证率",
    unit="%",
    formula="日末注册用人单位中认证时间早于日末的数 ÷ 日末注册用人单位数 × 100%",
    database="招聘岗位",
    definition="当日结束时注册的用人单位中，已通过工会资质认证的比例。",
    domain="jobs",
    kind=K.RATIO,
    period=P.STOCK,
)
def employers_verified_share(w: Window) -> Source:
    return Source(_employers(w), "region", **share_of(Q(verified_at__lt=w.end)))


@indicator(
    code="employers_new",
    name="新注册用人单位",
    unit="家",
    formula="注册时间在当日的用人单位数",
    database="招聘岗位",
    definition="当日在平台新注册的用人单位数。",
    domain="jobs",
    kind=K.COUNT,
    period=P.FLOW,
)
def employers_new(w: Window) -> Source:
    return Source(Employer.objects.filter(w.during("created_at")), "region")


@indicator(
    code="job_pay_floor",
    name="在招岗位平均月薪下限",
    unit="元/月",
    formula="在招岗位的月薪下限之和 ÷ 在招岗位数",
    database="招聘岗位",
    definition="当日在招岗位标明的月薪下限的平均值。",
    domain="jobs",
    kind=K.MEAN,
    period=P.STOCK,
)
def job_pay_floor(w: Window) -> Source:
    return Source(_active_posts(w), "region", num=Sum("pay_min"), den=Count("pk"))


@indicator(
    code="flexible_posts",
    name="灵活用工在招岗位",
    unit="个",
    formula="在招岗位中用工形式为灵活用工的岗位数",
    database="新就业形态劳动者",
    definition="当日在招的灵活用工岗位数（面向新就业形态劳动者）。",
    domain="jobs",
    kind=K.COUNT,
    period=P.STOCK,
)
def flexible_posts(w: Window) -> Source:
    flexible = count_if(Q(employment_type=EmploymentType.FLEXIBLE))
    return Source(_active_posts(w), "region", num=flexible)


@indicator(
    code="job_match_success_rate",
    name="岗位匹配成功率",
    unit="%",
    formula="当日投递中，所投岗位曾由匹配引擎推荐给该求职者的投递数 ÷ 当日投递数 × 100%",
    database="就业帮扶",
    definition="当日的求职投递中，投向匹配引擎为其推荐的岗位的比例（推荐被采纳的程度）。",
    domain="jobs",
    kind=K.RATIO,
    period=P.FLOW,
    headline=True,
)
def job_match_success_rate(w: Window) -> Source:
    recommended = MatchResult.objects.filter(
        resume__user_id=OuterRef("user_id"), post_id=OuterRef("post_id")
    )
    queryset = Application.objects.filter(w.during("created_at"))
    return Source(queryset, "post__region", **share_of(Exists(recommended)))


@indicator(
    code="match_average_score",
    name="人岗匹配平均分",
    unit="分",
    formula="当日计算出的匹配结果的匹配分之和 ÷ 匹配结果条数",
    database="就业帮扶",
    definition="当日匹配引擎为简历推荐的岗位的平均匹配分（0至100）。",
    domain="jobs",
    kind=K.MEAN,
    period=P.FLOW,
)
def match_average_score(w: Window) -> Source:
    queryset = MatchResult.objects.filter(w.during("computed_at"))
    return Source(queryset, "resume__region", num=Sum("score"), den=Count("pk"))


@indicator(
    code="resumes_matched",
    name="完成匹配的简历",
    unit="份",
    formula="匹配完成时间在当日、匹配状态为已匹配的简历数（按现居地）",
    database="就业帮扶",
    definition="当日匹配引擎完成人岗匹配的简历份数。",
    domain="jobs",
    kind=K.COUNT,
    period=P.FLOW,
)
def resumes_matched(w: Window) -> Source:
    queryset = Resume.objects.filter(w.during("matched_at"), match_state=Resume.MatchState.DONE)
    return Source(queryset, "region")


@indicator(
    code="job_offer_rate",
    name="录用率",
    unit="%",
    formula="日末前投递（不含撤回）中状态为已录用的数 ÷ 该投递总数 × 100%",
    database="就业帮扶",
    definition="截至当日结束的投递（撤回的不计）中，已被用人单位录用的比例。",
    domain="jobs",
    kind=K.RATIO,
    period=P.STOCK,
)
def job_offer_rate(w: Window) -> Source:
    queryset = Application.objects.filter(created_at__lt=w.end).exclude(
        status=Application.Status.WITHDRAWN
    )
    return Source(queryset, "post__region", **share_of(Q(status=Application.Status.OFFERED)))


@indicator(
    code="interviews_scheduled",
    name="面试安排",
    unit="场",
    formula="面试时间在当日的投递数（按岗位工作地点）",
    database="就业帮扶",
    definition="当日举行的面试场次（用人单位邀请面试并约定时间的投递）。",
    domain="jobs",
    kind=K.COUNT,
    period=P.FLOW,
)
def interviews_scheduled(w: Window) -> Source:
    return Source(Application.objects.filter(w.during("interview_at")), "post__region")


@indicator(
    code="applications_withdrawn",
    name="撤回投递",
    unit="份",
    formula="当日更新且状态为已撤回的投递数",
    database="就业帮扶",
    definition="求职者当日撤回的投递份数。",
    domain="jobs",
    kind=K.COUNT,
    period=P.FLOW,
)
def applications_withdrawn(w: Window) -> Source:
    queryset = Application.objects.filter(
        w.during("updated_at"), status=Application.Status.WITHDRAWN
    )
    return Source(queryset, "post__region")


@indicator(
    code="job_posts_closed",
    name="关闭与下架岗位",
    unit="个",
    formula="当日更新且状态为已关闭或已下架的岗位数",
    database="招聘岗位",
    definition="当日由用人单位关闭或由工会下架的岗位数。",
    domain="jobs",
    kind=K.COUNT,
    period=P.FLOW,
)
def job_posts_closed(w: Window) -> Source:
    queryset = JobPost.objects.filter(
        w.during("updated_at"), status__in=[JobPost.Status.CLOSED, JobPost.Status.TAKEN_DOWN]
    )
    return Source(queryset, "region")
