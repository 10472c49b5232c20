import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.models import Credential, Role
from core.models import Notification
from learning.models import Course, Enrollment, LearningReward, LessonProgress
from learning.selectors import course_catalogue, enrollment_resume_lesson, my_courses
from learning.services.courses import (
    course_publish,
    course_save,
    enrollment_create,
    lesson_complete,
    lesson_open,
)
from tests.accounts.factories import UserFactory
from tests.learning.factories import make_course, make_editor, region

pytestmark = pytest.mark.django_db


def test_completing_every_lesson_issues_one_certificate_and_one_reward(regions):
    course = make_course(lessons=3, points=15)
    user = UserFactory()
    enrollment = enrollment_create(user=user, course=course)
    assert enrollment_create(user=user, course=course) == enrollment  # idempotent
    lessons = list(course.lessons.order_by("position"))
    lesson_complete(enrollment=enrollment, lesson=lessons[0])
    lesson_complete(enrollment=enrollment, lesson=lessons[0])  # twice: one row
    assert LessonProgress.objects.filter(enrollment=enrollment).count() == 1
    lesson_complete(enrollment=enrollment, lesson=lessons[1])
    enrollment.refresh_from_db()
    assert enrollment.completed_at is None
    assert not Credential.objects.filter(user=user).exists()
    lesson_complete(enrollment=enrollment, lesson=lessons[2])
    lesson_complete(enrollment=enrollment, lesson=lessons[2])
    enrollment.refresh_from_db()
    assert enrollment.completed_at is not None
    certificate = Credential.objects.get(user=user)
    assert certificate.kind == Credential.Kind.COURSE_CERTIFICATE
    assert certificate.source_id == str(enrollment.pk)
    reward = LearningReward.objects.get(user=user)
    assert reward.points == 15
    assert reward.key == f"course:{enrollment.pk}"
    assert reward.credited_at is None
    assert Notification.objects.filter(user=user, kind="learning.course_completed").count() == 1


def test_continue_where_i_left_off(regions):
    course = make_course(lessons=4)
    user = UserFactory()
    enrollment = enrollment_create(user=user, course=course)
    lessons = list(course.lessons.order_by("position"))
    assert enrollment_resume_lesson(enrollment=enrollment, lessons=lessons) == lessons[0]
    lesson_complete(enrollment=enrollment, lesson=lessons[0])
    enrollment.refresh_from_db()
    assert enrollment_resume_lesson(enrollment=enrollment, lessons=lessons) == lessons[1]
    lesson_open(enrollment=enrollment, lesson=lessons[3])
    enrollment.refresh_from_db()
    assert enrollment_resume_lesson(enrollment=enrollment, lessons=lessons) == lessons[3]
    row = my_courses(user=user)[0]
    assert (row.done, row.total, row.percent) == (1, 4, 25)


def test_cannot_enrol_in_draft_and_lesson_of_other_course_refused(regions):
    draft = make_course(publish=False)
    with pytest.raises(ValidationError, match="尚未发布"):
        enrollment_create(user=UserFactory(), course=draft)
    course = make_course()
    enrollment = enrollment_create(user=UserFactory(), course=course)
    with pytest.raises(ValidationError, match="不属于"):
        lesson_complete(enrollment=enrollment, lesson=draft.lessons.first())


def test_authoring_is_scoped_by_region(regions):
    langfang_editor = make_editor(region_code="131000", role=Role.REGION_EDITOR)
    make_course(actor=langfang_editor, region_code="131082", title="叉车安全驾驶")
    with pytest.raises(ValidationError, match="没有在该地区"):
        course_save(
            actor=langfang_editor,
            course=Course(region=region("130100"), category="safety", title="越权课程"),
        )
    empty = make_course(lessons=0, publish=False)
    with pytest.raises(ValidationError, match="至少要有一个课时"):
        course_publish(actor=make_editor(), course=empty)


