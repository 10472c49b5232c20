import io

import pytest

from jobs.models import Application, JobPost, MatchResult


@pytest.mark.django_db
def test_demo_is_idempotent_and_tells_the_story(regions, django_capture_on_commit_callbacks):
    from accounts import demo as accounts_demo
    from jobs import demo

    accounts_demo.seed(stdout=io.StringIO())
    with django_capture_on_commit_callbacks(execute=True):
        demo.seed(stdout=io.StringIO())
    with django_capture_on_commit_callbacks(execute=True):
        demo.seed(stdout=io.StringIO())
    assert JobPost.objects.count() == len(demo.POSTS)
    application = Application.objects.get(user__phone="13800000002")
    assert application.status == Application.Status.INTERVIEW
    assert (application.updated_at - application.created_at).days == 3
    best = MatchResult.objects.filter(resume__user__phone="13800000002").order_by("-score").first()
    assert best.post.employer.name.startswith("廊坊") and "持有B2驾驶证" in best.reasons
    courier = (
        MatchResult.objects.filter(resume__user__phone="13800000004").order_by("-score").first()
    )
    assert "快递" in courier.post.title
