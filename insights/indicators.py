"""The indicators of the data platform, by domain. Each function returns the rows to group
(``Source``) for one day; ``insights.registry`` runs the query and rolls it up.

Where a figure belongs: hotline requests, job posts and activities to their own region;
everything a member does (learning, points, claims, use of the portal) to the region of the
union the member belongs to at the end of the day. Doings of people who are not members are
not attributed to a region.
"""

from __future__ import annotations

from django.db.models import (
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Sum,
)

from accounts.models import EmploymentForm, Membership, MembershipApplication, TransferRequest
from activities.models import Activity, Campaign, Claim, Order, PointsEntry, Signup
from hotline.models import OPEN_STATES, HotlineRequest, Kind, Topic
from insights.models import DailyActive
from insights.registry import Kind as K
from insights.registry import Period as P
from insights.registry import Source, Window, indicator
from jobs.models import Application, EmploymentType, JobPost, MatchResult, Resume
from learning.models import (
    Attempt,
    CompetitionRegistration,
    Enrollment,
    LessonProgress,
    PracticeAnswer,
)


def _labels(choices) -> dict[str, str]:
    return {value: str(label) for value, label in choices.choices}


def _member_of(user_path: str, window: Window) -> tuple[Q, str]:
    """A filter joining each row to its user's membership valid at the end of the window,
    and the path to that union's region. One join, no correlated subquery."""
    prefix = f"{user_path}__memberships__" if user_path else "memberships__"
    condition = Q(**{f"{prefix}started_at__lt": window.end}) & (
        Q(**{f"{prefix}ended_at__isnull": True}) | Q(**{f"{prefix}ended_at__gte": window.end})
    )
    return condition, f"{prefix}organization__region"


def _members_at(window: Window) -> QuerySet[Membership]:
    return Membership.objects.filter(started_at__lt=window.end).filter(
        Q(ended_at__isnull=True) | Q(ended_at__gte=window.end)
    )


def _by_member(model, user_path: str, window: Window, *conditions: Q, **kwargs) -> Source:
    member, region = _member_of(user_path, window)
    queryset = model.objects.filter(member, *conditions)
    return Source(queryset=queryset, region=region, **kwargs)


def _hours(later: str, earlier: str) -> Sum:
    return Sum(ExpressionWrapper(F(later) - F(earlier), output_field=DurationField()))


# --- membership ---------------------------------------------------------------------------


@indicator(
    code="members_total",
    name="会员总数",
    unit="人",
    definition="当日结束时会籍有效的会员人数，按所属工会所在地区统计；可按用工形式分类。",
    domain="membership",
    kind=K.COUNT,
    period=P.STOCK,
    breakdown="用工形式",
    breakdown_labels=_labels(EmploymentForm),
    headline=True,
)
def members_total(w: Window) -> Source:
    return Source(_members_at(w), "organization__region", key="employment_form")


