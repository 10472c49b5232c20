from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from learning.models import Attempt, AttemptQuestion, Paper, PaperRule, QuestionKind, Tag
from learning.services.exams import (
    attempt_answers_save,
    attempt_start,
    attempt_submit,
    attempts_expire_due,
)
from tests.accounts.factories import UserFactory
from tests.learning.factories import correct_ids, make_paper, make_question, region, wrong_ids

pytestmark = pytest.mark.django_db


def _expire(attempt, seconds_ago):
    Attempt.objects.filter(pk=attempt.pk).update(
        deadline=timezone.now() - timedelta(seconds=seconds_ago)
    )
    attempt.refresh_from_db()


def test_scoring_rules_per_type(regions):
    single = make_question()
    multiple = make_question(kind=QuestionKind.MULTIPLE)
    multiple_wrong = make_question(kind=QuestionKind.MULTIPLE)
    judge = make_question(kind=QuestionKind.TRUE_FALSE)
    fill = make_question(kind=QuestionKind.FILL)
    unanswered = make_question()
    paper = make_paper(
        questions=[single, multiple, multiple_wrong, judge, fill, unanswered], points=Decimal(2)
    )
    user = UserFactory()
    attempt = attempt_start(user=user, paper=paper)
    assert attempt.max_score == 12
    attempt = attempt_submit(
        attempt=attempt,
        answers={
            single.pk: correct_ids(single),
            multiple.pk: correct_ids(multiple)[:2],  # partly right, nothing wrong: half
            multiple_wrong.pk: correct_ids(multiple_wrong)[:1] + wrong_ids(multiple_wrong),
            judge.pk: correct_ids(judge),
            fill.pk: " 36v ",
        },
    )
    awarded = {
        item.question_id: item.awarded for item in AttemptQuestion.objects.filter(attempt=attempt)
    }
    assert awarded == {
        single.pk: 2, multiple.pk: 1, multiple_wrong.pk: 0,
        judge.pk: 2, fill.pk: 2, unanswered.pk: 0,
    }  # fmt: skip
    assert attempt.score == Decimal(7)
    assert attempt.status == Attempt.Status.SUBMITTED
    with pytest.raises(ValidationError, match="不能重复交卷"):
        attempt_submit(attempt=attempt, answers={})


def test_options_shuffled_per_attempt_and_attempts_limited(regions):
    questions = [make_question() for _ in range(6)]
    paper = make_paper(questions=questions, max_attempts=2)
    user = UserFactory()
    first = attempt_start(user=user, paper=paper, seed=1)
    assert attempt_start(user=user, paper=paper) == first  # an open attempt resumes
    attempt_submit(attempt=first)
    second = attempt_start(user=user, paper=paper, seed=2)
    orders = lambda a: [i.option_order for i in a.items.order_by("position")]  # noqa: E731
    assert orders(first) != orders(second)
    for order, question in zip(orders(first), questions, strict=True):
        assert sorted(order) == sorted(c.pk for c in question.choices.all())
    attempt_submit(attempt=second)
    with pytest.raises(ValidationError, match="最多可考2次"):
        attempt_start(user=user, paper=paper)


def test_rule_drawn_paper(regions):
    for _ in range(5):
        make_question(tags=["叉车"], difficulty=1)
    make_question(tags=["叉车"], difficulty=3)
    paper = Paper.objects.create(
        region=region("130000"), title="叉车抽题", mode=Paper.Mode.RULES, is_published=True
    )
    PaperRule.objects.create(paper=paper, tag=Tag.objects.get(name="叉车"), difficulty=1, count=3)
    attempt = attempt_start(user=UserFactory(), paper=paper)
    items = list(attempt.items.select_related("question"))
    assert len(items) == 3 and all(i.question.difficulty == 1 for i in items)
    PaperRule.objects.filter(paper=paper).update(count=9)
    with pytest.raises(ValidationError, match="不足9道"):
        attempt_start(user=UserFactory(), paper=paper)


