"""The request path against bare Django, in one run (issue 19).

    .venv/bin/python bench/request_path.py             # 10 s per page, wrk -t2 -c50
    .venv/bin/python bench/request_path.py --smoke     # 1 s per page, 4 connections (CI)
    .venv/bin/python bench/request_path.py --log-level WARNING   # no request log line

Production-like, as ``.ci/run`` serves it: DEBUG off, keys generated once
(bench/load_env.py), PostgreSQL database ``bench_request_path`` (migrated and given
``seed_demo`` on first use, or with ``--reseed``) and Redis db 3, static files collected,
gunicorn with the shipped ``deploy/gunicorn.conf.py`` and the shipped logging
(``LOG_LEVEL=INFO``, JSON, the PII filter: one request line per request, written to
``var/bench-request-path.log`` as a container's stdout is written to its log; a second
portal with ``LOG_LEVEL=WARNING`` serves ``/bench/ceiling`` once more, to show what that
line costs). Bare Django (``bench/bare``: one view, no middleware, no database) is served by
the same gunicorn config on another port, measured before and after every page, and each
page's figure is divided by the mean of the two around it. Each row also shows how wrk's
connections were spread over the gunicorn workers (``ss``). Signed-in pages use the session
of the demo member 赵建民 (13800000021), made through Django's own login, and the CSRF cookie a
browser holds after its first page. The last part profiles (cProfile, cumulative) in-process
the three slowest signed-in pages.

Fails (exit 1) when a page does not answer 200, or the log holds fewer request lines than
requests were served, so a change that breaks a page or the request log breaks this.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.load_env import bench_env  # noqa: E402

DB_NAME = "bench_request_path"
PORTAL_PORT = 18100
BARE_PORT = 18101
#: the portal again, without the request log line (LOG_LEVEL=WARNING): what that line costs
QUIET_PORT = 18102
MEMBER_PHONE = "13800000021"
HEADERS = {"X-Forwarded-Proto": "https", "Host": "127.0.0.1"}


def environment(args: argparse.Namespace) -> dict[str, str]:
    base = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
    env = {
        **os.environ,
        **bench_env(),
        "DATABASE_URL": f"{base}/{args.db}",
        "REDIS_URL": os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/3"),
        "BENCH_CEILING": "true",
        "GUNICORN_LOG_LEVEL": "error",
        # the request log line is part of every request in production (deploy/.env.example)
        "LOG_LEVEL": args.log_level,
        "LOG_FORMAT": "json",
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return env


def manage(env: dict[str, str], *argv: str) -> str:
    out = subprocess.run(  # noqa: S603 - our own manage.py
        [sys.executable, "manage.py", *argv],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    if out.returncode:
        raise SystemExit(f"manage.py {' '.join(argv)} failed:\n{out.stderr[-3000:]}")
    return out.stdout


def prepare(env: dict[str, str], args: argparse.Namespace) -> None:
    import psycopg2

    base = env["DATABASE_URL"].rsplit("/", 1)[0]
    conn = psycopg2.connect(f"{base}/postgres")
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [args.db])
        exists = cur.fetchone() is not None
        if exists and args.reseed:
            cur.execute(f'DROP DATABASE "{args.db}" WITH (FORCE)')
            exists = False
        if not exists:
            cur.execute(f'CREATE DATABASE "{args.db}"')
    conn.close()
    manage(env, "migrate", "--noinput", "-v0")
    conn = psycopg2.connect(env["DATABASE_URL"])
    with conn, conn.cursor() as cur:
        cur.execute("SELECT 1 FROM accounts_user WHERE phone = %s", [MEMBER_PHONE])
        seeded = cur.fetchone() is not None
    conn.close()
    if not seeded:
        manage(env, "seed_demo")
    manage(env, "collectstatic", "--noinput", "-v0")


def wait_for(port: int, path: str = "/", timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(
                urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers=HEADERS),
                timeout=5,
            )
            return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"nothing answers on 127.0.0.1:{port}")


REQUEST_LOG = ROOT / "var" / "bench-request-path.log"
QUIET_LABEL = "/bench/ceiling, no request log line (LOG_LEVEL=WARNING)"


def gunicorn(
    env: dict[str, str], app: str, port: int, *, log: Path | None = None
) -> subprocess.Popen:
    """gunicorn serving ``app`` on ``port``; its stdout (the portal's log lines) to ``log``."""
    stdout = None
    if log is not None:
        log.parent.mkdir(exist_ok=True)
        log.write_text("")
        # appended to: each worker's line lands whole at the end, as on a container's stdout
        stdout = log.open("a")
    try:
        return subprocess.Popen(  # noqa: S603
            [str(Path(sys.executable).parent / "gunicorn"), app, "-c", "deploy/gunicorn.conf.py"],
            cwd=ROOT,
            env={**env, "GUNICORN_BIND": f"127.0.0.1:{port}"},
            stdout=stdout,
        )
    finally:
        if stdout is not None:
            stdout.close()  # the child has its own copy


def request_log_lines(log: Path) -> int:
    """How many request lines (JSON, ``"message": "request"``) ``log`` holds."""
    lines = 0
    with log.open(encoding="utf-8") as handle:
        for line in handle:
            if line.startswith("{") and json.loads(line).get("message") == "request":
                lines += 1
    return lines


# Run inside the portal's settings (a subprocess): the member's session and the page URLs.
_SIGN_IN = r"""
import json, django
django.setup()
from django.conf import settings
from django.test import Client
from django.urls import reverse
from accounts.models import User
from learning.models import Course
user = User.objects.get(phone=PHONE)
client = Client()
client.force_login(user, backend="accounts.backends.ModelBackend")
course = Course.objects.filter(status="published").order_by("pk").first()
name, csrf = settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME
# A member's browser sends back the CSRF cookie its first page set, with the session's.
client.get("/me/", secure=True, HTTP_HOST="127.0.0.1")
print(json.dumps({
    "cookie": f"{name}={client.cookies[name].value}; {csrf}={client.cookies[csrf].value}",
    "course": reverse("learning:course_detail", args=[course.pk]),
    "city": "/hebei/langfang/",
}))
"""


def portal_python(env: dict[str, str], code: str) -> str:
    """Run ``code`` in a Python process under the portal's settings; its output."""
    out = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code],
        cwd=ROOT,
        # its stdout is read back: no request log lines among it
        env={**env, "DJANGO_SETTINGS_MODULE": "portal.settings", "LOG_LEVEL": "WARNING"},
        capture_output=True,
        text=True,
    )
    if out.returncode:
        raise SystemExit(f"in the portal's settings:\n{out.stderr[-3000:]}")
    return out.stdout


