"""Learning: 冀工学堂 courses, 网上练兵 practice, exams and competitions."""

from __future__ import annotations

from django.db.models import Count, ExpressionWrapper, F, FloatField, Q, Sum

from accounts.models import Credential
from insights.indicators.common import by_member, count_if, credentials_issued, labels
from insights.registry import Kind as K
from insights.registry import Period as P
from insights.registry import Source, Window, indicator
from learning.models import (
    Attempt,
    CompetitionRegistration,
    CompetitionResult,
    Course,
    CourseCategory,
    Enrollment,
    LessonProgress,
    PracticeAnswer,
    WrongAnswer,
)


@indicator(
    code="course_enrolments",
    name="课程报名",
    unit="人次",
    formula="会员当日的课程报名记录数",
    database="职工培训",
    definition="会员当日报名冀工学堂课程的人次。",
    domain="learning",
    kind=K.COUNT,
    period=P.FLOW,
)
def course_enrolments(w: Window) -> Source:
    return by_member(Enrollment, "user", w, w.during("enrolled_at"))


@indicator(
    code="course_completions",
    name="课程结业",
    unit="人次",
    formula="会员当日结业（completed_at 在当日）的报名记录数",
    database="职工培训",
    definition="会员当日学完全部课时、课程结业的人次。",
    domain="learning",
    kind=K.COUNT,
    period=P.FLOW,
)
def course_completions(w: Window) -> Source:
    return by_member(Enrollment, "user", w, w.during("completed_at"))


@indicator(
    code="course_completion_rate",
    name="课程结业率",
    unit="%",
    formula="日末前已结业的报名数 ÷ 日末前的报名总数 × 100%",
    database="职工培训",
    definition="截至当日结束，会员报名的课程中已结业的比例。",
    domain="learning",
    kind=K.RATIO,
    period=P.STOCK,
)
def course_completion_rate(w: Window) -> Source:
    completed = Count("pk", filter=Q(completed_at__lt=w.end))
    return by_member(
        Enrollment, "user", w, Q(enrolled_at__lt=w.end), num=completed, den=Count("pk")
    )


@indicator(
    code="lessons_completed",
    name="完成课时",
    unit="课时",
    formula="会员当日完成的课时记录数",
    database="职工培训",
    definition="会员当日学完的课时数。",
    domain="learning",
    kind=K.COUNT,
    period=P.FLOW,
)
def lessons_completed(w: Window) -> Source:
    return by_member(LessonProgress, "enrollment__user", w, w.during("completed_at"))


@indicator(
    code="practice_answers",
    name="网上练兵答题量",
    unit="题",
    formula="会员当日的练兵作答记录数",
    database="网上练兵",
    definition="会员当日在网上练兵中作答的题数。",
    domain="learning",
    kind=K.COUNT,
    period=P.FLOW,
    headline=True,
)
def practice_answers(w: Window) -> Source:
    return by_member(PracticeAnswer, "user", w, w.during("answered_at"))


@indicator(
    code="practice_accuracy",
    name="练兵正确率",
    unit="%",
    formula="当日答对的作答数 ÷ 当日作答总数 × 100%",
    database="网上练兵",
    definition="会员当日练兵作答中答对的比例。",
    domain="learning",
    kind=K.RATIO,
    period=P.FLOW,
)
def practice_accuracy(w: Window) -> Source:
    right = Count("pk", filter=Q(is_correct=True))
    return by_member(PracticeAnswer, "user", w, w.during("answered_at"), num=right, den=Count("pk"))


@indicator(
    code="practice_members",
    name="参加练兵人数",
    unit="人",
    formula="当日有练兵作答记录的不同会员数",
    database="网上练兵",
    definition="当日至少作答一道练兵题的会员人数。",
    domain="learning",
    kind=K.COUNT,
    period=P.FLOW,
)
def practice_members(w: Window) -> Source:
    distinct_users = Count("user", distinct=True)
    return by_member(PracticeAnswer, "user", w, w.during("answered_at"), num=distinct_users)


_SUBMITTED = [Attempt.Status.SUBMITTED, Attempt.Status.AUTO_SUBMITTED]


