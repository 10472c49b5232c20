"""Learning: 冀工学堂 courses, 网上练兵 practice, exams and competitions."""

from __future__ import annotations

from django.db.models import Count, F, Q

from insights.indicators.common import by_member
from insights.registry import Kind as K
from insights.registry import Period as P
from insights.registry import Source, Window, indicator
from learning.models import (
    Attempt,
    CompetitionRegistration,
    Enrollment,
    LessonProgress,
    PracticeAnswer,
)


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
    return by_member(Enrollment, "user", w, w.during("enrolled_at"))


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
    return by_member(Enrollment, "user", w, w.during("completed_at"))


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
    return by_member(
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
    return by_member(LessonProgress, "enrollment__user", w, w.during("completed_at"))


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
    return by_member(PracticeAnswer, "user", w, w.during("answered_at"))


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
    return by_member(PracticeAnswer, "user", w, w.during("answered_at"), num=right, den=Count("pk"))


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
    return by_member(PracticeAnswer, "user", w, w.during("answered_at"), num=distinct_users)


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
    return by_member(Attempt, "user", w, w.during("submitted_at"), Q(status__in=_SUBMITTED))


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
    definition="会员当日报名“冀高一筹”等网上竞赛的人次。",
    domain="learning",
    kind=K.COUNT,
    period=P.FLOW,
)
def competition_registrations(w: Window) -> Source:
    return by_member(CompetitionRegistration, "user", w, w.during("registered_at"))