def sign_in(env: dict[str, str]) -> dict[str, str]:
    out = portal_python(env, f"PHONE={MEMBER_PHONE!r}\n{_SIGN_IN}")
    return json.loads(out.strip().splitlines()[-1])


def check_status(port: int, path: str, cookie: str | None) -> int:
    headers = dict(HEADERS)
    if cookie:
        headers["Cookie"] = cookie
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers=headers)
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        return opener.open(request, timeout=30).status
    except urllib.error.HTTPError as error:
        return error.code


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _ms(text: str) -> float:
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]


def wrk(
    port: int, path: str, cookie: str | None, args: argparse.Namespace, *, warmup: bool = True
) -> dict:
    if warmup and args.warmup:
        # Not measured: the first seconds of a page after a start (or a sign-in) warm each
        # worker's caches and connections, which would land in that page's p99 only.
        _wrk_run(port, path, cookie, args, seconds=args.warmup)
    return _wrk_run(port, path, cookie, args, seconds=args.duration)


def _wrk_run(
    port: int, path: str, cookie: str | None, args: argparse.Namespace, *, seconds: int
) -> dict:
    cmd = ["wrk", f"-t{args.threads}", f"-c{args.connections}", f"-d{seconds}s", "--latency"]
    for name, value in HEADERS.items():
        cmd += ["-H", f"{name}: {value}"]
    if cookie:
        cmd += ["-H", f"Cookie: {cookie}"]
    cpu_before = server_cpu_seconds(port)
    run = subprocess.Popen(  # noqa: S603
        [*cmd, f"http://127.0.0.1:{port}{path}"], stdout=subprocess.PIPE, text=True
    )
    # wrk opens its connections at the start and keeps them: which worker holds how many
    # is fixed for the run. One gthread worker (one core: the GIL) holding most of them
    # caps the run at what one process serves.
    time.sleep(min(1.0, seconds / 2))
    spread = connections_per_worker(port)
    out, _ = run.communicate()
    if run.returncode:
        raise SystemExit(f"wrk failed on {path}")
    served = int(re.search(r"(\d+) requests in", out).group(1))
    cpu_ms = (server_cpu_seconds(port) - cpu_before) * 1000 / max(served, 1)
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50": _ms(re.search(r"\s50%\s+(\S+)", out).group(1)),
        "p99": _ms(re.search(r"\s99%\s+(\S+)", out).group(1)),
        "errors": int(bad.group(1)) if bad else 0,
        "served": served,
        "spread": spread,
        "cpu_ms": cpu_ms,
    }


#: port → the gunicorn master serving it (set when the servers start).
MASTERS: dict[int, int] = {}