@indicator(
    code="exam_submissions",
    name="考试交卷",
    unit="份",
    formula="会员当日交卷（含自动交卷）的答卷数",
    database="职工培训",
    definition="会员当日交卷（含超时自动交卷）的考试与竞赛答卷份数。",
    domain="learning",
    kind=K.COUNT,
    period=P.FLOW,
)
def exam_submissions(w: Window) -> Source:
    return by_member(Attempt, "user", w, w.during("submitted_at"), Q(status__in=_SUBMITTED))


@indicator(
    code="exam_pass_rate",
    name="考试通过率",
    unit="%",
    formula="当日交卷中得分≥试卷及格分的答卷数 ÷ 当日交卷数 × 100%",
    database="职工培训",
    definition="当日交卷的答卷中得分达到试卷及格分的比例。",
    domain="learning",
    kind=K.RATIO,
    period=P.FLOW,
)
def exam_pass_rate(w: Window) -> Source:
    passed = Count("pk", filter=Q(score__gte=F("paper__pass_score")))
    return by_member(
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
    formula="会员当日的竞赛报名记录数",
    database="技能竞赛成绩",
    definition="会员当日报名“冀高一筹”等网上竞赛的人次。",
    domain="learning",
    kind=K.COUNT,
    period=P.FLOW,
)
def competition_registrations(w: Window) -> Source:
    return by_member(CompetitionRegistration, "user", w, w.during("registered_at"))


# --- courses, study time, wrong-book, scores, certificates (issue 22) ---------------------


def _published_courses(w: Window):
    return Course.objects.filter(status=Course.Status.PUBLISHED, published_at__lt=w.end)


@indicator(
    code="courses_online",
    name="在线课程",
    unit="门",
    formula="状态为已发布、发布时间早于日末的课程数（按课程所属地区），按课程类别分组",
    database="职工培训",
    definition="当日结束时冀工学堂上线的课程门数，按开课地区统计；可按课程类别分类。",
    domain="learning",
    kind=K.COUNT,
    period=P.STOCK,
    breakdown="课程类别",
    breakdown_labels=labels(CourseCategory),
)
def courses_online(w: Window) -> Source:
    return Source(_published_courses(w), "region", key="category")


@indicator(
    code="courses_new",
    name="新上线课程",
    unit="门",
    formula="状态为已发布、发布时间在当日的课程数",
    database="职工培训",
    definition="当日新上线的冀工学堂课程门数。",
    domain="learning",
    kind=K.COUNT,
    period=P.FLOW,
)
def courses_new(w: Window) -> Source:
    queryset = Course.objects.filter(w.during("published_at"), status=Course.Status.PUBLISHED)
    return Source(queryset, "region")


def _lessons_done(w: Window, **kwargs) -> Source:
    return by_member(LessonProgress, "enrollment__user", w, w.during("completed_at"), **kwargs)


@indicator(
    code="learners",
    name="当日学习人数",
    unit="人",
    formula="当日有完成课时记录的不同会员数",
    database="职工培训",
    definition="当日在冀工学堂至少学完一个课时的会员人数。",
    domain="learning",
    kind=K.COUNT,
    period=P.FLOW,
)
def learners(w: Window) -> Source:
    return _lessons_done(w, num=Count("enrollment__user", distinct=True))


@indicator(
    code="learning_minutes",
    name="学习时长",
    unit="分钟",
    formula="当日完成的课时的课时时长（分钟）之和",
    database="职工培训",
    definition="会员当日学完的课时按课时标准时长合计的学习分钟数。",
    domain="learning",
    kind=K.COUNT,
    period=P.FLOW,
)
def learning_minutes(w: Window) -> Source:
    return _lessons_done(w, num=Sum("lesson__minutes"))


@indicator(
    code="lessons_per_learner",
    name="人均完成课时",
    unit="课时",
    formula="当日完成的课时数 ÷ 当日学习人数",
    database="职工培训",
    definition="当日参加学习的会员平均每人学完的课时数。",
    domain="learning",
    kind=K.MEAN,
    period=P.FLOW,
)
def lessons_per_learner(w: Window) -> Source:
    return _lessons_done(w, num=Count("pk"), den=Count("enrollment__user", distinct=True))


