"""A worker SIGKILLed in the middle of a task: the task is redelivered to the next worker
(acks_late + the broker's visibility timeout) and its effects are not duplicated.

Real ``celery worker`` subprocesses on a private Redis, against the test database.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from core.models import Notification
from jobs import services
from regions.models import Region
from tests.accounts.factories import UserFactory
from tests.faults.conftest import celery_broker
from tests.faults.servers import start_celery_worker, wait_for
from tests.jobs.factories import DRIVER_RESUME, make_employer, make_post

QUEUE = "faults"
VISIBILITY_TIMEOUT = 3  # seconds; production keeps an hour (CELERY_VISIBILITY_TIMEOUT)


def _start_worker(redis_url: str, log: Path) -> subprocess.Popen:
    return start_celery_worker(
        redis_url=redis_url,
        log=log,
        args=[
            "--pool=prefork",
            "--concurrency=1",
            "-Q",
            QUEUE,
            "-I",
            "tests.faults.tasks",
            "--without-heartbeat",
        ],
        env={"CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT)},
    )


def _kill(worker: subprocess.Popen) -> None:
    os.killpg(worker.pid, signal.SIGKILL)
    worker.wait(timeout=10)


def _runs(marker: Path) -> int:
    return marker.read_text().count("\n") if marker.exists() else 0


@pytest.mark.redis
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("inside_transaction", [False, True], ids=["committed", "uncommitted"])
def test_killed_worker_task_is_redelivered_once(
    regions, private_redis, inside_transaction, tmp_path
):
    from portal.celery import app

    before = app.conf.task_always_eager
    app.conf.task_always_eager = True  # set-up runs its own matching in-process
    try:
        post = make_post(employer=make_employer())
        members = [UserFactory() for _ in range(3)]
        sanhe = Region.objects.get(code="131082")
        for member in members:
            services.resume_save(user=member, region=sanhe, **DRIVER_RESUME)
    finally:
        app.conf.task_always_eager = before
    assert not Notification.objects.filter(kind__startswith="jobs").exists()

    marker, log = tmp_path / "runs", tmp_path / "worker.log"
    first = _start_worker(private_redis.url(0), log)
    second = None
    try:
        with celery_broker(private_redis.url(0)) as broker_app:
            broker_app.send_task(
                "tests.faults.tasks.match_post_then_linger",
                args=[post.pk, str(marker), 120, inside_transaction],
                queue=QUEUE,
            )
        wait_for(lambda: _runs(marker) == 1, timeout=60, what=f"the task to start ({log})")
        _kill(first)  # SIGKILL, mid-task: the message was never acknowledged
        notified_when_killed = Notification.objects.filter(kind__startswith="jobs").count()
        assert notified_when_killed == (0 if inside_transaction else len(members))

        # kombu restores unacked messages on a worker's first restore pass (10 s after it
        # starts), then only every tenth pass (~100 s): start the next worker once the message
        # is past its visibility timeout, so that first pass is the one that redelivers it.
        time.sleep(VISIBILITY_TIMEOUT + 1)
        second = _start_worker(private_redis.url(0), log)
        wait_for(lambda: _runs(marker) == 2, timeout=90, what=f"the redelivery ({log})")
        wait_for(
            lambda: Notification.objects.filter(kind__startswith="jobs").count() == len(members),
            timeout=30,
            what="the redelivered run to commit",
        )
    finally:
        for worker in (first, second):
            if worker is not None and worker.poll() is None:
                _kill(worker)
    notices = Notification.objects.filter(kind__startswith="jobs")
    assert sorted(notices.values_list("user_id", flat=True)) == sorted(m.pk for m in members)
    assert _runs(marker) == 2  # redelivered once, not again