def server_cpu_seconds(port: int) -> float:
    """CPU time (user + system) used so far by the gunicorn on ``port``: its master, the
    workers alive now, and the workers it has reaped (renewed after ``max_requests``). Per
    request, it does not depend on how much of the machine a neighbour took meanwhile."""
    master = MASTERS.get(port)
    if master is None:
        return 0.0
    ticks = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue  # a process that ended meanwhile
        pid, ppid = int(stat.parent.name), int(fields[1])
        if pid == master:
            ticks += sum(int(value) for value in fields[11:15])  # utime stime cutime cstime
        elif ppid == master:
            ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


def connections_per_worker(port: int) -> str:
    """The established connections to ``port`` per server process, most first ("30/12/8/0"
    when a fourth worker holds none), from ``ss``; "?" where ``ss`` cannot tell."""
    try:
        out = subprocess.run(  # noqa: S603
            ["ss", "-Htnp", "state", "established", f"( sport = :{port} )"],  # noqa: S607
            capture_output=True,
            text=True,
            timeout=10,
        ).stdout
    except (OSError, subprocess.TimeoutExpired):
        return "?"
    pids = re.findall(r"pid=(\d+)", out)
    if not pids:
        return "?"
    counts = sorted((pids.count(pid) for pid in set(pids)), reverse=True)
    workers = int(os.environ.get("GUNICORN_WORKERS", os.cpu_count() * 2))
    counts += [0] * (workers - len(counts))
    return "/".join(str(count) for count in counts)


# Profiled in-process under the portal's settings: each page warmed once, then N requests.
_PROFILE = r"""
import cProfile, io, json, pstats, django
django.setup()
from django.test import Client
from accounts.models import User
client = Client(HTTP_HOST="127.0.0.1", HTTP_X_FORWARDED_PROTO="https")
member = User.objects.get(phone=PHONE)
client.force_login(member, backend="accounts.backends.ModelBackend")
for path in PATHS:
    client.get(path, secure=True)
    profile = cProfile.Profile()
    profile.enable()
    for _ in range(N):
        assert client.get(path, secure=True).status_code == 200, path
    profile.disable()
    text = io.StringIO()
    stats = pstats.Stats(profile, stream=text)
    per = stats.total_tt / N * 1000
    # the middleware chain's wrappers would fill a plain top 15: the project's code, sessions,
    # templates and database calls by cumulative time, then the hottest functions by own time
    stats.sort_stats("cumulative").print_stats(OWN, 15)
    stats.sort_stats("tottime").print_stats(15)
    lines = [line for line in text.getvalue().splitlines() if line.strip()]
    print(f"--- {path}: {per:.1f} ms per request (profiled)")
    print("\n".join(line.replace(str(ROOT), "") for line in lines))
"""


#: Files counted as the request's own work in the cumulative list.
_OWN = (
    r"^/work/[^.]*/(accounts|core|portal|regions|publishing|learning|activities|jobs|insights)/"
    r"|django/(template|db/models/sql|contrib/sessions|contrib/auth)/"
)


