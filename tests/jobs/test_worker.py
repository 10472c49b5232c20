"""A real Celery worker on Redis runs the matching task enqueued after a résumé is saved."""

import os
import signal
import subprocess
import time
from collections import Counter
from pathlib import Path

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


def _start_worker(name: str, log: Path) -> subprocess.Popen:
    from django.conf import settings

    from tests.faults.servers import start_celery_worker

    return start_celery_worker(
        redis_url=settings.REDIS_URL, log=log, args=["--pool=solo", "-n", f"{name}@%h"]
    )


def _stop(worker: subprocess.Popen) -> None:
    if worker.poll() is None:
        os.killpg(worker.pid, signal.SIGTERM)
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait(timeout=10)


@pytest.mark.redis
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_nightly_refresh_is_shared_by_two_real_workers(regions, tmp_path):
    """Two ``celery worker`` processes on Redis share the chunks of a full refresh: each
    takes at least one, and the results are those of the per-résumé path, each pair once."""
    from portal.celery import app
    from tests.faults.servers import wait_for

    employer = make_employer()
    make_post(employer=employer)
    make_post(employer=employer, title="叉车司机", certificates=["叉车证"], region_code="131022")
    make_post(employer=employer, title="快递员", certificates=[], employment_type="兼职")
    titles = [["货运司机"], ["快递员"], ["叉车工", "仓管员"], ["重卡司机"]]
    before = app.conf.task_always_eager
    app.conf.task_always_eager = True  # the per-résumé matching runs here, as the reference
    try:
        resumes = [
            services.resume_save(
                user=UserFactory(),
                region=Region.objects.get(code="131082"),
                **{
                    **DRIVER_RESUME,
                    "desired_titles": titles[i % 4],
                    "expected_pay": 6000 + i * 300,
                },
            )
            for i in range(16)
        ]
    finally:
        app.conf.task_always_eager = before
    expected = {
        r.pk: list(MatchResult.objects.filter(resume=r).values_list("post_id", "score"))
        for r in resumes
    }
    assert all(expected.values())
    MatchResult.objects.all().delete()
    app.control.purge()

    workers = [_start_worker(name, tmp_path / f"{name}.log") for name in ("refresh1", "refresh2")]
    try:
        wait_for(
            lambda: len(app.control.ping(timeout=0.5) or []) >= 2,
            timeout=90,
            what="two workers to answer a ping",
            interval=0.5,
        )
        app.conf.task_always_eager = False
        from jobs.tasks import nightly_refresh

        nightly_refresh.delay(chunk=2)  # 8 chunks

        def finished() -> bool:
            return not Resume.objects.filter(pk__in=expected, matched_by="").exists()

        wait_for(finished, timeout=120, what="every chunk to be matched", interval=0.5)
    finally:
        app.conf.task_always_eager = before
        for worker in workers:
            _stop(worker)
    by_worker = Counter(Resume.objects.filter(pk__in=expected).values_list("matched_by", flat=True))
    hosts = {name.split("@")[0] for name in by_worker}
    assert hosts == {"refresh1", "refresh2"}, by_worker
    assert all(count % 2 == 0 for count in by_worker.values())  # whole chunks of 2
    for resume_id, pairs in expected.items():
        stored = list(
            MatchResult.objects.filter(resume_id=resume_id).values_list("post_id", "score")
        )
        assert stored == pairs
    total = MatchResult.objects.count()
    assert total == sum(len(p) for p in expected.values())
    assert total == len(set(MatchResult.objects.values_list("resume_id", "post_id")))
