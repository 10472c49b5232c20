"""Browser journeys (issue 12): Playwright for Python driving Debian's Chromium against a live
portal that this session starts itself.

The server is production-like: a fresh PostgreSQL database (``<DATABASE_URL>_e2e``), migrated
and loaded with ``seed_demo``; gunicorn with DEBUG off and hashed static files collected into a
temp folder and served by whitenoise; a real Celery worker on ``REDIS_URL``; SMS written to a
JSON-lines file (``core.sms.backends.filebased``) that the tests read codes from. Everything
is torn down at the end. Needs /usr/bin/chromium (Debian's ``chromium`` and
``fonts-noto-cjk``), PostgreSQL and Redis: without them the tests skip with the reason, and
under ``CI=true`` they fail instead. axe-core comes from the npm registry into
``tests/e2e/.node`` (installed on first use when npm is there).
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import hmac
import json
import os
import re
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

from deploy.genkeys import generate_keys

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
CHROMIUM = Path(os.environ.get("E2E_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE_VERSION = "4.14.1"
NODE_DIR = HERE / ".node"
AXE_JS = NODE_DIR / "node_modules" / "axe-core" / "axe.min.js"
#: panva's oidc-provider (OpenID Certified) plays the national 职工之家 identity provider.
OIDC_PROVIDER_VERSION = "9.13.3"
OIDC_PROVIDER_JS = NODE_DIR / "node_modules" / "oidc-provider" / "lib" / "index.js"
NATIONAL_CLIENT_ID = "hebei-portal-e2e"
#: Accounts of the stand-in national platform, by the login typed at its sign-in form.
NATIONAL_ACCOUNTS = {
    # 王伟 of the demo, whose number the national platform verified.
    "wangwei": {"name": "王伟", "phone_number": "+8613800000001", "phone_number_verified": True},
    # A courier whose national account has a number the platform never verified.
    "courier": {"name": "赵磊", "phone_number": "+8613900000077", "phone_number_verified": False},
}
SCREENSHOTS = ROOT / "docs" / "screenshots"
DEMO_PASSWORD = "Hebei-12351-demo"
PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 860}
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
BIN = Path(sys.executable).parent


#: (step, seconds) of the live server's setup, printed at the end of the run.
SETUP_TIMINGS: list[tuple[str, float]] = []


def pytest_terminal_summary(terminalreporter) -> None:
    if SETUP_TIMINGS:
        steps = ", ".join(f"{name} {seconds:.1f}s" for name, seconds in SETUP_TIMINGS)
        terminalreporter.write_line(f"e2e live server setup: {steps}")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "e2e: a browser journey against a live server")


# tryfirst: xdist's own hook turns the group marker into the node id's "@e2e" suffix and must
# see the marker already there (tests/conftest.py fails the run when it did not).
@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if HERE in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.e2e)
            # Under `pytest -n 2 --dist loadgroup` the journeys share one worker, so one live
            # server is started, not one per worker.
            item.add_marker(pytest.mark.xdist_group("e2e"))


def _skip_or_fail(reason: str) -> None:
    if IN_CI:
        pytest.fail(f"CI=true but the browser tests {reason}", pytrace=False)
    pytest.skip(reason)


def _requirements_problem() -> str | None:
    if not CHROMIUM.exists():
        return (
            f"need Chromium at {CHROMIUM}: apt-get install -y chromium fonts-noto-cjk "
            "(no browser download)"
        )
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "need the playwright package (pip install -r requirements.txt)"
    database_url = os.environ.get("DATABASE_URL", "")
    if not database_url.startswith(("postgres://", "postgresql://")):
        return "need PostgreSQL: set DATABASE_URL=postgres://postgres@127.0.0.1:5432/test"
    if not os.environ.get("REDIS_URL"):
        return "need Redis and a Celery worker: set REDIS_URL=redis://127.0.0.1:6379/0"
    return None


def _npm_install(package: str, version: str) -> None:
    npm = shutil.which("npm")
    if npm is None:
        _skip_or_fail(f"need npm to install {package} (apt-get install -y npm)")
    args = ["install", "--no-audit", "--no-fund", "--silent", "--prefix", str(NODE_DIR)]
    subprocess.run([npm, *args, f"{package}@{version}"], check=True, timeout=300)  # noqa: S603


def _national_op(run_dir: Path, portal_port: int, secret: str) -> tuple[subprocess.Popen, str]:
    """Start the stand-in national IdP (tests/e2e/national_op.mjs) on a free port."""
    if not OIDC_PROVIDER_JS.exists():
        _npm_install("oidc-provider", OIDC_PROVIDER_VERSION)
    node = shutil.which("node")
    if node is None:
        _skip_or_fail("need Node.js for the national identity provider (apt-get install -y nodejs)")
    issuer = f"http://127.0.0.1:{_free_port()}"
    env = {
        "PATH": os.environ.get("PATH", ""),
        "OIDC_PROVIDER_ENTRY": str(OIDC_PROVIDER_JS),
        "OP_ISSUER": issuer,
        "OP_CLIENT_ID": NATIONAL_CLIENT_ID,
        "OP_CLIENT_SECRET": secret,
        "OP_REDIRECT_URI": f"http://127.0.0.1:{portal_port}/auth/national/login/callback/",
        "OP_ACCOUNTS": json.dumps(NATIONAL_ACCOUNTS),
    }
    proc = _start("national_op", [node, str(HERE / "national_op.mjs")], env, run_dir)
    _wait_log(r"national op ready", proc=proc, log=run_dir / "national_op.log")
    return proc, issuer


def _axe_script() -> Path:
    """axe-core from the npm registry, pinned, installed once into tests/e2e/.node."""
    if not AXE_JS.exists():
        _npm_install("axe-core", AXE_VERSION)
    return AXE_JS


# --- the live server ------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _with_db_name(url: str, name: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path=f"/{name}"))


def _admin_connection(database_url: str):
    import psycopg2

    parts = urlsplit(database_url)
    conn = psycopg2.connect(
        host=parts.hostname or "127.0.0.1",
        port=parts.port or 5432,
        user=parts.username or "postgres",
        password=parts.password or None,
        dbname="postgres",
    )
    conn.autocommit = True
    return conn


def _recreate_database(database_url: str, name: str, *, drop_only: bool = False) -> None:
    conn = _admin_connection(database_url)
    try:
        with conn.cursor() as cur:
            cur.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s",
                [name],
            )
            cur.execute(f'DROP DATABASE IF EXISTS "{name}"')
            if not drop_only:
                cur.execute(f'CREATE DATABASE "{name}"')
    finally:
        conn.close()


@dataclass
class LivePortal:
    """The running portal: its URL, its environment, the SMS outbox and staff TOTP secrets."""

    url: str
    env: dict[str, str]
    run_dir: Path
    totp_secrets: dict[str, str] = field(default_factory=dict)
    worker: subprocess.Popen | None = None
    national_issuer: str = ""
    _used_totp: set[tuple[str, int]] = field(default_factory=set)

    @contextlib.contextmanager
    def worker_paused(self) -> Iterator[None]:
        """Hold the Celery worker (SIGSTOP) so a page can be seen while its task waits in
        the queue; it resumes (SIGCONT) and works the queue off afterwards."""
        assert self.worker is not None and self.worker.poll() is None, "no worker running"
        self.worker.send_signal(signal.SIGSTOP)
        try:
            yield
        finally:
            self.worker.send_signal(signal.SIGCONT)

    # SMS: the filebased backend appends one JSON line per message.
    def sms_for(self, phone: str) -> list[str]:
        path = self.run_dir / "sms.jsonl"
        if not path.exists():
            return []
        records = [json.loads(line) for line in path.read_text("utf-8").splitlines() if line]
        return [r["message"] for r in records if r["phone"] == phone]

    def sms_code(self, phone: str, *, timeout: float = 10) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for message in reversed(self.sms_for(phone)):
                match = re.search(r"(?<!\d)(\d{6})(?!\d)", message)
                if match:
                    return match.group(1)
            time.sleep(0.2)
        raise AssertionError(f"no SMS code reached {phone}: {self.sms_for(phone)}")

    def totp_code(self, phone: str) -> str:
        """The current TOTP code of a staff user; a code once accepted cannot be used again
        (allauth remembers it for its window), so wait for the next window if need be."""
        secret = self.totp_secrets[phone]
        while True:
            counter = int(time.time()) // 30
            if (phone, counter) not in self._used_totp and int(time.time()) % 30 < 27:
                self._used_totp.add((phone, counter))
                return _totp(secret, counter)
            time.sleep(0.5)


def _totp(secret: str, counter: int) -> str:
    """RFC 6238 (SHA-1, 6 digits, 30 s), written out here as an authenticator app does it."""
    key = base64.b32decode(secret, casefold=True)
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 10**6:06d}"


def _wait_http(url: str, *, proc: subprocess.Popen, log: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the server exited:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"{url} did not answer in {timeout}s:\n{log.read_text()[-3000:]}")


def _wait_log(pattern: str, *, proc: subprocess.Popen, log: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the worker exited:\n{log.read_text()[-3000:]}")
        if log.exists() and re.search(pattern, log.read_text(errors="replace")):
            return
        time.sleep(0.3)
    raise RuntimeError(f"the worker did not get ready in {timeout}s:\n{log.read_text()[-3000:]}")


def _start(name: str, args: list[str], env: dict[str, str], run_dir: Path) -> subprocess.Popen:
    """A background step, its output in ``<run_dir>/<name>.log``."""
    log = (run_dir / f"{name}.log").open("w")
    return subprocess.Popen(args, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)  # noqa: S603


def _finish(proc: subprocess.Popen, name: str, run_dir: Path) -> None:
    if proc.wait(timeout=300) != 0:
        log = (run_dir / f"{name}.log").read_text(errors="replace")[-3000:]
        raise RuntimeError(f"{name} failed (exit {proc.returncode}):\n{log}")


def _stop(proc: subprocess.Popen | None) -> None:
    if proc is None or proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=5)


# Package scope, not session: the live server, the browser and Playwright stop once the last
# journey of this folder has run. Playwright's sync API keeps an asyncio loop marked running in
# this thread while it is started, so every ORM call of a test run after it on the same
# xdist worker would fail with SynchronousOnlyOperation.
@pytest.fixture(scope="package")
def live_portal(request: pytest.FixtureRequest) -> Iterator[LivePortal]:
    problem = _requirements_problem()
    if problem:
        _skip_or_fail(problem)
    base_url = os.environ["DATABASE_URL"]
    db_name = (urlsplit(base_url).path.strip("/") or "postgres") + "_e2e"
    if os.environ.get("PYTEST_XDIST_WORKER"):
        db_name += "_" + os.environ["PYTEST_XDIST_WORKER"]
    run_dir = Path(tempfile.mkdtemp(prefix="portal-e2e-"))
    port = _free_port()
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "PYTEST_", "SMS_", "STATIC_", "DEBUG"))
    }
    env.update(
        generate_keys(secret_key=False),
        DJANGO_SETTINGS_MODULE="tests.e2e.settings",
        E2E_RUN_DIR=str(run_dir),
        DATABASE_URL=_with_db_name(base_url, db_name),
        DEBUG="false",
        SECRET_KEY="e2e-" + base64.b64encode(os.urandom(30)).decode(),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        # Plain http on the loopback: no TLS proxy in front, so no redirect to https.
        SESSION_COOKIE_SECURE="false",
        CSRF_COOKIE_SECURE="false",
        SECURE_SSL_REDIRECT="false",
        SECURE_HSTS_SECONDS="0",
        STATIC_MANIFEST="true",
        STAFF_MFA_REQUIRED="true",
        SMS_BACKEND="core.sms.backends.filebased.SmsBackend",
        SMS_FILE_PATH=str(run_dir / "sms.jsonl"),
        WEB_PUSH_VAPID_SUBJECT="mailto:e2e@zgzj-hebei.invalid",
        LOG_LEVEL="WARNING",
        LOG_FORMAT="console",
        PYTHONUNBUFFERED="1",
    )
    national_secret = base64.urlsafe_b64encode(os.urandom(24)).decode()
    national_op, national_issuer = _national_op(run_dir, port, national_secret)
    env.update(
        NATIONAL_IDP_ISSUER=national_issuer,
        NATIONAL_IDP_CLIENT_ID=NATIONAL_CLIENT_ID,
        NATIONAL_IDP_CLIENT_SECRET=national_secret,
    )
    portal = LivePortal(url=f"http://127.0.0.1:{port}", env=env, run_dir=run_dir)
    portal.national_issuer = national_issuer
    server = worker = None
    setup_started = time.monotonic()
    _recreate_database(base_url, db_name)
    try:
        # Independent steps side by side: static files, and emptying the broker of tasks an
        # earlier run left (they refer to another database's rows) before the seed adds its own.
        python, celery = str(BIN / "python"), str(BIN / "celery")
        collectstatic = [python, "manage.py", "collectstatic", "--noinput", "-v0"]
        collect = _start("collectstatic", collectstatic, env, run_dir)
        purge = _start("purge", [celery, "-A", "portal", "purge", "-f"], env, run_dir)
        _finish(purge, "purge", run_dir)
        started = time.monotonic()
        prepare = _start("prepare", [python, "-m", "tests.e2e.prepare"], env, run_dir)
        _finish(prepare, "prepare", run_dir)
        SETUP_TIMINGS.append(("migrate + seed_demo", time.monotonic() - started))
        prepared = (run_dir / "prepare.log").read_text().split("E2E=", 1)[1]
        portal.totp_secrets = json.loads(prepared.splitlines()[0])["totp"]
        worker_args = ["-A", "portal", "worker", "--pool=solo", "--loglevel=INFO"]
        quiet = ["--without-gossip", "--without-mingle", "--without-heartbeat"]
        worker = _start("worker", [celery, *worker_args, *quiet], env, run_dir)
        worker_log = run_dir / "worker.log"
        portal.worker = worker
        _finish(collect, "collectstatic", run_dir)  # whitenoise indexes the files when it starts
        bind = ["--bind", f"127.0.0.1:{port}", "--workers", "2", "--threads", "4"]
        server = _start("server", [str(BIN / "gunicorn"), "portal.wsgi", *bind], env, run_dir)
        server_log = run_dir / "server.log"
        _wait_http(portal.url + "/healthz", proc=server, log=server_log)
        _wait_log(r"ready\.", proc=worker, log=worker_log)
        SETUP_TIMINGS.append(("ready after", time.monotonic() - setup_started))
        yield portal
    finally:
        _stop(server)
        _stop(worker)
        _stop(national_op)
        if request.session.testsfailed:
            for name in ("server.log", "worker.log", "national_op.log"):
                path = run_dir / name
                if path.exists():
                    sys.stderr.write(f"\n--- {name} (last lines) ---\n")
                    sys.stderr.write(path.read_text(errors="replace")[-4000:])
        if not os.environ.get("E2E_KEEP"):
            _recreate_database(base_url, db_name, drop_only=True)
            shutil.rmtree(run_dir, ignore_errors=True)


# --- the browser ----------------------------------------------------------------------------


@pytest.fixture(scope="package")
def browser(live_portal: LivePortal):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture(scope="package")
def axe_js() -> Path:
    return _axe_script()


@pytest.fixture
def new_page(browser, live_portal: LivePortal) -> Iterator[Callable[..., object]]:
    """Pages in fresh browser contexts (one per person), closed after the test.
    ``new_page(viewport=PHONE, **context_options)``."""
    contexts = []

    def make(viewport: dict | None = None, **options):
        context = browser.new_context(
            base_url=live_portal.url,
            viewport=viewport or DESKTOP,
            locale="zh-CN",
            timezone_id="Asia/Shanghai",
            **options,
        )
        context.set_default_timeout(15_000)
        contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda error: errors.append(f"{page.url}: {error}"))
        # The Content-Security-Policy forbids inline scripts: a page that has one breaks.
        page.on(
            "console",
            lambda message: (
                errors.append(f"{page.url}: {message.text}")
                if message.type == "error" and "Content Security Policy" in message.text
                else None
            ),
        )
        return page

    errors: list[str] = []
    yield make
    for context in contexts:
        context.close()
    assert not errors, f"JavaScript or CSP errors in the pages: {errors}"
