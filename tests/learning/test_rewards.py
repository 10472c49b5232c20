"""Learning rewards reach the points ledger once, after commit, through points_credit."""

from decimal import Decimal

import pytest
from django.utils import timezone

from activities.models import PointsEntry
from activities.selectors import points_balance
from learning.models import LearningReward
from learning.services.courses import enrollment_create, learning_reward_record, lesson_complete
from learning.services.exams import attempt_start, attempt_submit
from learning.services.rewards import learning_reward_credit, learning_rewards_credit_pending
from learning.tasks import credit_pending_rewards
from portal.celery import app
from tests.accounts.factories import UserFactory
from tests.learning.factories import correct_ids, make_course, make_paper, make_question, wrong_ids

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _eager_celery():
    before = app.conf.task_always_eager, app.conf.task_eager_propagates
    app.conf.task_always_eager = app.conf.task_eager_propagates = True
    yield
    app.conf.task_always_eager, app.conf.task_eager_propagates = before


def test_finished_course_pays_once_after_commit(regions, django_capture_on_commit_callbacks):
    course = make_course(lessons=2, points=15)
    user = UserFactory()
    enrollment = enrollment_create(user=user, course=course)
    lessons = list(course.lessons.order_by("position"))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        lesson_complete(enrollment=enrollment, lesson=lessons[0])
        lesson_complete(enrollment=enrollment, lesson=lessons[1])
    assert points_balance(user=user) == 0  # nothing paid before the commit
    for callback in callbacks:
        callback()
    reward = LearningReward.objects.get(user=user)
    assert reward.credited_at is not None
    entry = PointsEntry.objects.get(user=user)
    assert (entry.amount, entry.source) == (15, PointsEntry.Source.COURSE)
    assert entry.idempotency_key == f"learning:course:{enrollment.pk}"
    assert "学完课程" in entry.reason
    # The task retried, the sweep, and completing the last lesson again: still one row.
    for callback in callbacks:
        callback()
    assert learning_reward_credit(reward_id=reward.pk).pk == reward.pk
    with django_capture_on_commit_callbacks(execute=True):
        lesson_complete(enrollment=enrollment, lesson=lessons[1])
    assert learning_rewards_credit_pending() == 0
    assert PointsEntry.objects.filter(user=user).count() == 1
    assert points_balance(user=user) == 15


def test_a_lost_stamp_still_never_pays_twice(regions, django_capture_on_commit_callbacks):
    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        reward = learning_reward_record(
            user=user, reason=LearningReward.Reason.COURSE_COMPLETED, points=8, key="course:x",
            description="学完课程《劳动合同法要点》",
        )  # fmt: skip
    LearningReward.objects.filter(pk=reward.pk).update(credited_at=None)
    learning_reward_credit(reward_id=reward.pk)
    assert points_balance(user=user) == 8
    assert PointsEntry.objects.filter(user=user).count() == 1


def test_passing_an_exam_pays_once_per_paper(regions, settings, django_capture_on_commit_callbacks):
    settings.LEARNING_EXAM_PASS_POINTS = 12
    questions = [make_question(), make_question()]
    paper = make_paper(questions=questions, points=Decimal(5))
    paper.pass_score = Decimal(10)
    paper.save(update_fields=["pass_score"])
    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        failed = attempt_start(user=user, paper=paper)
        attempt_submit(attempt=failed, answers={q.pk: wrong_ids(q) for q in questions})
    assert not LearningReward.objects.filter(user=user).exists()  # 0 of 10: no points
    for _ in range(2):  # passed twice: paid once
        with django_capture_on_commit_callbacks(execute=True):
            attempt = attempt_start(user=user, paper=paper)
            attempt_submit(attempt=attempt, answers={q.pk: correct_ids(q) for q in questions})
    reward = LearningReward.objects.get(user=user)
    assert reward.reason == LearningReward.Reason.EXAM_PASSED
    assert reward.key == f"exam:{paper.pk}:{user.pk}"
    entry = PointsEntry.objects.get(user=user)
    assert (entry.amount, entry.source) == (12, PointsEntry.Source.EXAM)
    assert "通过考试" in entry.reason


def test_competition_awards_are_credited_as_competition_points(
    regions, django_capture_on_commit_callbacks
):
    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        learning_reward_record(
            user=user, reason=LearningReward.Reason.COMPETITION_AWARD, points=100,
            key="competition:1", description="冀高一筹 一等奖",
        )  # fmt: skip
    assert PointsEntry.objects.get(user=user).source == PointsEntry.Source.COMPETITION
    assert points_balance(user=user) == 100


def test_the_sweep_credits_rewards_whose_task_was_lost(regions, django_capture_on_commit_callbacks):
    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=False):  # the broker was down
        reward = learning_reward_record(
            user=user, reason=LearningReward.Reason.COURSE_COMPLETED, points=20,
            key="course:lost", description="学完课程《安全生产法》",
        )  # fmt: skip
    assert credit_pending_rewards.apply().get() == 0  # too fresh: its task may still run
    LearningReward.objects.filter(pk=reward.pk).update(
        created_at=timezone.now() - timezone.timedelta(hours=1)
    )
    assert credit_pending_rewards.apply().get() == 1
    assert credit_pending_rewards.apply().get() == 0
    assert points_balance(user=user) == 20
    reward.refresh_from_db()
    assert reward.credited_at is not None
