"""What surviving Redis faults costs (issue 11): the outbox on every save, pages with Redis down.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/h7 .venv/bin/python bench/faults_outbox.py

Runs in-process (Django test client) on a fresh test database (``test_<db>_bench``) and a
private redis-server on a free port (the shared one is never touched or stopped):

1. Résumé saves through the service (``resume_save``: validation, the résumé row and its
   matching task enqueued after commit), ``--saves`` times each: with the transactional
   outbox (a row written in the transaction, published after commit), and as a baseline the
   same save with the previous after-commit ``apply_async`` alone. No worker runs.
2. Page GETs (home, region page, jobs list), ``--gets`` times each: Redis up (baseline),
   Redis down (connection refused) and Redis hung (a port that accepts and never answers,
   as a broken network looks) with the degrading cache (a failure pauses Redis use for
   5 s), and both again with that pause disabled (every cache call tries again; the hung
   case with 1/20 of the requests, each cache call waiting its 2 s socket timeout).
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _ms(samples: list[float]) -> str:
    return f"{statistics.median(samples) * 1000:.1f}"


def _hung_server() -> int:
    """A TCP port that accepts connections and never answers: a hung Redis, or one behind
    a broken network, as the cache's socket timeout sees it."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    held = []

    def accept() -> None:
        while True:
            connection, _ = listener.accept()
            held.append(connection)

    threading.Thread(target=accept, daemon=True).start()
    return listener.getsockname()[1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--saves", type=int, default=200)
    parser.add_argument("--gets", type=int, default=60)
    parser.add_argument(
        "--smoke",
        action="store_true",
        help="10 saves, 4 gets, the test database kept (bench/smoke.py clones it migrated)",
    )
    options = parser.parse_args()
    if options.smoke:
        options.saves, options.gets = 10, 4

    from tests.faults.servers import PrivateRedis

    redis = PrivateRedis()
    redis.start()
    os.environ.update(
        DJANGO_SETTINGS_MODULE="portal.settings",
        REDIS_URL=redis.url(0),
        SECRET_KEY=os.environ.get("SECRET_KEY", "bench-only-secret-key"),
        IDENTITY_DEV_KEYS="true",
        STATIC_MANIFEST="false",
        LOG_LEVEL="CRITICAL",
        SESSION_COOKIE_SECURE="false",
        CSRF_COOKIE_SECURE="false",
        SECURE_SSL_REDIRECT="false",
    )
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection, transaction
    from django.test import Client
    from django.test.utils import override_settings, setup_test_environment

    setup_test_environment()
    settings.ALLOWED_HOSTS = ["testserver"]
    old_name = connection.settings_dict["NAME"]
    connection.settings_dict["TEST"]["NAME"] = f"test_{old_name}_bench"
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=options.smoke)
    try:
        from core import cache as portal_cache
        from core import outbox
        from jobs import services
        from regions.models import Region
        from regions.services import region_import_from_csv
        from tests.accounts.factories import UserFactory
        from tests.jobs.factories import DRIVER_RESUME, make_employer, make_post

        region_import_from_csv(path=settings.REGIONS_DATA_FILE)
        make_post(employer=make_employer())
        sanhe = Region.objects.get(code="131082")
        users = [UserFactory() for _ in range(options.saves)]

        def saves(label: str) -> list[float]:
            times = []
            for user in users:
                started = time.perf_counter()
                with transaction.atomic():
                    services.resume_save(user=user, region=sanhe, **DRIVER_RESUME)
                times.append(time.perf_counter() - started)
            print(f"{label}: median {_ms(times)} ms over {len(times)}")
            return times

        def plain_enqueue(task, *, args=(), kwargs=None, key=None):
            transaction.on_commit(lambda: task.apply_async(tuple(args), kwargs or {}))

        saves("warm-up")
        real_enqueue = outbox.outbox_enqueue
        outbox.outbox_enqueue = plain_enqueue
        try:
            base = saves("after-commit apply_async (baseline)")
        finally:
            outbox.outbox_enqueue = real_enqueue
        with_outbox = saves("transactional outbox")

        client = Client()
        pages = ["/", "/hebei/langfang/", "/jobs/"]

        def gets(label: str) -> list[float]:
            times = []
            for _ in range(options.gets):
                for page in pages:
                    started = time.perf_counter()
                    response = client.get(page)
                    times.append(time.perf_counter() - started)
                    assert response.status_code == 200, (page, response.status_code)
            print(f"{label}: median {_ms(times)} ms over {len(times)}")
            return times

        gets("warm-up")
        up = gets("Redis up (baseline)")
        redis.stop()
        down = gets("Redis down, degrading cache")
        hung_port = _hung_server()
        hung_cache = {
            "default": {
                **settings.CACHES["default"],
                "LOCATION": f"redis://127.0.0.1:{hung_port}/1",
            }
        }
        with override_settings(CACHES=hung_cache):
            hung = gets("Redis hung, degrading cache")
        portal_cache.ResilientRedisCache.RETRY_AFTER = 0.0
        down_no_pause = gets("Redis down, no pause after a failure")
        with override_settings(CACHES=hung_cache):
            options.gets = max(1, options.gets // 20)  # each cache call waits its timeout
            hung_no_pause = gets("Redis hung, no pause after a failure")

        print()
        print(f"| résumé save, after-commit apply_async (baseline) | {_ms(base)} ms | 1.00 |")
        ratio = statistics.median(with_outbox) / statistics.median(base)
        print(f"| résumé save, transactional outbox | {_ms(with_outbox)} ms | {ratio:.2f} |")
        for label, sample in (
            ("page GET, Redis up (baseline)", up),
            ("page GET, Redis down, degrading cache", down),
            ("page GET, Redis down, no pause after a failure", down_no_pause),
            ("page GET, Redis hung (answers nothing), degrading cache", hung),
            ("page GET, Redis hung, no pause after a failure", hung_no_pause),
        ):
            ratio = statistics.median(sample) / statistics.median(up)
            print(f"| {label} | {_ms(sample)} ms | {ratio:.2f} |")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0, keepdb=options.smoke)
        redis.close()


if __name__ == "__main__":
    main()