def test_bad_answers_save_nothing(regions):
    question, other = make_question(), make_question()
    paper = make_paper(questions=[question])
    attempt = attempt_start(user=UserFactory(), paper=paper)
    with pytest.raises(ValidationError, match="不在本次试卷中"):
        attempt_answers_save(
            attempt=attempt, answers={question.pk: correct_ids(question), other.pk: [1]}
        )
    with pytest.raises(ValidationError, match="选项无效"):
        attempt_answers_save(attempt=attempt, answers={question.pk: correct_ids(other)})
    assert AttemptQuestion.objects.get(attempt=attempt).answer is None
    attempt_answers_save(attempt=attempt, answers={question.pk: correct_ids(question)})
    assert AttemptQuestion.objects.get(attempt=attempt).answer == correct_ids(question)


def test_deadline_with_grace_then_auto_submit(regions, settings):
    settings.LEARNING_EXAM_GRACE_SECONDS = 30
    question = make_question()
    paper = make_paper(questions=[question])
    attempt = attempt_start(user=UserFactory(), paper=paper)
    attempt_answers_save(attempt=attempt, answers={question.pk: wrong_ids(question)})
    _expire(attempt, 10)  # within grace: still accepted
    attempt_answers_save(attempt=attempt, answers={question.pk: correct_ids(question)})
    _expire(attempt, 31)
    with pytest.raises(ValidationError, match="自动提交"):
        attempt_answers_save(attempt=attempt, answers={question.pk: wrong_ids(question)})
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.AUTO_SUBMITTED
    assert attempt.score == 1  # the answer saved in time counts, the late one does not


def test_late_submit_ignores_final_answers_and_sweep(regions):
    question = make_question()
    paper = make_paper(questions=[question])
    late = attempt_start(user=UserFactory(), paper=paper)
    _expire(late, 120)
    late = attempt_submit(attempt=late, answers={question.pk: correct_ids(question)})
    assert late.status == Attempt.Status.AUTO_SUBMITTED and late.score == 0
    abandoned = attempt_start(user=UserFactory(), paper=paper)
    running = attempt_start(user=UserFactory(), paper=paper)
    _expire(abandoned, 120)
    assert attempts_expire_due() == 1
    abandoned.refresh_from_db()
    running.refresh_from_db()
    assert abandoned.status == Attempt.Status.AUTO_SUBMITTED
    assert running.status == Attempt.Status.OPEN
    assert attempts_expire_due() == 0


def test_submitting_100_questions_costs_bounded_queries(regions):
    kinds = [QuestionKind.SINGLE, QuestionKind.MULTIPLE, QuestionKind.TRUE_FALSE, QuestionKind.FILL]
    questions = [make_question(kind=kinds[n % 4]) for n in range(100)]
    paper = make_paper(questions=questions)
    attempt = attempt_start(user=UserFactory(), paper=paper)
    answers = {q.pk: (correct_ids(q) if q.kind != QuestionKind.FILL else "36伏") for q in questions}
    with CaptureQueriesContext(connection) as queries:
        attempt = attempt_submit(attempt=attempt, answers=answers)
    assert attempt.score == 100
    # Scoring takes at most 10 whatever the number of questions; passing adds a constant 6
    # (the paper's pass mark, the points reward row and its outbox message).
    assert len(queries) <= 16, "\n".join(q["sql"][:100] for q in queries)


