"""Private, disposable Redis and PostgreSQL servers for the fault tests.

Each runs from a temporary directory on a free port, so a test can stop and start it
without touching the shared servers other tests (and other people) use. A missing binary
skips the test locally and fails it under ``CI=true``.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest


def require(condition: bool, why: str) -> None:
    if condition:
        return
    from tests.conftest import IN_CI  # lazily: it imports Django models

    if IN_CI:
        pytest.fail(f"CI=true but {why}", pytrace=False)
    pytest.skip(why)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def port_open(port: int) -> bool:
    with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.5):
        return True
    return False


def wait_for(predicate, *, timeout: float, what: str, interval: float = 0.1) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


class PrivateRedis:
    """``redis-server`` on a free port; ``stop`` kills it (as a crash would), ``start``
    brings it back on the same port."""

    def __init__(self) -> None:
        binary = shutil.which("redis-server")
        require(binary is not None, "redis-server is not installed")
        self.binary = binary
        self.port = free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="faults-redis-"))
        self.process: subprocess.Popen | None = None

    def url(self, db: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def start(self) -> None:
        log = (self.dir / "redis.log").open("ab")
        where = ["--port", str(self.port), "--bind", "127.0.0.1", "--dir", str(self.dir)]
        self.process = subprocess.Popen(  # noqa: S603 - fixed arguments
            [self.binary, *where, "--save", "", "--appendonly", "no"],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        wait_for(lambda: port_open(self.port), timeout=10, what="the private Redis")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)
        wait_for(lambda: not port_open(self.port), timeout=10, what="Redis to stop")

    def close(self) -> None:
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


def _postgres_bindir() -> Path | None:
    for candidate in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        if Path(candidate, "initdb").exists():
            return Path(candidate)
    found = shutil.which("initdb")
    return Path(found).parent if found else None


class PrivatePostgres:
    """A throw-away PostgreSQL cluster (initdb in a temp dir, trust auth, a free port).

    PostgreSQL refuses to run as root, so as root it runs as the ``postgres`` system user.
    """

    def __init__(self) -> None:
        bindir = _postgres_bindir()
        require(bindir is not None, "PostgreSQL server binaries (initdb) are not installed")
        self.bindir = bindir
        self.port = free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="faults-pg-"))
        self.user: str | None = None
        if os.geteuid() == 0:
            try:
                account = pwd.getpwnam("postgres")
            except KeyError:
                require(False, "running as root and there is no postgres user to run initdb as")
            self.user = "postgres"
            os.chown(self.dir, account.pw_uid, account.pw_gid)
        self.data = self.dir / "data"
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust",
                  "-E", "UTF8", "--locale=C", "--no-sync")  # fmt: skip

    def _run(self, tool: str, *args: str) -> None:
        subprocess.run(  # noqa: S603 - fixed arguments
            [str(self.bindir / tool), *args],
            check=True,
            capture_output=True,
            user=self.user,
            cwd=self.dir,
            timeout=120,
        )

    def url(self, db: str = "postgres") -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{db}"

    def start(self) -> None:
        options = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.dir} -c fsync=off "
            "-c full_page_writes=off"
        )
        self._run("pg_ctl", "-D", str(self.data), "-o", options,
                  "-l", str(self.dir / "server.log"), "-w", "-t", "60", "start")  # fmt: skip

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "-t", "60", "stop")

    def createdb(self, name: str) -> None:
        self._run("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", name)

    def close(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError, subprocess.TimeoutExpired):
            self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


def database_url_of_test_db() -> str:
    """The URL of the database the current test runs on (pytest-django's test_<name>), for
    a subprocess (a worker, a server) that must see what the test committed."""
    from django.db import connection

    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s.get("PASSWORD") else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def start_celery_worker(
    *, redis_url: str, log: Path, args: list[str], env: dict[str, str] | None = None
) -> subprocess.Popen:
    """A real ``celery -A portal worker`` subprocess on ``redis_url`` against the current
    test database, in its own process group (``os.killpg`` reaches its pool children)."""
    from django.conf import settings

    environment = {
        **os.environ,
        "DATABASE_URL": database_url_of_test_db(),
        "REDIS_URL": redis_url,
        "PYTHONPATH": str(settings.BASE_DIR),
        "LOG_FORMAT": "console",
        "LOG_LEVEL": "INFO",
        **(env or {}),
    }
    celery = Path(sys.executable).with_name("celery")
    return subprocess.Popen(  # noqa: S603 - fixed arguments
        [
            str(celery),
            "-A",
            "portal",
            "worker",
            "--without-gossip",
            "--without-mingle",
            "--loglevel=INFO",
            *args,
        ],
        cwd=settings.BASE_DIR,
        env=environment,
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
