"""PostgreSQL restarted under a running site: /healthz names the database while it is down,
and the site recovers by itself (CONN_HEALTH_CHECKS) without restarting the app.

The app runs under gunicorn in a subprocess against a private PostgreSQL cluster (initdb in
a temp dir, a free port); the shared server is never touched.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings

from tests.faults.servers import free_port, port_open, wait_for


def _get(base: str, path: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(base + path, timeout=15) as response:  # noqa: S310 - local
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def _app_env(database_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "REDIS_CACHE_URL"}}
    env.update(
        DATABASE_URL=database_url,
        CONN_MAX_AGE="600",  # a persistent connection that the restart breaks
        PYTHONPATH=str(settings.BASE_DIR),
        LOG_LEVEL="WARNING",
        DJANGO_SETTINGS_MODULE="portal.settings",
    )
    return env


@pytest.mark.postgres
def test_site_recovers_from_a_postgresql_restart(private_postgres, tmp_path):
    private_postgres.createdb("portal")
    env = _app_env(private_postgres.url("portal"))
    bin_dir = Path(sys.executable).parent
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0"],
        cwd=settings.BASE_DIR,
        env=env,
        check=True,
        timeout=300,
    )
    port = free_port()
    log = tmp_path / "gunicorn.log"
    server = subprocess.Popen(  # noqa: S603 - fixed arguments
        [
            str(bin_dir / "gunicorn"),
            "portal.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "--timeout",
            "60",
        ],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(lambda: port_open(port), timeout=60, what=f"gunicorn ({log})")
        status, body = _get(base, "/healthz")
        assert status == 200, body
        assert json.loads(body)["checks"]["database"]["status"] == "up"
        assert _get(base, "/api/regions/")[0] == 200

        # Down: /healthz answers 503 and names the database.
        private_postgres.stop()
        status, body = _get(base, "/healthz")
        assert status == 503, body
        health = json.loads(body)
        assert health["down"] == ["database"]
        assert health["checks"]["database"]["status"] == "down"
        assert _get(base, "/api/regions/")[0] >= 500

        # Back: the same running app serves again on its very next request.
        private_postgres.start()
        status, body = _get(base, "/healthz")
        assert status == 200, body
        assert _get(base, "/api/regions/")[0] == 200

        # A restart nobody noticed: the pooled connection is dead, the health check at the
        # start of the request replaces it instead of failing the request.
        private_postgres.stop()
        private_postgres.start()
        assert _get(base, "/api/regions/")[0] == 200
        assert _get(base, "/healthz")[0] == 200
        assert server.poll() is None  # never restarted
    finally:
        server.terminate()
        server.wait(timeout=30)
