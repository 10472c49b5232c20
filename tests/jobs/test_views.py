import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from jobs import services
from jobs.models import Application, Resume
from regions.models import Region
from tests.accounts.factories import UserFactory
from tests.jobs.factories import DRIVER_RESUME, make_employer, make_post

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(regions, django_capture_on_commit_callbacks):
    employer = make_employer()
    post = make_post(employer=employer)
    member = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        services.resume_save(user=member, region=Region.objects.get(code="131082"), **DRIVER_RESUME)
    application = services.application_submit(user=member, post=post)
    return {"employer": employer, "post": post, "member": member, "application": application}


def test_index_lists_posts_in_bounded_queries(client, setup, django_assert_max_num_queries):
    for i in range(5):
        make_post(employer=setup["employer"], title=f"叉车司机{i}", certificates=["叉车证"])
    with django_assert_max_num_queries(8):
        response = client.get(reverse("jobs:index"))
    assert response.status_code == 200
    assert response.content.decode().count('class="job-card"') == 6
    assert client.get(reverse("jobs:index"), {"pay": "很多"}).status_code == 200
    assert "地区无效" in client.get(reverse("jobs:index"), {"region": "999999"}).content.decode()


def test_post_detail_and_expired_post_is_404(client, setup):
    post = setup["post"]
    assert client.get(reverse("jobs:post_detail", args=[post.pk])).status_code == 200
    post.valid_until = timezone.localdate() - dt.timedelta(days=1)
    post.save(update_fields=["valid_until"])
    assert client.get(reverse("jobs:post_detail", args=[post.pk])).status_code == 404


def test_application_detail_anonymous_other_owner(client, setup):
    url = reverse("jobs:application_detail", args=[setup["application"].pk])
    assert client.get(url).status_code == 302
    client.force_login(UserFactory())
    assert client.get(url).status_code == 404
    client.force_login(setup["member"])
    assert client.get(url).status_code == 200


def test_apply_twice_via_page_shows_message(client, setup):
    client.force_login(setup["member"])
    response = client.post(reverse("jobs:post_apply", args=[setup["post"].pk]), follow=True)
    assert "您已投递过该岗位" in response.content.decode()
    assert Application.objects.count() == 1


def test_resume_editor_and_recommendations(
    client, regions, django_capture_on_commit_callbacks, setup
):
    user = UserFactory()
    client.force_login(user)
    assert client.get(reverse("jobs:resume_edit")).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("jobs:resume_edit"),
            {
                "desired_titles": "货运司机、快递员",
                "desired_city_codes": ["131000"],
                "region": Region.objects.get(code="131082").pk,
                "expected_pay": "8000",
                "employment_types": ["全职"],
                "certificates": "B2驾照",
                "education": "高中",
                "visibility": "on_apply",
                "history_title": "货车司机",
                "history_years": "3",
                "experience_years": "3",
            },
        )
    assert response.status_code == 302
    page = client.get(reverse("jobs:recommendations")).content.decode()
    assert setup["post"].title in page and "持有B2驾驶证" in page


def test_recommendations_pending_polls(client, regions):
    user = UserFactory()
    Resume.objects.create(user=user, match_state=Resume.MatchState.PENDING)
    client.force_login(user)
    page = client.get(reverse("jobs:recommendations")).content.decode()
    assert "匹配中…" in page and "hx-trigger" in page
    partial = client.get(reverse("jobs:recommendations"), HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in partial and "匹配中…" in partial


def test_bad_resume_form_shows_chinese_error(client, regions):
    client.force_login(UserFactory())
    response = client.post(
        reverse("jobs:resume_edit"),
        {"expected_pay": "100", "education": "高中", "visibility": "on_apply"},
    )
    assert response.status_code == 200
    assert not Resume.objects.exists()


def test_manage_application_employer_only(client, setup):
    url = reverse("jobs:manage_application", args=[setup["application"].pk])
    client.force_login(setup["member"])
    assert client.get(url).status_code == 404
    client.force_login(setup["employer"].users.first())
    assert client.get(url).status_code == 200
    at = (timezone.localtime() + dt.timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
    client.post(url, {"invite-at": at, "invite-place": "燕郊物流园", "invite-contact": "王经理"})
    setup["application"].refresh_from_db()
    assert setup["application"].status == Application.Status.INTERVIEW


def test_region_page_shows_nearest_posts(client, setup, django_assert_max_num_queries):
    page = client.get("/hebei/langfang/sanhe/").content.decode()
    assert reverse("jobs:region_posts", args=["131082"]) in page
    make_post(employer=setup["employer"], title="电焊工", certificates=[], region_code="130102")
    with django_assert_max_num_queries(1):
        fragment = client.get(reverse("jobs:region_posts", args=["131022"])).content.decode()
    # 固安 has no post: the nearest are 廊坊's (三河), before 石家庄's.
    assert fragment.index(setup["post"].title) < fragment.index("电焊工")
    assert client.get(reverse("jobs:region_posts", args=["999999"])).status_code == 404


def test_api_region_filter(client, setup):
    def titles(**params):
        data = client.get("/api/jobs/", params).json()
        return [row["title"] for row in (data["results"] if isinstance(data, dict) else data)]

    assert titles(region="131000") == ["货车司机"]  # 廊坊市 holds 三河's post
    assert titles(region="130100") == []
    # An unknown place, or one a fuzzer made up, is no post, not a 500.
    assert titles(region="999999") == []
    assert titles(region="¶\x15\x94)º«") == []
    assert client.get("/api/jobs/", {"region": "\x00"}).status_code == 400


def test_api(client, setup):
    assert (
        client.get("/api/jobs/", {"q": "货车"}).json()["count"] == 1
        if isinstance(client.get("/api/jobs/").json(), dict)
        else True
    )
    data = client.get("/api/jobs/").json()
    rows = data["results"] if isinstance(data, dict) else data
    assert rows[0]["title"] == "货车司机"
    assert client.get("/api/me/jobs/resume/").status_code in (401, 403)
    client.force_login(setup["member"])
    assert client.get("/api/me/jobs/resume/").json()["desired_titles"] == ["货车司机"]
    recs = client.get("/api/me/jobs/recommendations/").json()
    assert recs["state"] == "done" and recs["results"][0]["reasons"]
    apps = client.get("/api/me/jobs/applications/").json()
    assert (apps["results"] if isinstance(apps, dict) else apps)[0]["status"] == "submitted"
    response = client.post(
        "/api/me/jobs/applications/new/",
        {"post": setup["post"].pk},
        content_type="application/json",
    )
    assert response.status_code == 400 and "已投递过" in response.content.decode()
    response = client.put(
        "/api/me/jobs/resume/", {"expected_pay": 10}, content_type="application/json"
    )
    assert response.status_code == 400
    other = UserFactory()
    client.force_login(other)
    assert client.get(f"/api/me/jobs/applications/{setup['application'].pk}/").status_code == 404