def profile(env: dict[str, str], paths: list[str], n: int) -> str:
    head = f"PHONE={MEMBER_PHONE!r}\nPATHS={paths!r}\nN={n}\nOWN={_OWN!r}\nROOT={str(ROOT)!r}\n"
    return portal_python(env, head + _PROFILE)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--smoke", action="store_true", help="1 s per page, 4 connections")
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument(
        "--warmup", type=int, default=2, help="seconds of unmeasured load before each page"
    )
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--db", default=DB_NAME)
    parser.add_argument("--reseed", action="store_true", help="drop and seed the database again")
    parser.add_argument("--profile-requests", type=int, default=30)
    parser.add_argument(
        "--log-level",
        default="INFO",
        choices=["INFO", "WARNING"],
        help="the portal's LOG_LEVEL: INFO (production, a JSON line per request) or WARNING "
        "(no request line, as the other benchmarks run)",
    )
    args = parser.parse_args()
    if args.smoke:
        args.duration, args.connections, args.threads, args.profile_requests = 1, 4, 1, 2
        args.warmup = 0
    if not shutil.which("wrk"):
        raise SystemExit("wrk is needed: apt-get install wrk")

    env = environment(args)
    prepare(env, args)
    session = sign_in(env)
    cookie = session["cookie"]
    anonymous = [
        ("/bench/ceiling", "/bench/ceiling (full middleware, trivial view)"),
        ("/", "/ anonymous (cached)"),
        ("/hebei/", "/hebei/ anonymous (cached)"),
        ("/hebei/langfang/sanhe/", "/hebei/langfang/sanhe/ anonymous"),
        ("/learning/", "/learning/ anonymous"),
        ("/jobs/", "/jobs/ anonymous"),
    ]
    signed_in = [
        ("/me/", "/me/ signed in"),
        (session["city"], f"{session['city']} signed in (city page)"),
        (session["course"], f"{session['course']} signed in (course page)"),
        ("/api/me/points/", "GET /api/me/points/ signed in"),
    ]
    servers = [
        gunicorn(env, "bench.bare.wsgi", BARE_PORT),
        gunicorn(env, "portal.wsgi", PORTAL_PORT, log=REQUEST_LOG),
    ]
    with_log_line = args.log_level == "INFO"
    if with_log_line:
        servers.append(gunicorn({**env, "LOG_LEVEL": "WARNING"}, "portal.wsgi", QUIET_PORT))
    MASTERS.update({BARE_PORT: servers[0].pid, PORTAL_PORT: servers[1].pid})
    if with_log_line:
        MASTERS[QUIET_PORT] = servers[2].pid
    try:
        wait_for(BARE_PORT)
        wait_for(PORTAL_PORT, "/healthz")
        if with_log_line:
            wait_for(QUIET_PORT, "/healthz")
        failures = []
        for path, _label in anonymous:
            if (status := check_status(PORTAL_PORT, path, None)) != 200:
                failures.append(f"{path} anonymous answered {status}")
        for path, _label in signed_in:
            if (status := check_status(PORTAL_PORT, path, cookie)) != 200:
                failures.append(f"{path} signed in answered {status}")
        if failures:
            print("\n".join(failures), file=sys.stderr)
            return 1
        load = os.getloadavg()
        print(
            f"# load average before: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}; "
            f"wrk -t{args.threads} -c{args.connections} -d{args.duration}s"
        )
        # Bare Django before and after every page, each page divided by the mean of the two
        # around it: a shared host that speeds up or slows down during the run (20 % from
        # first to last was seen) moves both sides of each ratio alike.
        bares = [wrk(BARE_PORT, "/", None, args)]
        rows = []
        results = {}
        pages = [(PORTAL_PORT, path, label, None) for path, label in anonymous]
        if with_log_line:
            pages.insert(1, (QUIET_PORT, "/bench/ceiling", QUIET_LABEL, None))
        pages += [(PORTAL_PORT, path, label, cookie) for path, label in signed_in]
        for port, path, label, page_cookie in pages:
            result = wrk(port, path, page_cookie, args)
            result["logged"] = port == PORTAL_PORT
            bares.append(wrk(BARE_PORT, "/", None, args, warmup=False))
            result["bare"] = (bares[-2]["rps"] + bares[-1]["rps"]) / 2
            result["bare_cpu_ms"] = (bares[-2]["cpu_ms"] + bares[-1]["cpu_ms"]) / 2
            rows.append((label, result))
            if page_cookie:
                results[path] = result
        print(
            "| page | req/s | p50 ms | p99 ms | bare Django around it | ratio to bare "
            "| CPU ms per request (bare) | CPU ratio | non-2xx | connections per worker |"
        )
        print("|---|---|---|---|---|---|---|---|---|---|")
        for label, r in rows:
            cpu_ratio = r["bare_cpu_ms"] / r["cpu_ms"] * 100 if r["cpu_ms"] else 0.0
            print(
                f"| {label} | {r['rps']:,.0f} | {r['p50']:.1f} | {r['p99']:.1f} | "
                f"{r['bare']:,.0f} | {r['rps'] / r['bare'] * 100:.1f} % | "
                f"{r['cpu_ms']:.3f} ({r['bare_cpu_ms']:.3f}) | {cpu_ratio:.1f} % | "
                f"{r['errors']} | {r['spread']} |"
            )
        print(
            "# bare Django (bench/bare, no middleware), each run: "
            + ", ".join(f"{b['rps']:,.0f} ({b['spread']})" for b in bares)
        )
        load = os.getloadavg()
        print(f"# load average after: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
        served = sum(r["served"] for _label, r in rows if r["logged"])
        if any(r["errors"] for _label, r in rows) or any(b["errors"] for b in bares):
            print("some responses were not 2xx/3xx", file=sys.stderr)
            return 1
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            server.wait(timeout=30)
    logged = request_log_lines(REQUEST_LOG)
    print(
        f"# request log (LOG_LEVEL={args.log_level}, JSON): {logged:,} lines in "
        f"{REQUEST_LOG.relative_to(ROOT)} for {served:,} measured requests (and the warm-ups)"
    )
    if with_log_line and logged < served:
        print("fewer request log lines than requests served", file=sys.stderr)
        return 1
    slowest = sorted(results, key=lambda p: results[p]["rps"])[:3]
    print(profile(env, slowest, args.profile_requests))
    return 0


if __name__ == "__main__":
    sys.exit(main())
