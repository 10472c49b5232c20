"""Employer pages, union moderation, résumé visibility and the scoped admin."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from jobs import services
from jobs.models import JobPost, MatchResult, Resume
from regions.models import Region
from tests.accounts.factories import UserFactory
from tests.jobs.factories import DRIVER_RESUME, make_employer, make_moderator, make_post

pytestmark = pytest.mark.django_db


def _form(**overrides):
    data = {
        "title": "货车司机",
        "region": Region.objects.get(code="131082").pk,
        "pay_min": "7000",
        "pay_max": "9500",
        "employment_type": "全职",
        "headcount": "2",
        "experience_years": "2",
        "education": "初中",
        "certificates": "B2驾驶证",
        "skills": "安全驾驶、装卸货",
        "benefits": "五险一金",
        "valid_until": (timezone.localdate() + dt.timedelta(days=30)).isoformat(),
        "description": "京津冀干线运输。",
    }
    data.update(overrides)
    return data


@pytest.fixture
def shunda(regions):
    moderator = make_moderator(region_code="131000")
    employer = make_employer(moderator=moderator)
    return {"employer": employer, "hr": employer.users.first(), "moderator": moderator}


def _open_resume(user, capture, region="131082", **extra):
    with capture(execute=True):
        return services.resume_save(
            user=user,
            region=Region.objects.get(code=region),
            **{**DRIVER_RESUME, "visibility": "employers", **extra},
        )


def test_employer_creates_a_post_and_publishing_matches_after_commit(
    client, shunda, django_capture_on_commit_callbacks
):
    seeker = UserFactory()
    _open_resume(seeker, django_capture_on_commit_callbacks)
    client.force_login(shunda["hr"])
    data = _form(employer=shunda["employer"].pk, action="publish")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(reverse("jobs:manage_post_new"), data)
    post = JobPost.objects.get()
    assert response.status_code == 302 and post.status == JobPost.Status.PUBLISHED
    assert not MatchResult.objects.filter(post=post).exists()  # nothing before commit
    for callback in callbacks:
        callback()
    assert MatchResult.objects.filter(post=post, resume__user=seeker).exists()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"pay_min": "9000", "pay_max": "7000"}, "月薪下限不能高于上限。"),
        ({"valid_until": "2020-01-01"}, "有效期不能早于今天。"),
    ],
)
def test_bad_post_input_gets_a_chinese_error_and_saves_nothing(client, shunda, overrides, message):
    client.force_login(shunda["hr"])
    data = _form(employer=shunda["employer"].pk, action="publish", **overrides)
    response = client.post(reverse("jobs:manage_post_new"), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not JobPost.objects.exists()


def test_unverified_employer_drafts_but_cannot_publish(client, regions):
    employer = make_employer(name="燕郊新开物流", verified=False)
    hr = employer.users.first()
    client.force_login(hr)
    response = client.post(
        reverse("jobs:manage_post_new"), _form(employer=employer.pk, action="draft")
    )
    post = JobPost.objects.get()
    assert response.status_code == 302 and post.status == JobPost.Status.DRAFT
    response = client.post(
        reverse("jobs:manage_post_action", args=[post.pk]), {"action": "publish"}, follow=True
    )
    assert "尚未经工会核验" in response.content.decode()
    post.refresh_from_db()
    assert post.status == JobPost.Status.DRAFT
    # nor may it browse résumés
    assert client.get(reverse("jobs:manage_resumes")).status_code == 404


def test_employer_edits_and_closes_only_its_own_posts(client, shunda):
    post = make_post(employer=shunda["employer"])
    other = make_employer(name="石家庄冀星装备", region_code="130102")
    url = reverse("jobs:manage_post_edit", args=[post.pk])
    assert client.get(url).status_code == 302  # anonymous → sign in
    client.force_login(other.users.first())
    assert client.get(url).status_code == 404
    assert client.post(url, _form(employer=post.employer_id)).status_code == 404
    client.force_login(UserFactory())
    assert client.get(reverse("jobs:manage_posts")).status_code == 404
    client.force_login(shunda["hr"])
    assert client.get(url).status_code == 200
    response = client.post(url, _form(employer=post.employer_id, pay_max="12000"))
    assert response.status_code == 302
    post.refresh_from_db()
    assert post.pay_max == 12000
    client.post(reverse("jobs:manage_post_action", args=[post.pk]), {"action": "close"})
    post.refresh_from_db()
    assert post.status == JobPost.Status.CLOSED
    # an employer may not take a post down (that is union moderation)
    response = client.post(
        reverse("jobs:manage_post_action", args=[post.pk]), {"action": "take_down"}, follow=True
    )
    assert "只有工会工作人员可以下架岗位" in response.content.decode()
    client.post(reverse("jobs:manage_post_action", args=[post.pk]), {"action": "publish"})
    post.refresh_from_db()
    assert post.status == JobPost.Status.PUBLISHED


def test_union_staff_post_for_an_employer_and_take_posts_down(client, shunda):
    moderator = shunda["moderator"]
    client.force_login(moderator)
    response = client.post(
        reverse("jobs:manage_post_new"), _form(employer=shunda["employer"].pk, action="publish")
    )
    post = JobPost.objects.get()
    assert response.status_code == 302 and post.created_by == moderator
    client.post(
        reverse("jobs:manage_post_action", args=[post.pk]),
        {"action": "take_down", "reason": "薪资信息不实"},
    )
    post.refresh_from_db()
    assert post.status == JobPost.Status.TAKEN_DOWN and post.takedown_reason == "薪资信息不实"
    # the employer cannot put it back; staff of another city cannot see it at all
    client.force_login(shunda["hr"])
    response = client.post(
        reverse("jobs:manage_post_action", args=[post.pk]), {"action": "publish"}, follow=True
    )
    assert "需工会工作人员重新发布" in response.content.decode()
    client.force_login(make_moderator(region_code="130100"))
    assert client.get(reverse("jobs:manage_post_edit", args=[post.pk])).status_code == 404


def test_post_list_page_holds_its_query_count(client, shunda, django_assert_max_num_queries):
    for i in range(6):
        make_post(employer=shunda["employer"], title=f"叉车司机{i}", publish=i % 2 == 0)
    client.force_login(shunda["hr"])
    with django_assert_max_num_queries(12):
        response = client.get(reverse("jobs:manage_posts"))
    assert response.content.decode().count("叉车司机") == 6


def test_employer_invites_an_applicant_to_interview(
    client, shunda, django_capture_on_commit_callbacks
):
    post = make_post(employer=shunda["employer"])
    seeker = UserFactory()
    _open_resume(seeker, django_capture_on_commit_callbacks, visibility="on_apply")
    application = services.application_submit(user=seeker, post=post)
    client.force_login(shunda["hr"])
    listing = client.get(reverse("jobs:manage_applications")).content.decode()
    assert reverse("jobs:manage_application", args=[application.pk]) in listing
    at = (timezone.localtime() + dt.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    client.post(
        reverse("jobs:manage_application", args=[application.pk]),
        {"invite-at": at, "invite-place": "燕郊顺达物流园", "invite-contact": "王经理"},
    )
    application.refresh_from_db()
    assert application.status == "interview" and application.interview_place == "燕郊顺达物流园"


# --- résumé visibility -----------------------------------------------------------------------


def test_resume_visibility_open_apply_only_unverified_and_region(
    client, shunda, django_capture_on_commit_callbacks
):
    open_one = _open_resume(UserFactory(), django_capture_on_commit_callbacks)
    apply_only = _open_resume(
        UserFactory(), django_capture_on_commit_callbacks, visibility="on_apply"
    )
    in_shijiazhuang = _open_resume(
        UserFactory(), django_capture_on_commit_callbacks, region="130102"
    )
    detail = lambda r: reverse("jobs:manage_resume", args=[r.pk])  # noqa: E731

    # a verified employer: every open résumé, never an "only when I apply" one
    client.force_login(shunda["hr"])
    page = client.get(reverse("jobs:manage_resumes")).content.decode()
    assert detail(open_one) in page and detail(in_shijiazhuang) in page
    assert detail(apply_only) not in page
    assert client.get(detail(open_one)).status_code == 200
    assert client.get(detail(apply_only)).status_code == 404
    shown = client.get(detail(open_one)).content.decode()
    phone = open_one.user.phone
    assert phone not in shown and f"{phone[:3]}****{phone[-4:]}" in shown

    # … except as the snapshot of an application to its own post
    post = make_post(employer=shunda["employer"])
    application = services.application_submit(user=apply_only.user, post=post)
    response = client.get(reverse("jobs:manage_application", args=[application.pk]))
    assert response.status_code == 200 and apply_only.user.phone in response.content.decode()
    assert client.get(detail(apply_only)).status_code == 404

    # an unverified employer and a member see none
    client.force_login(make_employer(name="未核验", verified=False).users.first())
    assert client.get(detail(open_one)).status_code == 404
    client.force_login(UserFactory())
    assert client.get(detail(open_one)).status_code == 404

    # union staff: the open résumés of their own region only
    client.force_login(shunda["moderator"])  # 廊坊
    assert client.get(detail(open_one)).status_code == 200
    assert client.get(detail(in_shijiazhuang)).status_code == 404
    assert client.get(detail(apply_only)).status_code == 404

    # search
    client.force_login(shunda["hr"])
    found = client.get(reverse("jobs:manage_resumes"), {"q": "货车司机", "city": "131000"})
    assert detail(open_one) in found.content.decode()
    none = client.get(reverse("jobs:manage_resumes"), {"q": "焊工"}).content.decode()
    assert detail(open_one) not in none


def test_resume_list_holds_its_query_count(
    client, shunda, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    for _ in range(5):
        _open_resume(UserFactory(), django_capture_on_commit_callbacks)
    client.force_login(shunda["hr"])
    with django_assert_max_num_queries(12):
        response = client.get(reverse("jobs:manage_resumes"))
    assert len(re.findall(r"/jobs/manage/resumes/\d+/", response.content.decode())) == 5


# --- admin -----------------------------------------------------------------------------------


def test_staff_resume_admin_is_scoped_and_masked(
    client, shunda, django_capture_on_commit_callbacks, settings
):
    settings.PORTAL_STAFF_MFA_REQUIRED = False
    langfang = _open_resume(UserFactory(), django_capture_on_commit_callbacks)
    sjz = _open_resume(UserFactory(), django_capture_on_commit_callbacks, region="130102")
    hidden = _open_resume(UserFactory(), django_capture_on_commit_callbacks, visibility="on_apply")
    client.force_login(shunda["moderator"])
    page = client.get(reverse("admin:jobs_resume_changelist")).content.decode()
    assert f"/admin/jobs/resume/{langfang.pk}/" in page
    assert f"/admin/jobs/resume/{sjz.pk}/" not in page
    assert f"/admin/jobs/resume/{hidden.pk}/" not in page
    assert langfang.user.phone not in page and langfang.user.masked_phone in page
    response = client.get(reverse("admin:jobs_resume_change", args=[sjz.pk]))
    assert response.status_code in (302, 404)


def test_staff_add_a_post_in_the_admin_through_the_service(client, shunda, settings):
    settings.PORTAL_STAFF_MFA_REQUIRED = False
    client.force_login(shunda["moderator"])
    url = reverse("admin:jobs_jobpost_add")
    assert client.get(url).status_code == 200
    bad = _form(employer=shunda["employer"].pk, pay_min="9000", pay_max="7000")
    response = client.post(url, bad)
    assert "月薪下限不能高于上限。" in response.content.decode()
    assert not JobPost.objects.exists()
    response = client.post(url, _form(employer=shunda["employer"].pk))
    assert response.status_code == 302
    post = JobPost.objects.get()
    assert response.status_code == 302
    assert post.created_by == shunda["moderator"] and post.occupation.startswith("4-02-02")
    assert post.status == JobPost.Status.DRAFT


def test_resume_admin_for_a_superuser_uses_permissions_not_a_flag(
    client, regions, django_capture_on_commit_callbacks, settings
):
    settings.PORTAL_STAFF_MFA_REQUIRED = False
    from accounts.models import User

    resume = _open_resume(UserFactory(), django_capture_on_commit_callbacks)
    admin = User.objects.create_superuser("13900000098", "Xs8-strong-pass")
    client.force_login(admin)
    page = client.get(reverse("admin:jobs_resume_changelist")).content.decode()
    assert f"/admin/jobs/resume/{resume.pk}/" in page
    assert Resume.objects.count() == 1