@indicator(
    code="members_new",
    name="新入会会员",
    unit="人",
    definition="当日入会申请获批准的人数（不含转会）。",
    domain="membership",
    kind=K.COUNT,
    period=P.FLOW,
    breakdown="用工形式",
    breakdown_labels=_labels(EmploymentForm),
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
    queryset = _members_at(w).filter(employment_form=EmploymentForm.NEW_FORM)
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
        queryset, "organization__region", num=_hours("decided_at", "submitted_at"), den=Count("pk")
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
    return Source(_members_at(w), "organization__region", num=verified, den=Count("pk"))


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


# --- learning -----------------------------------------------------------------------------


@indicator(
    code="course_enrolments",
    name="课程报名",
    unit="人次",
    definition="会员当日报名冀工学堂课程的人次。",
    domain="learning",
    kind=K.COUNT,
    period=P.FLOW,
)
def course_enrolments(w: Window) -> Source:
    return _by_member(Enrollment, "user", w, w.during("enrolled_at"))


@indicator(
    code="course_completions",
    name="课程结业",
    unit="人次",
    definition="会员当日学完全部课时、课程结业的人次。",
    domain="learning",
    kind=K.COUNT,
    period=P.FLOW,
)
def course_completions(w: Window) -> Source:
    return _by_member(Enrollment, "user", w, w.during("completed_at"))


@indicator(
    code="course_completion_rate",
    name="课程结业率",
    unit="%",
    definition="截至当日结束，会员报名的课程中已结业的比例。",
    domain="learning",
    kind=K.RATIO,
    period=P.STOCK,
)
def course_completion_rate(w: Window) -> Source:
    completed = Count("pk", filter=Q(completed_at__lt=w.end))
    return _by_member(
        Enrollment, "user", w, Q(enrolled_at__lt=w.end), num=completed, den=Count("pk")
    )


@indicator(
    code="lessons_completed",
    name="完成课时",
    unit="课时",
    definition="会员当日学完的课时数。",
    domain="learning",
    kind=K.COUNT,
    period=P.FLOW,
)
def lessons_completed(w: Window) -> Source:
    return _by_member(LessonProgress, "enrollment__user", w, w.during("completed_at"))


@indicator(
    code="practice_answers",
    name="网上练兵答题量",
    unit="题",
    definition="会员当日在网上练兵中作答的题数。",
    domain="learning",
    kind=K.COUNT,
    period=P.FLOW,
    headline=True,
)
def practice_answers(w: Window) -> Source:
    return _by_member(PracticeAnswer, "user", w, w.during("answered_at"))


@indicator(
    code="practice_accuracy",
    name="练兵正确率",
    unit="%",
    definition="会员当日练兵作答中答对的比例。",
    domain="learning",
    kind=K.RATIO,
    period=P.FLOW,
)
def practice_accuracy(w: Window) -> Source:
    right = Count("pk", filter=Q(is_correct=True))
    return _by_member(
        PracticeAnswer, "user", w, w.during("answered_at"), num=right, den=Count("pk")
    )


@indicator(
    code="practice_members",
    name="参加练兵人数",
    unit="人",
    definition="当日至少作答一道练兵题的会员人数。",
    domain="learning",
    kind=K.COUNT,
    period=P.FLOW,
)
def practice_members(w: Window) -> Source:
    distinct_users = Count("user", distinct=True)
    return _by_member(PracticeAnswer, "user", w, w.during("answered_at"), num=distinct_users)


_SUBMITTED = [Attempt.Status.SUBMITTED, Attempt.Status.AUTO_SUBMITTED]


@indicator(
    code="exam_submissions",
    name="考试交卷",
    unit="份",
    definition="会员当日交卷（含超时自动交卷）的考试与竞赛答卷份数。",
    domain="learning",
    kind=K.COUNT,
    period=P.FLOW,
)
def exam_submissions(w: Window) -> Source:
    return _by_member(Attempt, "user", w, w.during("submitted_at"), Q(status__in=_SUBMITTED))


@indicator(
    code="exam_pass_rate",
    name="考试通过率",
    unit="%",
    definition="当日交卷的答卷中得分达到试卷及格分的比例。",
    domain="learning",
    kind=K.RATIO,
    period=P.FLOW,
)
def exam_pass_rate(w: Window) -> Source:
    passed = Count("pk", filter=Q(score__gte=F("paper__pass_score")))
    return _by_member(
        Attempt,
        "user",
        w,
        w.during("submitted_at"),
        Q(status__in=_SUBMITTED),
        num=passed,
        den=Count("pk"),
    )


@indicator(
    code="competition_registrations",
    name="竞赛报名",
    unit="人次",
    definition="会员当日报名“冀高一筹”等网上竞赛的人次。",
    domain="learning",
    kind=K.COUNT,
    period=P.FLOW,
)
def competition_registrations(w: Window) -> Source:
    return _by_member(CompetitionRegistration, "user", w, w.during("registered_at"))


# --- hotline ------------------------------------------------------------------------------


@indicator(
    code="hotline_requests",
    name="热线诉求",
    unit="件",
    definition="当日受理的12351诉求件数（网上与电话），按诉求发生地统计；可按诉求类型分类。",
    domain="hotline",
    kind=K.COUNT,
    period=P.FLOW,
    breakdown="诉求类型",
    breakdown_labels=_labels(Kind),
    headline=True,
)
def hotline_requests(w: Window) -> Source:
    return Source(HotlineRequest.objects.filter(w.during("created_at")), "region", key="kind")


@indicator(
    code="hotline_requests_by_topic",
    name="热线诉求（按话题）",
    unit="件",
    definition="当日受理的12351诉求件数，按话题（劳动合同、工资报酬、社会保险等）分类。",
    domain="hotline",
    kind=K.COUNT,
    period=P.FLOW,
    breakdown="话题",
    breakdown_labels=_labels(Topic),
)
def hotline_requests_by_topic(w: Window) -> Source:
    return Source(HotlineRequest.objects.filter(w.during("created_at")), "region", key="topic")


@indicator(
    code="hotline_phone_share",
    name="电话渠道占比",
    unit="%",
    definition="当日受理的诉求中通过电话（坐席代录）提交的比例。",
    domain="hotline",
    kind=K.RATIO,
    period=P.FLOW,
)
def hotline_phone_share(w: Window) -> Source:
    phone = Count("pk", filter=Q(channel=HotlineRequest.Channel.PHONE))
    queryset = HotlineRequest.objects.filter(w.during("created_at"))
    return Source(queryset, "region", num=phone, den=Count("pk"))


@indicator(
    code="hotline_first_response_hours",
    name="首次答复平均用时",
    unit="小时",
    definition="当日作出首次答复的诉求，从受理到首次答复的平均小时数。",
    domain="hotline",
    kind=K.MEAN,
    period=P.FLOW,
)
def hotline_first_response_hours(w: Window) -> Source:
    queryset = HotlineRequest.objects.filter(w.during("first_response_at"))
    return Source(
        queryset, "region", num=_hours("first_response_at", "created_at"), den=Count("pk")
    )


@indicator(
    code="hotline_resolved",
    name="热线办结",
    unit="件",
    definition="当日办结的诉求件数。",
    domain="hotline",
    kind=K.COUNT,
    period=P.FLOW,
)
def hotline_resolved(w: Window) -> Source:
    return Source(HotlineRequest.objects.filter(w.during("resolved_at")), "region")


@indicator(
    code="hotline_resolution_hours",
    name="办结平均用时",
    unit="小时",
    definition="当日办结的诉求，从受理到办结的平均小时数。",
    domain="hotline",
    kind=K.MEAN,
    period=P.FLOW,
)
def hotline_resolution_hours(w: Window) -> Source:
    queryset = HotlineRequest.objects.filter(w.during("resolved_at"))
    return Source(queryset, "region", num=_hours("resolved_at", "created_at"), den=Count("pk"))


@indicator(
    code="hotline_on_time_rate",
    name="按时办结率",
    unit="%",
    definition="当日办结的诉求中，在办结时限内办结的比例。",
    domain="hotline",
    kind=K.RATIO,
    period=P.FLOW,
    headline=True,
)
def hotline_on_time_rate(w: Window) -> Source:
    on_time = Count(
        "pk", filter=Q(resolution_due__isnull=False, resolved_at__lte=F("resolution_due"))
    )
    queryset = HotlineRequest.objects.filter(w.during("resolved_at"))
    return Source(queryset, "region", num=on_time, den=Count("pk"))


def _open_at_end(w: Window):
    return HotlineRequest.objects.filter(created_at__lt=w.end).filter(
        Q(resolved_at__isnull=True, state__in=OPEN_STATES) | Q(resolved_at__gte=w.end)
    )


@indicator(
    code="hotline_open",
    name="在办诉求",
    unit="件",
    definition="当日结束时已受理、尚未办结的诉求件数。",
    domain="hotline",
    kind=K.COUNT,
    period=P.STOCK,
)
def hotline_open(w: Window) -> Source:
    return Source(_open_at_end(w), "region")


@indicator(
    code="hotline_overdue",
    name="超时在办诉求",
    unit="件",
    definition="当日结束时尚未办结且已超过办结时限的诉求件数。",
    domain="hotline",
    kind=K.COUNT,
    period=P.STOCK,
)
def hotline_overdue(w: Window) -> Source:
    return Source(_open_at_end(w).filter(resolution_due__lt=w.end), "region")


@indicator(
    code="hotline_satisfaction",
    name="热线满意率",
    unit="%",
    definition="当日收到的服务评价中，评为4星或5星（满意）的比例。",
    domain="hotline",
    kind=K.RATIO,
    period=P.FLOW,
    headline=True,
)
def hotline_satisfaction(w: Window) -> Source:
    satisfied = Count("pk", filter=Q(rating__gte=4))
    queryset = HotlineRequest.objects.filter(w.during("rated_at"), rating__isnull=False)
    return Source(queryset, "region", num=satisfied, den=Count("pk"))


@indicator(
    code="hotline_rating_average",
    name="热线平均评分",
    unit="星",
    definition="当日收到的服务评价的平均星级（1至5星）。",
    domain="hotline",
    kind=K.MEAN,
    period=P.FLOW,
)
def hotline_rating_average(w: Window) -> Source:
    queryset = HotlineRequest.objects.filter(w.during("rated_at"), rating__isnull=False)
    return Source(queryset, "region", num=Sum("rating"), den=Count("pk"))


# --- jobs ---------------------------------------------------------------------------------


@indicator(
    code="job_posts_published",
    name="新发布岗位",
    unit="个",
    definition="当日发布的招聘岗位数，按工作地点统计；可按用工形式分类。",
    domain="jobs",
    kind=K.COUNT,
    period=P.FLOW,
    breakdown="用工形式",
    breakdown_labels=_labels(EmploymentType),
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


# --- activities, welcome packs, points ----------------------------------------------------


@indicator(
    code="activities_held",
    name="举办活动",
    unit="场",
    definition="当日开始的已发布活动场数，按举办地区统计；可按活动类型分类。",
    domain="activities",
    kind=K.COUNT,
    period=P.FLOW,
    breakdown="活动类型",
    breakdown_labels=_labels(Activity.Kind),
)
def activities_held(w: Window) -> Source:
    queryset = Activity.objects.filter(w.during("starts_at"), published=True)
    return Source(queryset, "region", key="kind")


@indicator(
    code="activity_signups",
    name="活动报名",
    unit="人次",
    definition="当日的活动报名人次（含候补），按活动举办地区统计。",
    domain="activities",
    kind=K.COUNT,
    period=P.FLOW,
    headline=True,
)
def activity_signups(w: Window) -> Source:
    return Source(Signup.objects.filter(w.during("created_at")), "activity__region")


@indicator(
    code="activity_checkins",
    name="活动签到",
    unit="人次",
    definition="当日在活动现场扫码签到的人次。",
    domain="activities",
    kind=K.COUNT,
    period=P.FLOW,
)
def activity_checkins(w: Window) -> Source:
    return Source(Signup.objects.filter(w.during("checked_in_at")), "activity__region")


@indicator(
    code="activity_attendance_rate",
    name="活动到场率",
    unit="%",
    definition="当日开始的活动中，已报名（不含候补和取消）的人实际签到的比例。",
    domain="activities",
    kind=K.RATIO,
    period=P.FLOW,
)
def activity_attendance_rate(w: Window) -> Source:
    queryset = Signup.objects.filter(
        w.during("activity__starts_at"), status=Signup.Status.CONFIRMED
    )
    present = Count("pk", filter=Q(checked_in_at__isnull=False))
    return Source(queryset, "activity__region", num=present, den=Count("pk"))


@indicator(
    code="packs_claimed",
    name="礼包领取",
    unit="份",
    definition="会员当日领取的暖新礼包、清凉券等福利份数，按会员所属工会地区统计；可按福利类型分类。",
    domain="activities",
    kind=K.COUNT,
    period=P.FLOW,
    breakdown="福利类型",
    breakdown_labels=_labels(Campaign.Kind),
    headline=True,
)
def packs_claimed(w: Window) -> Source:
    return _by_member(Claim, "user", w, w.during("claimed_at"), key="campaign__kind")


@indicator(
    code="packs_redeemed",
    name="礼包核销",
    unit="份",
    definition="当日在服务站扫码核销（领到实物）的福利份数。",
    domain="activities",
    kind=K.COUNT,
    period=P.FLOW,
)
def packs_redeemed(w: Window) -> Source:
    return _by_member(Claim, "user", w, w.during("redeemed_at"))


@indicator(
    code="points_earned",
    name="积分发放",
    unit="分",
    definition="会员当日获得的积分合计（不含冲正）；可按来源分类。",
    domain="activities",
    kind=K.COUNT,
    period=P.FLOW,
    breakdown="积分来源",
    breakdown_labels=_labels(PointsEntry.Source),
)
def points_earned(w: Window) -> Source:
    return _by_member(
        PointsEntry,
        "user",
        w,
        w.during("created_at"),
        Q(amount__gt=0) & ~Q(source=PointsEntry.Source.REVERSAL),
        num=Sum("amount"),
        key="source",
    )


@indicator(
    code="points_spent",
    name="积分消费",
    unit="分",
    definition="会员当日在积分商城等处花掉的积分合计（不含冲正）。",
    domain="activities",
    kind=K.COUNT,
    period=P.FLOW,
)
def points_spent(w: Window) -> Source:
    return _by_member(
        PointsEntry,
        "user",
        w,
        w.during("created_at"),
        Q(amount__lt=0) & ~Q(source=PointsEntry.Source.REVERSAL),
        num=Sum(-F("amount")),
    )


@indicator(
    code="mall_orders",
    name="商城订单",
    unit="单",
    definition="会员当日在积分商城下的订单数。",
    domain="activities",
    kind=K.COUNT,
    period=P.FLOW,
)
def mall_orders(w: Window) -> Source:
    return _by_member(Order, "user", w, w.during("created_at"))


# --- usage --------------------------------------------------------------------------------


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
    return _by_member(DailyActive, "user", w, Q(date=w.day))


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
        _members_at(w),
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

    return _by_member(User, "", w, w.during("date_joined"))
