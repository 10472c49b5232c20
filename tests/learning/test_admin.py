import pytest

from accounts.models import Role
from learning.models import Course, Question
from tests.learning.factories import make_course, make_editor, region

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_mfa_gate(settings):
    settings.PORTAL_STAFF_MFA_REQUIRED = False


def test_course_authoring_scoped_and_published_through_services(client, regions):
    make_course(title="石家庄装备制造技能培训", region_code="130100")
    editor = make_editor(region_code="131000", role=Role.REGION_EDITOR)
    client.force_login(editor)
    listing = client.get("/admin/learning/course/").content.decode()
    assert "石家庄装备制造技能培训" not in listing
    response = client.post(
        "/admin/learning/course/add/",
        {
            "region": region("131082").pk, "category": "skills", "title": "叉车安全驾驶",
            "summary": "持证上岗", "description": "<p>好</p><script>alert(1)</script>",
            "points": 10,
            "lessons-TOTAL_FORMS": 1, "lessons-INITIAL_FORMS": 0,
            "lessons-MIN_NUM_FORMS": 0, "lessons-MAX_NUM_FORMS": 1000,
            "lessons-0-position": 1, "lessons-0-title": "出车前检查", "lessons-0-minutes": 10,
            "lessons-0-body": "<p>检查制动</p>",
        },
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:500]
    course = Course.objects.get(title="叉车安全驾驶")
    assert course.status == "draft" and "script" not in course.description
    assert course.lessons.count() == 1
    client.post(
        "/admin/learning/course/",
        {"action": "publish_selected", "_selected_action": [course.pk]},
    )
    course.refresh_from_db()
    assert course.status == "published"
    # A region outside the editor's scope is not offered.
    response = client.post(
        "/admin/learning/course/add/",
        {"region": region("130100").pk, "category": "skills", "title": "越权", "points": 1,
         "lessons-TOTAL_FORMS": 0, "lessons-INITIAL_FORMS": 0},
    )  # fmt: skip
    assert response.status_code == 200 and not Course.objects.filter(title="越权").exists()


def test_question_author_form(client, regions):
    client.force_login(make_editor())
    response = client.post(
        "/admin/learning/question/author/",
        {"region": region("130000").pk, "kind": "multiple", "stem": "动火作业前应做到？",
         "option_A": "清理可燃物", "option_B": "配备灭火器", "option_C": "无人监护",
         "answer": "AB", "difficulty": 2, "tags": "安全生产"},
    )  # fmt: skip
    assert response.status_code == 302
    question = Question.objects.get()
    assert [c.is_correct for c in question.choices.order_by("position")] == [True, True, False]
    bad = client.post(
        "/admin/learning/question/author/",
        {"region": region("130000").pk, "kind": "single", "stem": "题", "option_A": "甲",
         "option_B": "乙", "answer": "C", "difficulty": 2},
    )  # fmt: skip
    assert bad.status_code == 200 and "与选项不符" in bad.content.decode()
    assert Question.objects.count() == 1
    assert client.get(f"/admin/learning/question/{question.pk}/change/").status_code == 200
