"""Jobs: posts, résumés, matches, applications and offers."""

from __future__ import annotations

from django.db.models import Count, Q, Sum

from insights.indicators.common import labels
from insights.registry import Kind as K
from insights.registry import Period as P
from insights.registry import Source, Window, indicator
from jobs.models import Application, EmploymentType, JobPost, MatchResult, Resume


@indicator(
    code="job_posts_published",
    name="新发布岗位",
    unit="个",
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
    definition="当日被用人单位标记为已录用的投递数，按岗位工作地点统计。",
    domain="jobs",
    kind=K.COUNT,
    period=P.FLOW,
)
def job_offers(w: Window) -> Source:
    queryset = Application.objects.filter(w.during("updated_at"), status=Application.Status.OFFERED)
    return Source(queryset, "post__region")