def test_attempt_pages_hide_the_key_until_submitted(client, regions):
    question = make_question()
    fill = make_question(kind=QuestionKind.FILL)
    paper = make_paper(questions=[question, fill])
    owner = UserFactory()
    start_url = reverse("learning:paper_start", args=[paper.pk])
    assert client.post(start_url).status_code == 302 and not Attempt.objects.exists()
    client.force_login(owner)
    response = client.post(start_url)
    attempt = Attempt.objects.get(user=owner)
    assert response.url == reverse("learning:attempt", args=[attempt.pk])
    page = client.get(response.url).content.decode()
    assert question.stem in page
    assert question.explanation not in page and "36V" not in page
    assert 'class="option right"' not in page
    api = client.get(f"/api/learning/attempts/{attempt.pk}/").json()
    assert "correct_options" not in str(api) and "explanation" not in str(api)
    # Save (no JS), then a tampered option: a clear message, nothing saved.
    url = reverse("learning:attempt", args=[attempt.pk])
    client.post(url, {f"q{question.pk}": correct_ids(question), "save": "1"})
    response = client.post(url, {f"q{question.pk}": ["999999"], "save": "1"})
    assert response.status_code == 400 and "选项无效" in response.content.decode()
    assert AttemptQuestion.objects.get(question=question).answer == correct_ids(question)
    # Another member sees nothing.
    client.force_login(UserFactory())
    assert client.get(url).status_code == 404
    assert client.get(f"/api/learning/attempts/{attempt.pk}/").status_code == 404
    client.force_login(owner)
    response = client.post(url, {f"q{fill.pk}": "36V", "submit": "1"})
    assert response.url == reverse("learning:attempt_result", args=[attempt.pk])
    result = client.get(response.url).content.decode()
    assert question.explanation in result and "2.0" in result
    again = client.post(url, {"submit": "1"})
    assert again.status_code == 302  # a second submit goes to the result, changes nothing
    api = client.get(f"/api/learning/attempts/{attempt.pk}/").json()
    assert api["items"][0]["correct_options"]


def test_attempt_api_flow(client, regions):
    question = make_question()
    paper = make_paper(questions=[question])
    assert client.post(f"/api/learning/papers/{paper.pk}/attempts/").status_code == 403
    client.force_login(UserFactory())
    attempt = client.post(f"/api/learning/papers/{paper.pk}/attempts/").json()
    answers_url = f"/api/learning/attempts/{attempt['id']}/answers/"
    bad = client.put(answers_url, {"answers": {"999999": [1]}}, content_type="application/json")
    assert bad.status_code == 400 and "不在本次试卷中" in str(bad.json())
    ok = client.put(
        answers_url,
        {"answers": {str(question.pk): correct_ids(question)}},
        content_type="application/json",
    )
    assert ok.status_code == 200
    submit_url = f"/api/learning/attempts/{attempt['id']}/submit/"
    result = client.post(submit_url, {"answers": {}}, content_type="application/json").json()
    assert result["score"] == "1.0" and result["status"] == "submitted"
    again = client.post(submit_url, {"answers": {}}, content_type="application/json")
    assert again.status_code == 400 and "不能重复交卷" in str(again.json())


def test_paper_pages_my_learning_and_htmx_autosave(client, regions, django_assert_max_num_queries):
    question = make_question()
    paper = make_paper(questions=[question])
    for _ in range(5):
        make_paper(questions=[make_question()])
    assert client.get(reverse("learning:papers")).status_code == 200
    assert (
        "计分规则" in client.get(reverse("learning:paper_detail", args=[paper.pk])).content.decode()
    )
    user = UserFactory()
    client.force_login(user)
    client.post(reverse("learning:paper_start", args=[paper.pk]))
    attempt = Attempt.objects.get(user=user)
    response = client.post(
        reverse("learning:attempt", args=[attempt.pk]),
        {f"q{question.pk}": correct_ids(question)},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200 and "已自动保存" in response.content.decode()
    attempt_submit(attempt=attempt)
    with django_assert_max_num_queries(14):
        page = client.get(reverse("learning:me"))
    assert page.status_code == 200 and paper.title in page.content.decode()
    with django_assert_max_num_queries(8):
        assert client.get(reverse("learning:papers")).status_code == 200
    assert client.get(reverse("learning:me")).status_code == 200
    client.logout()
    assert client.get(reverse("learning:me")).status_code == 302
