import threading
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from accounts.models import Credential, EmploymentForm
from learning.models import Attempt, Competition, CompetitionResult, Enrollment, LearningReward
from learning.selectors import competition_leaderboard, competition_rank_of
from learning.services.competitions import (
    competition_awards_issue,
    competition_register,
    competition_round_start,
)
from learning.services.courses import enrollment_create, lesson_complete
from learning.services.exams import attempt_start, attempt_submit
from tests.accounts.factories import UserFactory, make_member
from tests.learning.factories import (
    correct_ids,
    make_competition,
    make_course,
    make_paper,
    make_question,
    region,
    wrong_ids,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def contest(regions):
    questions = [make_question() for _ in range(4)]
    paper = make_paper(questions=questions, max_attempts=2)
    return make_competition(paper=paper), questions


def _play(user, competition, questions, right, seconds):
    attempt = competition_round_start(user=user, round=competition.rounds.get())
    Attempt.objects.filter(pk=attempt.pk).update(
        started_at=timezone.now() - timedelta(seconds=seconds)
    )
    attempt.refresh_from_db()
    answers = {
        q.pk: (correct_ids(q) if n < right else wrong_ids(q)) for n, q in enumerate(questions)
    }
    return attempt_submit(attempt=attempt, answers=answers)


def test_eligibility_and_window(contest, union_tree):
    competition, _questions = contest
    outsider = UserFactory()
    with pytest.raises(ValidationError, match="仅限工会会员"):
        competition_register(user=outsider, competition=competition)
    competition.eligible_region = region("131000")
    competition.eligible_trades = "货车司机、快递员"
    competition.save()
    sjz_worker = make_member(organization=union_tree["factory"])
    with pytest.raises(ValidationError, match="仅限廊坊市"):
        competition_register(user=sjz_worker, competition=competition)
    clerk = make_member(organization=union_tree["joint"], occupation="文员")
    with pytest.raises(ValidationError, match="限以下工种"):
        competition_register(user=clerk, competition=competition)
    driver = make_member(
        organization=union_tree["joint"],
        occupation="货车司机",
        employment_form=EmploymentForm.NEW_FORM,
    )
    entry = competition_register(user=driver, competition=competition)
    assert entry.city_code == "131000" and entry.organization == union_tree["joint"]
    assert competition_register(user=driver, competition=competition) == entry
    Competition.objects.filter(pk=competition.pk).update(
        registration_closes_at=timezone.now() - timedelta(minutes=1)
    )
    competition.refresh_from_db()
    late = make_member(organization=union_tree["joint"], occupation="快递员")
    with pytest.raises(ValidationError, match="报名已截止"):
        competition_register(user=late, competition=competition)
    with pytest.raises(ValidationError, match="请先报名"):
        competition_round_start(user=late, round=competition.rounds.get())


def test_rankings_score_then_time_with_city_and_enterprise_boards(contest, union_tree):
    competition, questions = contest
    wang = make_member(organization=union_tree["factory"])
    liu = make_member(organization=union_tree["factory"])
    zhang = make_member(organization=union_tree["joint"])
    for user in (wang, liu, zhang):
        competition_register(user=user, competition=competition)
    _play(wang, competition, questions, right=3, seconds=300)
    _play(liu, competition, questions, right=3, seconds=200)  # same score, faster
    _play(zhang, competition, questions, right=4, seconds=900)
    board = competition_leaderboard(competition_id=competition.pk)
    assert [row["user_id"] for row in board] == [zhang.pk, liu.pk, wang.pk]
    assert [row["rank"] for row in board] == [1, 2, 3]
    sjz = competition_leaderboard(competition_id=competition.pk, scope="city", key="130100")
    assert [row["user_id"] for row in sjz] == [liu.pk, wang.pk]
    factory = competition_leaderboard(
        competition_id=competition.pk, scope="organization", key=union_tree["joint"].pk
    )
    assert [row["user_id"] for row in factory] == [zhang.pk]
    # A better second attempt replaces the best; a worse one does not.
    _play(wang, competition, questions, right=4, seconds=100)
    assert competition_rank_of(competition_id=competition.pk, user=wang)[0] == 1
    result = CompetitionResult.objects.get(user=wang)
    assert (result.score, result.duration_seconds) == (4, 100)


def test_awards_go_to_the_wallet_once(contest, union_tree):
    competition, questions = contest
    players = [make_member(organization=union_tree["factory"]) for _ in range(3)]
    for n, user in enumerate(players):
        competition_register(user=user, competition=competition)
        _play(user, competition, questions, right=4 - n, seconds=100)
    with pytest.raises(ValidationError, match="结束后"):
        competition_awards_issue(competition=competition)
    Competition.objects.filter(pk=competition.pk).update(
        ends_at=timezone.now() - timedelta(minutes=1),
        registration_closes_at=timezone.now() - timedelta(minutes=2),
        first_prizes=1, second_prizes=1, third_prizes=0,
    )  # fmt: skip
    competition.refresh_from_db()
    assert competition_awards_issue(competition=competition) == 2
    assert competition_awards_issue(competition=competition) == 2
    awards = Credential.objects.filter(kind=Credential.Kind.COMPETITION_AWARD)
    assert sorted(a.data["prize"] for a in awards) == ["一等奖", "二等奖"]
    assert {a.user_id for a in awards} == {players[0].pk, players[1].pk}
    assert LearningReward.objects.filter(reason="competition_award").count() == 2


def test_competition_pages(client, contest, union_tree):
    competition, questions = contest
    detail = reverse("learning:competition_detail", args=[competition.pk])
    assert client.get(reverse("learning:competitions")).status_code == 200
    assert "登录后报名" in client.get(detail).content.decode()
    register = reverse("learning:competition_register", args=[competition.pk])
    assert client.post(register).status_code == 302
    outsider = UserFactory()
    client.force_login(outsider)
    assert "仅限工会会员" in client.get(detail).content.decode()
    client.post(register)
    assert not competition.registrations.exists()
    member = make_member(organization=union_tree["factory"])
    client.force_login(member)
    client.post(register)
    round_ = competition.rounds.get()
    client.post(reverse("learning:round_start", args=[competition.pk, round_.pk]))
    attempt = Attempt.objects.get(user=member)
    assert attempt.round == round_
    answers = {f"q{q.pk}": correct_ids(q) for q in questions}
    client.post(reverse("learning:attempt", args=[attempt.pk]), {**answers, "submit": "1"})
    board = client.get(reverse("learning:leaderboard", args=[competition.pk]))
    assert f"<td>{member.display_name}<br>" in board.content.decode()
    city = client.get(
        reverse("learning:leaderboard", args=[competition.pk]) + "?scope=city&key=131000"
    )
    assert f"<td>{member.display_name}<br>" not in city.content.decode()
    bad = client.get(
        reverse("learning:leaderboard", args=[competition.pk]) + "?scope=organization&key=x"
    )
    assert bad.status_code == 200


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_submits_and_completions_count_once(regions):
    question = make_question()
    paper = make_paper(questions=[question])
    user = UserFactory()
    attempt = attempt_start(user=user, paper=paper)
    course = make_course(lessons=1)
    enrollment = enrollment_create(user=user, course=course)
    lesson = course.lessons.get()
    errors, barrier = [], threading.Barrier(4)

    def submit():
        try:
            barrier.wait()
            attempt_submit(attempt=attempt, answers={question.pk: correct_ids(question)})
        except ValidationError as error:
            errors.append(error)
        finally:
            connection.close()

    def complete():
        try:
            barrier.wait()
            lesson_complete(enrollment=Enrollment.objects.get(pk=enrollment.pk), lesson=lesson)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(2)]
    threads += [threading.Thread(target=complete) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(errors) == 1 and "不能重复交卷" in errors[0].messages[0]
    attempt.refresh_from_db()
    assert attempt.score == 1
    assert Credential.objects.filter(user=user, kind="course_certificate").count() == 1
    assert LearningReward.objects.filter(user=user).count() == 1