def test_catalogue_search_and_region_reach(regions):
    make_course(title="劳动合同法十讲", category="labour_law", summary="签合同、试用期、竞业限制")
    make_course(title="叉车安全驾驶", region_code="131000")
    assert [c.title for c in course_catalogue(query="合同法")] == ["劳动合同法十讲"]
    assert [c.title for c in course_catalogue(query="劳动合同")] == ["劳动合同法十讲"]
    assert [c.title for c in course_catalogue(query="竞业限制")] == ["劳动合同法十讲"]
    sjz = regions.get("130102").path
    assert {c.title for c in course_catalogue(region_path=sjz)} == {"劳动合同法十讲"}
    sanhe = regions.get("131082").path
    assert {c.title for c in course_catalogue(region_path=sanhe)} == {
        "劳动合同法十讲",
        "叉车安全驾驶",
    }
    assert [c.title for c in course_catalogue(category="safety")] == ["叉车安全驾驶"]


def test_catalogue_page_query_count(client, regions, django_assert_max_num_queries):
    for n in range(8):
        make_course(title=f"职业技能课程{n}")
    user = UserFactory()
    for course in Course.objects.all()[:3]:
        enrollment_create(user=user, course=course)
    client.force_login(user)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("learning:index"))
    assert response.status_code == 200
    assert "职业技能课程7" in response.content.decode()
    assert "继续学习" in response.content.decode()


def test_lesson_pages_anonymous_other_and_right_user(client, regions):
    course = make_course(lessons=2)
    url = reverse("learning:lesson_detail", args=[course.pk, 1])
    assert client.get(url).status_code == 302  # to login
    other = UserFactory()
    client.force_login(other)
    response = client.get(url)
    assert response.status_code == 302 and response.url == reverse(
        "learning:course_detail", args=[course.pk]
    )
    owner = UserFactory()
    client.force_login(owner)
    client.post(reverse("learning:course_enroll", args=[course.pk]))
    assert client.get(url).status_code == 200
    response = client.post(reverse("learning:lesson_complete", args=[course.pk, 1]))
    assert response.url == reverse("learning:lesson_detail", args=[course.pk, 2])
    client.post(reverse("learning:lesson_complete", args=[course.pk, 2]))
    assert Enrollment.objects.get(user=owner).completed_at is not None
    assert not Enrollment.objects.filter(user=other).exists()
    assert client.get(reverse("learning:lesson_detail", args=[course.pk, 9])).status_code == 404
    assert client.get(reverse("learning:course_continue", args=[course.pk])).status_code == 302


def test_course_api(client, regions):
    course = make_course(title="工会知识100问", category="union")
    listing = client.get("/api/learning/courses/?q=工会知识").json()
    assert [c["title"] for c in listing["results"]] == ["工会知识100问"]
    assert client.post(f"/api/learning/courses/{course.pk}/enroll/").status_code == 403
    user = UserFactory()
    client.force_login(user)
    response = client.post(f"/api/learning/courses/{course.pk}/enroll/")
    assert response.status_code == 201
    enrollment_id = response.json()["id"]
    lesson = course.lessons.first()
    done = client.post(
        f"/api/learning/enrollments/{enrollment_id}/complete-lesson/",
        {"lesson": lesson.pk},
        content_type="application/json",
    )
    assert done.json()["completed_lessons"] == [lesson.pk]
    client.force_login(UserFactory())
    other = client.post(
        f"/api/learning/enrollments/{enrollment_id}/complete-lesson/",
        {"lesson": lesson.pk},
        content_type="application/json",
    )
    assert other.status_code == 404
    assert client.get("/api/learning/enrollments/").json()["results"] == []


def test_personal_data_export_includes_learning(regions):
    from accounts.selectors.privacy import personal_data_export

    course = make_course(title="劳动合同法十讲")
    user = UserFactory()
    enrollment = enrollment_create(user=user, course=course)
    lesson_complete(enrollment=enrollment, lesson=course.lessons.first())
    export = personal_data_export(user=user)
    [row] = export["learning"]["enrollments"]
    assert row["course"] == "劳动合同法十讲" and row["lessons_done"] == 1