@indicator(
    code="safety_enrolments",
    name="安全生产培训人次",
    unit="人次",
    formula="会员当日报名、课程类别为安全生产的报名记录数",
    database="职工培训",
    definition="会员当日报名安全生产类课程的人次。",
    domain="learning",
    kind=K.COUNT,
    period=P.FLOW,
)
def safety_enrolments(w: Window) -> Source:
    safety = count_if(Q(course__category=CourseCategory.SAFETY))
    return by_member(Enrollment, "user", w, w.during("enrolled_at"), num=safety)


@indicator(
    code="wrong_book_questions",
    name="错题本在册题数",
    unit="题",
    formula="最近一次答错早于日末、且日末前未消除的错题记录数",
    database="网上练兵",
    definition="当日结束时会员错题本中尚未消除（未连续答对）的题目数。",
    domain="learning",
    kind=K.COUNT,
    period=P.STOCK,
)
def wrong_book_questions(w: Window) -> Source:
    return by_member(
        WrongAnswer,
        "user",
        w,
        Q(last_wrong_at__lt=w.end) & (Q(cleared_at__isnull=True) | Q(cleared_at__gte=w.end)),
    )


def _submitted(w: Window, **kwargs) -> Source:
    return by_member(
        Attempt, "user", w, w.during("submitted_at"), Q(status__in=_SUBMITTED), **kwargs
    )


@indicator(
    code="exam_score_rate",
    name="考试得分率",
    unit="%",
    formula="当日交卷答卷的得分之和 ÷ 满分之和 × 100%",
    database="职工培训",
    definition="当日交卷的考试与竞赛答卷，总得分占总满分的比例。",
    domain="learning",
    kind=K.RATIO,
    period=P.FLOW,
)
def exam_score_rate(w: Window) -> Source:
    return _submitted(w, num=Sum("score"), den=Sum("max_score"))


@indicator(
    code="exam_minutes",
    name="平均答题用时",
    unit="分钟",
    formula="当日交卷答卷的答题秒数之和 ÷ 60 ÷ 当日交卷数",
    database="职工培训",
    definition="当日交卷的答卷，从开考到交卷的平均分钟数。",
    domain="learning",
    kind=K.MEAN,
    period=P.FLOW,
)
def exam_minutes(w: Window) -> Source:
    minutes = ExpressionWrapper(Sum("duration_seconds") / 60.0, output_field=FloatField())
    return _submitted(w, num=minutes, den=Count("pk"))


def _results(w: Window, **kwargs) -> Source:
    return by_member(CompetitionResult, "user", w, Q(updated_at__lt=w.end), **kwargs)


@indicator(
    code="competition_scored",
    name="竞赛有成绩人数",
    unit="人",
    formula="成绩更新时间早于日末的竞赛成绩记录数（每人每项竞赛一条）",
    database="技能竞赛成绩",
    definition="当日结束时在“冀高一筹”等网上竞赛中取得成绩的会员人次（以最新成绩为准）。",
    domain="learning",
    kind=K.COUNT,
    period=P.STOCK,
)
def competition_scored(w: Window) -> Source:
    return _results(w)


@indicator(
    code="competition_average_score",
    name="竞赛平均成绩",
    unit="分",
    formula="日末竞赛成绩记录的成绩之和 ÷ 成绩记录数",
    database="技能竞赛成绩",
    definition="当日结束时网上竞赛参赛会员的平均成绩。",
    domain="learning",
    kind=K.MEAN,
    period=P.STOCK,
)
def competition_average_score(w: Window) -> Source:
    return _results(w, num=Sum("score"), den=Count("pk"))


@indicator(
    code="course_certificates",
    name="结业证书发放",
    unit="张",
    formula="当日签发、类型为课程结业证书的卡包凭证数",
    database="职工培训",
    definition="当日向会员卡包签发的冀工学堂课程结业证书张数。",
    domain="learning",
    kind=K.COUNT,
    period=P.FLOW,
)
def course_certificates(w: Window) -> Source:
    return credentials_issued(w, num=count_if(Q(kind=Credential.Kind.COURSE_CERTIFICATE)))
