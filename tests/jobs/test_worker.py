"""A real Celery worker on Redis runs the matching task enqueued after a résumé is saved."""

import time

import pytest

from jobs import services
from jobs.models import MatchResult, Resume
from regions.models import Region
from tests.accounts.factories import UserFactory
from tests.jobs.factories import DRIVER_RESUME, make_employer, make_post


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_resume_matching_runs_on_a_real_worker(regions):
    from celery.contrib.testing.worker import start_worker

    from portal.celery import app

    before = app.conf.task_always_eager
    app.conf.task_always_eager = False
    try:
        employer = make_employer()
        post = make_post(employer=employer)
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            resume = services.resume_save(
                user=UserFactory(), region=Region.objects.get(code="131082"), **DRIVER_RESUME
            )
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                resume.refresh_from_db()
                if resume.match_state == Resume.MatchState.DONE:
                    break
                time.sleep(0.2)
        assert resume.match_state == Resume.MatchState.DONE
        assert MatchResult.objects.filter(resume=resume, post=post).exists()
    finally:
        app.conf.task_always_eager = before
