from io import StringIO

import pytest

from accounts import demo, demo_membership
from accounts.selectors.users import user_get_by_phone
from learning import demo as learning_demo
from learning.models import (
    Attempt,
    Competition,
    Course,
    Enrollment,
    LessonProgress,
    Question,
    WrongAnswer,
)
from learning.selectors import competition_leaderboard, my_courses

pytestmark = pytest.mark.django_db


def counts():
    return tuple(
        m.objects.count()
        for m in (Course, Question, Enrollment, LessonProgress, Attempt, Competition, WrongAnswer)
    )


def test_demo_is_idempotent_and_tells_the_story(regions):
    demo.seed(stdout=StringIO())
    demo_membership.seed(stdout=StringIO())
    learning_demo.seed(stdout=StringIO())
    first = counts()
    learning_demo.seed(stdout=StringIO())
    assert counts() == first
    titles = set(Course.objects.values_list("title", flat=True))
    assert {"电工安全操作规程", "劳动合同法十讲", "叉车安全驾驶", "工会知识100问"} <= titles
    wang = user_get_by_phone(phone="13800000001")
    [row] = my_courses(user=wang)
    assert (row.done, row.total) == (2, 4) and row.resume.position == 3
    assert WrongAnswer.objects.filter(user=wang).count() == 1
    competition = Competition.objects.get()
    board = competition_leaderboard(competition_id=competition.pk)
    assert [r["user__display_name"] for r in board][:2] == ["刘鸿", "王伟"]
