import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from learning.models import PracticeAnswer, QuestionKind, WrongAnswer
from learning.selectors import practice_accuracy_by_tag, practice_next_question, wrong_book
from learning.services.practice import practice_answer
from tests.accounts.factories import UserFactory
from tests.learning.factories import correct_ids, make_question, wrong_ids

pytestmark = pytest.mark.django_db


def test_wrong_book_collects_and_releases_after_streak(regions, settings):
    settings.LEARNING_WRONG_BOOK_STREAK = 2
    user = UserFactory()
    question = make_question()
    feedback = practice_answer(user=user, question=question, raw_answer=wrong_ids(question))
    assert not feedback.is_correct
    assert feedback.correct_choice_ids == correct_ids(question)
    assert feedback.explanation.startswith("解析")
    assert list(wrong_book(user=user).values_list("question", flat=True)) == [question.pk]
    practice_answer(user=user, question=question, raw_answer=correct_ids(question))
    practice_answer(user=user, question=question, raw_answer=wrong_ids(question))  # resets
    entry = WrongAnswer.objects.get(user=user)
    assert (entry.wrong_count, entry.right_streak, entry.cleared_at) == (2, 0, None)
    practice_answer(user=user, question=question, raw_answer=correct_ids(question))
    assert wrong_book(user=user).exists()
    feedback = practice_answer(user=user, question=question, raw_answer=correct_ids(question))
    assert not feedback.in_wrong_book
    assert not wrong_book(user=user).exists()
    assert practice_next_question(user=user, tag=None, mode="sequential", wrong_book=True) is None


def test_tampered_option_is_refused_and_nothing_recorded(regions):
    user = UserFactory()
    question = make_question()
    other = make_question()
    with pytest.raises(ValidationError, match="选项无效"):
        practice_answer(user=user, question=question, raw_answer=correct_ids(other))
    with pytest.raises(ValidationError, match="选项无效"):
        practice_answer(user=user, question=question, raw_answer=["abc"])
    assert not PracticeAnswer.objects.exists() and not WrongAnswer.objects.exists()


def test_fill_and_multiple_and_accuracy(regions):
    user = UserFactory()
    fill = make_question(kind=QuestionKind.FILL, tags=["电工"])
    assert practice_answer(user=user, question=fill, raw_answer="３６Ｖ").is_correct
    multiple = make_question(kind=QuestionKind.MULTIPLE, tags=["电工"])
    partly = correct_ids(multiple)[:2]
    tag = multiple.tags.get()
    assert not practice_answer(user=user, question=multiple, raw_answer=partly, tag=tag).is_correct
    assert practice_answer(
        user=user, question=multiple, raw_answer=correct_ids(multiple), tag=tag
    ).is_correct
    [row] = practice_accuracy_by_tag(user=user)
    assert row["tag"] == "电工"
    assert row["weeks"][0]["total"] == 2 and row["weeks"][0]["percent"] == 50


def test_sequential_and_random_order(regions):
    user = UserFactory()
    first, second = make_question(tags=["叉车"]), make_question(tags=["叉车"])
    tag = first.tags.get()
    assert practice_next_question(user=user, tag=tag, mode="sequential") == first
    assert practice_next_question(user=user, tag=tag, mode="sequential", after=first.pk) == second
    assert practice_next_question(user=user, tag=tag, mode="sequential", after=second.pk) == first
    assert practice_next_question(user=user, tag=tag, mode="random", after=first.pk) == second


def test_practice_pages_show_feedback_without_leaking_key(client, regions):
    question = make_question(tags=["电工"])
    tag = question.tags.get()
    url = f"{reverse('learning:practice_question')}?tag={tag.pk}&mode=sequential"
    assert client.get(url).status_code == 302
    client.force_login(UserFactory())
    page = client.get(url).content.decode()
    assert question.stem in page and question.explanation not in page
    response = client.post(url, {"question": question.pk, "answer": wrong_ids(question)})
    body = response.content.decode()
    assert "回答错误" in body and question.explanation in body
    response = client.post(url, {"question": question.pk, "answer": ["999999"]})
    assert response.status_code == 400 and "选项无效" in response.content.decode()
    assert client.get(reverse("learning:practice")).status_code == 200
    assert client.get(f"{reverse('learning:practice_question')}?tag=abc").status_code == 302


def test_practice_api(client, regions):
    question = make_question()
    assert client.get("/api/learning/practice/next/").status_code == 403
    client.force_login(UserFactory())
    data = client.get("/api/learning/practice/next/").json()
    assert data["id"] == question.pk
    assert "is_correct" not in str(data) and "correct" not in str(data)
    answer = client.post(
        "/api/learning/practice/answers/",
        {"question": question.pk, "answer": correct_ids(question)},
        content_type="application/json",
    ).json()
    assert answer["is_correct"] is True
    bad = client.post(
        "/api/learning/practice/answers/",
        {"question": question.pk, "answer": [0]},
        content_type="application/json",
    )
    assert bad.status_code == 400 and "选项无效" in str(bad.json())
