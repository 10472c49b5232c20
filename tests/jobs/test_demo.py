import io

import pytest

from jobs.models import Application, JobPost, MatchResult, Resume


@pytest.mark.django_db
def test_demo_is_idempotent_and_tells_the_story(regions, django_capture_on_commit_callbacks):
    from accounts import demo as accounts_demo
    from jobs import demo

    accounts_demo.seed(stdout=io.StringIO())
    with django_capture_on_commit_callbacks(execute=True):
        demo.seed(stdout=io.StringIO())
    with django_capture_on_commit_callbacks(execute=True):
        demo.seed(stdout=io.StringIO())
    assert JobPost.objects.filter(status="published").count() == len(demo.POSTS)
    assert JobPost.objects.filter(status="draft").count() == 1
    application = Application.objects.get(user__phone="13800000002")
    assert application.status == Application.Status.INTERVIEW
    assert (application.updated_at - application.created_at).days == 3
    best = MatchResult.objects.filter(resume__user__phone="13800000002").order_by("-score").first()
    assert best.post.employer.name.startswith("廊坊") and "持有B2驾驶证" in best.reasons
    courier = (
        MatchResult.objects.filter(resume__user__phone="13800000004").order_by("-score").first()
    )
    assert "快递" in courier.post.title
    # every demo post and résumé carries its occupation of the national classification
    assert not JobPost.objects.filter(occupation="").exists()
    li = Resume.objects.get(user__phone="13800000002")
    assert li.occupations and all(code.startswith("4-02-02") for code, _c, _t in li.occupations)
    assert "4-02-02" in " ".join(best.reasons)  # the explanation names the occupation


@pytest.mark.django_db
def test_demo_employer_signs_in_and_works_its_pages(
    client, regions, django_capture_on_commit_callbacks
):
    import re

    from accounts import demo as accounts_demo
    from accounts import demo_auth
    from accounts.models import User
    from jobs import demo

    accounts_demo.seed(stdout=io.StringIO())
    with django_capture_on_commit_callbacks(execute=True):
        demo.seed(stdout=io.StringIO())
    demo_auth.seed(stdout=io.StringIO())  # last in seed_demo: the members' privacy consent
    manager = User.objects.get(phone="13900000005")
    assert manager.check_password(accounts_demo.DEMO_PASSWORD)
    assert manager.phone_verified_at is not None
    client.force_login(manager, backend="accounts.backends.ModelBackend")
    posts = client.get("/jobs/manage/posts/").content.decode()
    assert "货车司机（京津冀干线）" in posts and "仓库理货员" in posts  # published and a draft
    applications = client.get("/jobs/manage/applications/").content.decode()
    assert "李师傅" in applications
    links = set(re.findall(r'href="(/jobs/manage/[^"#]*)"', posts + applications))
    resumes = client.get("/jobs/manage/resumes/").content.decode()
    links |= set(re.findall(r'href="(/jobs/manage/resumes/\d+/)"', resumes))
    assert any("/resumes/" in link for link in links)  # 李师傅's résumé is open to employers
    for link in sorted(links):
        assert client.get(link).status_code == 200, link
    # 张强 applies only: his résumé is not among them
    zhang = Resume.objects.get(user__phone="13800000004")
    assert f"/jobs/manage/resumes/{zhang.pk}/" not in resumes
