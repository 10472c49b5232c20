"""Redis down: pages serve, sessions survive, a résumé saves, and the matching it should
trigger runs once Redis is back (the transactional outbox), exactly once.

Runs against a private redis-server that the test kills and restarts; the shared one is
never touched.
"""

from __future__ import annotations

import time

import pytest
from django.urls import reverse

from core.models import OutboxMessage
from core.outbox import outbox_relay
from jobs.models import MatchResult, Resume
from regions.models import Region
from tests.accounts.factories import UserFactory
from tests.faults.conftest import celery_broker
from tests.jobs.factories import make_employer, make_post

RESUME_FORM = {
    "desired_titles": "货运司机、快递员",
    "desired_city_codes": ["131000"],
    "expected_pay": "8000",
    "employment_types": ["全职"],
    "certificates": "B2驾照",
    "education": "高中",
    "visibility": "on_apply",
    "history_title": "货车司机",
    "history_years": "3",
    "experience_years": "3",
}


def _wait_matched(resume: Resume, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        resume.refresh_from_db()
        if resume.match_state == Resume.MatchState.DONE:
            return
        time.sleep(0.2)


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_redis_down_then_back(client, regions, settings, private_redis):
    from celery.contrib.testing.worker import start_worker

    settings.CACHES = {
        "default": {
            "BACKEND": "core.cache.ResilientRedisCache",
            "LOCATION": private_redis.url(1),
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    post = make_post(employer=make_employer())
    member = UserFactory()
    client.force_login(member)

    with celery_broker(private_redis.url(0)) as app:
        assert client.get("/healthz").status_code == 200
        private_redis.stop()

        # Pages still serve, and the signed-in member is still signed in (database sessions).
        for url in ("/", "/hebei/", reverse("jobs:index"), reverse("jobs:resume_edit")):
            response = client.get(url)
            assert response.status_code == 200, url
            assert response.wsgi_request.user == member, url
        health = client.get("/healthz")
        assert health.status_code == 503
        assert set(health.json()["down"]) == {"cache", "broker"}

        started = time.monotonic()
        response = client.post(
            reverse("jobs:resume_edit"),
            {**RESUME_FORM, "region": Region.objects.get(code="131082").pk},
            follow=True,
        )
        assert response.status_code == 200
        assert time.monotonic() - started < 10  # the after-commit relay does not hang
        assert "简历已保存" in response.content.decode()
        resume = Resume.objects.get(user=member)
        assert resume.match_state == Resume.MatchState.PENDING
        message = OutboxMessage.objects.get(task="jobs.tasks.match_resume")
        assert message.state == OutboxMessage.State.PENDING
        assert message.args == [resume.pk, resume.revision]
        assert message.attempts >= 1 and message.last_error
        assert not MatchResult.objects.filter(resume=resume).exists()

        private_redis.start()
        # What beat's core.tasks.outbox_relay_pending (or a worker starting) does:
        assert outbox_relay() == 1
        assert outbox_relay() == 0  # sent once
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            _wait_matched(resume)
        assert resume.match_state == Resume.MatchState.DONE
        assert list(MatchResult.objects.filter(resume=resume).values_list("post", flat=True)) == [
            post.pk
        ]
        message.refresh_from_db()
        assert message.state == OutboxMessage.State.SENT
        assert client.get("/healthz").status_code == 200
