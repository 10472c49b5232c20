"""Province load test: gunicorn with production settings on the ``scale`` data set, locust
headless against one page at a time, 50 concurrent users, the ceiling view in the same run.

    .venv/bin/python bench/load_run.py                    # every page, 20 s each
    .venv/bin/python bench/load_run.py --seconds 30 --users 50 --pages ceiling,city_page
    .venv/bin/python bench/load_run.py --smoke   # tiny data set, 4 users, 2 s a page (CI)

Needs: the ``scale`` database built by ``seed_scale`` (with the keys of bench/load_env.py),
Redis, and locust in its own virtualenv (``python3 -m venv .venv-bench &&
.venv-bench/bin/pip install -r requirements-bench.txt``). gunicorn runs with
deploy/gunicorn.conf.py, ``DEBUG`` off, the Redis cache and ``BENCH_CEILING=1``. Prints one
Markdown table (RPS, p50/p95/p99, share of the ceiling, failures) and writes
var/bench/results.json.

``--smoke`` (CI): builds a tiny data set (``seed_scale --scale 0.002``, after ``seed_demo``)
when the database has no users, makes the locust virtualenv when missing, runs four pages
with 4 users for 2 s each and the mixed scenario for 4 s, and fails on any failed request or
a page not answering 200.
"""

# ruff: noqa: S310, S603 - a bench script: fixed local URLs and our own executables
from __future__ import annotations

import argparse
import csv
import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
OUT = ROOT / "var" / "bench"

from load_env import bench_env  # noqa: E402

# name → (who, url template, kind). "who" picks the sessions; {course} etc. come from them.
PAGES: dict[str, tuple[str, str, str]] = {
    "ceiling": ("anonymous", "/bench/ceiling", "ceiling"),
    "province_page": ("anonymous", "/hebei/", "public"),
    "city_page": ("anonymous", "{city_url}", "public"),
    "county_page": ("anonymous", "{county_url}", "public"),
    "catalogue": ("anonymous", "/learning/", "public"),
    "member_home": ("member", "/me/", "member"),
    "lesson": ("member", "/learning/courses/{course}/lessons/1/", "member"),
    "practice": ("member", "/learning/practice/", "member"),
    "job_search": ("member", "/jobs/?q=%E5%8F%B8%E6%9C%BA&region={city_code}", "member"),
    "job_recommendations": ("member", "/jobs/recommendations/", "member"),
    "my_hotline_requests": ("member", "/hotline/", "member"),
    "admin_hotline_requests": ("admin", "/admin/hotline/hotlinerequest/", "admin"),
    "admin_hotline_agent": ("agent", "/admin/hotline/hotlinerequest/", "admin"),
    "admin_members": ("admin", "/admin/accounts/membership/", "admin"),
    "admin_job_posts": ("admin", "/admin/jobs/jobpost/", "admin"),
}
GOALS = {
    "public": "≥ 50 % of ceiling",
    "member": "p95 ≤ 150 ms",
    "admin": "p95 ≤ 500 ms",
    "ceiling": "",
}


def make_plan(members: int) -> dict:
    """Sessions for real accounts of the data set, and the URLs of the pages."""
    import django

    django.setup()
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.db import connection

    from accounts.middleware import SESSION_SEEN, SESSION_STARTED
    from accounts.models import User
    from regions.models import Region

    store = import_module(settings.SESSION_ENGINE).SessionStore

    def session_for(user: User) -> str:
        session = store()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "accounts.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session[SESSION_STARTED] = session[SESSION_SEEN] = int(time.time())
        session.create()
        return session.session_key

    sjz = Region.objects.get(code="130100")
    county = Region.objects.get(code="130102")
    base = {
        "city_url": f"/hebei/{sjz.slug}/",
        "county_url": f"/hebei/{sjz.slug}/{county.slug}/",
    }
    with connection.cursor() as cursor:
        # Members who use everything: a matched résumé, a course, hotline requests.
        cursor.execute(
            """
            SELECT u.id, MIN(e.course_id), MIN(city.code)
            FROM accounts_user u
            JOIN jobs_resume r ON r.user_id = u.id
            JOIN learning_enrollment e ON e.user_id = u.id
            JOIN regions_region county ON county.id = r.region_id
            JOIN regions_region city ON city.id = county.parent_id
            WHERE u.phone LIKE '170%%' AND u.id %% 7 = 0
              AND EXISTS (SELECT 1 FROM hotline_hotlinerequest h WHERE h.member_id = u.id)
            GROUP BY u.id ORDER BY u.id LIMIT %s
            """,
            [members],
        )
        rows = cursor.fetchall()
    users = User.objects.in_bulk([r[0] for r in rows])
    member_sessions = [
        {"sessionid": session_for(users[uid]), "course": course, "city_code": city, **base}
        for uid, course, city in rows
    ]
    admin = User.objects.filter(is_superuser=True, phone="13900000001").first() or (
        User.objects.filter(is_superuser=True).order_by("pk").first()
    )
    agent = (
        User.objects.filter(
            role_assignments__role="hotline_agent", role_assignments__region=sjz, is_staff=True
        )
        .order_by("pk")
        .first()
    )
    sessions = {
        "anonymous": [{"sessionid": "", **base}],
        "member": member_sessions,
        "admin": [{"sessionid": session_for(admin), **base} for _ in range(5)],
        "agent": [{"sessionid": session_for(agent), **base} for _ in range(5)] if agent else [],
    }
    for person in sessions["anonymous"]:
        person.pop("sessionid")
    pages = {name: {"who": who, "url": url} for name, (who, url, _kind) in PAGES.items()}
    return {"pages": pages, "sessions": sessions}


#: What the TLS-terminating proxy in front of gunicorn adds to every request.
PROXY_HEADERS = {"X-Forwarded-Proto": "https"}


def wait_port(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(urllib.request.Request(url, headers=PROXY_HEADERS), timeout=2)
            return
        except Exception:  # noqa: BLE001 - not up yet
            time.sleep(0.5)
    raise SystemExit(f"gunicorn did not answer at {url}")


def warm(host: str, plan: dict, name: str) -> int:
    spec = plan["pages"][name]
    people = plan["sessions"][spec["who"]] or [{}]
    status = 0
    for person in people[:20]:
        url = spec["url"].format(**person)
        request = urllib.request.Request(host + url, headers=PROXY_HEADERS)
        if person.get("sessionid"):
            request.add_header("Cookie", f"sessionid={person['sessionid']}")
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                status = response.status
        except urllib.error.HTTPError as exc:
            status = exc.code
    return status


def run_page(
    name: str, host: str, users: int, seconds: int, env: dict, wait: float = 0, ramp: float = 0
) -> dict:
    """One locust pass over ``name``. With ``ramp``, users arrive over that many seconds and
    the statistics start once all of them are there (``--reset-stats``): the figures are then
    the steady state of ``users`` browsing, not the instant when all of them press enter at
    once."""
    prefix = OUT / (name if not wait else f"{name}_think")
    locust = ROOT / ".venv-bench" / "bin" / "locust"
    spawn_rate = users / ramp if ramp else users
    ramp_args = ["--reset-stats"] if ramp else []
    subprocess.run(
        [str(locust), "-f", str(ROOT / "bench" / "locustfile.py"), "--headless",
         "-u", str(users), "-r", f"{spawn_rate:g}", "-t", f"{seconds + int(ramp)}s",
         "--host", host, *ramp_args,
         "--csv", str(prefix), "--only-summary", "--loglevel", "WARNING"],
        env={**env, "LOCUST_PAGE": name, "LOCUST_PLAN": str(OUT / "plan.json"),
             "LOCUST_WAIT": str(wait)},
        check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    with open(f"{prefix}_stats.csv") as handle:
        return _figures(next(r for r in csv.DictReader(handle) if r["Name"] == name))


def _figures(row: dict) -> dict:
    """One row of locust's ``_stats.csv`` as the figures the table shows."""
    return {
        "requests": int(row["Request Count"]),
        "failures": int(row["Failure Count"]),
        "rps": float(row["Requests/s"]),
        "p50": float(row["50%"]),
        "p95": float(row["95%"]),
        "p99": float(row["99%"]),
    }


def run_mix(host: str, users: int, seconds: int, env: dict, wait: float, ramp: float) -> dict:
    """Members and staff together (bench/locustfile_mix.py): one result per page name."""
    prefix = OUT / "mix"
    locust = ROOT / ".venv-bench" / "bin" / "locust"
    subprocess.run(
        [str(locust), "-f", str(ROOT / "bench" / "locustfile_mix.py"), "--headless",
         "-u", str(users), "-r", f"{users / ramp:g}", "-t", f"{seconds + int(ramp)}s",
         "--host", host, "--reset-stats",
         "--csv", str(prefix), "--only-summary", "--loglevel", "WARNING"],
        env={**env, "LOCUST_PLAN": str(OUT / "plan.json"), "LOCUST_WAIT": str(wait)},
        check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    results = {}
    with open(f"{prefix}_stats.csv") as handle:
        for row in csv.DictReader(handle):
            if row["Name"] in PAGES:
                results[f"{row['Name']} (mix)"] = _figures(row)
    return results


def smoke_prepare(env: dict[str, str]) -> None:
    """What ``--smoke`` needs on a fresh machine: locust in its virtualenv, a tiny data set."""
    locust = ROOT / ".venv-bench" / "bin" / "locust"
    if not locust.exists():
        subprocess.run([sys.executable, "-m", "venv", str(ROOT / ".venv-bench")], check=True)
        subprocess.run(
            [str(ROOT / ".venv-bench" / "bin" / "pip"), "install", "-q",
             "-r", str(ROOT / "requirements-bench.txt")],
            check=True,
        )  # fmt: skip
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "--noinput", "-v0"], env=env, check=True)
    probe = "from accounts.models import User; print(User.objects.exists())"
    has_users = subprocess.run(
        [*manage, "shell", "-c", probe], env=env, check=True, capture_output=True, text=True
    ).stdout.strip()
    if has_users != "True":
        subprocess.run(
            # With seed_demo first: the admins and hotline agents the plan signs in.
            [*manage, "seed_scale", "--scale", "0.002", "-v0"],
            env=env,
            check=True,
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--members", type=int, default=200)
    parser.add_argument("--port", type=int, default=18510)
    parser.add_argument("--pages", default=",".join(PAGES))
    parser.add_argument(
        "--think",
        type=float,
        default=0,
        help="also measure member and admin pages with users thinking this long (s) per page",
    )
    parser.add_argument(
        "--think-seconds",
        type=int,
        default=60,
        help="how long each page is measured with thinking users, after the ramp",
    )
    parser.add_argument(
        "--ramp",
        type=float,
        default=10,
        help="seconds over which thinking users arrive before their figures count",
    )
    parser.add_argument(
        "--mix",
        type=int,
        default=0,
        help="also run members and staff together (think time --think or 5 s) for this long (s)",
    )
    parser.add_argument("--smoke", action="store_true", help="tiny data set, seconds (CI)")
    args = parser.parse_args()
    if args.smoke:
        args.users, args.seconds, args.members, args.mix, args.ramp = 4, 2, 5, 4, 1
        args.pages = "ceiling,catalogue,member_home,admin_hotline_requests"

    env = {**os.environ, **bench_env(), "BENCH_CEILING": "1"}
    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    OUT.mkdir(parents=True, exist_ok=True)
    if args.smoke:
        smoke_prepare(env)
    plan = make_plan(args.members)
    (OUT / "plan.json").write_text(json.dumps(plan, ensure_ascii=False))
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "collectstatic", "--noinput", "-v0"], env=env, check=True)

    host = f"http://127.0.0.1:{args.port}"
    gunicorn = subprocess.Popen(
        [str(ROOT / ".venv" / "bin" / "gunicorn"), "portal.wsgi",
         "-c", str(ROOT / "deploy" / "gunicorn.conf.py")],
        env={**env, "GUNICORN_BIND": f"127.0.0.1:{args.port}"}, cwd=ROOT,
    )  # fmt: skip
    results: dict[str, dict] = {}
    try:
        wait_port(host + "/bench/ceiling")
        names = args.pages.split(",")
        order = ["ceiling", *[n for n in names if n != "ceiling"], "ceiling"]
        for k, name in enumerate(order):
            status = warm(host, plan, name)
            result = run_page(name, host, args.users, args.seconds, env)
            result["warm_status"] = status
            result["load"] = os.getloadavg()[0]
            key = name if not (name == "ceiling" and k) else "ceiling_end"
            results[key] = result
            print(f"{key:24} {result}", flush=True)
        if args.think:
            for name in names:
                if PAGES[name][2] not in ("member", "admin"):
                    continue
                result = run_page(
                    name, host, args.users, args.think_seconds, env, wait=args.think, ramp=args.ramp
                )
                result["load"] = os.getloadavg()[0]
                results[f"{name} (think {args.think:g} s)"] = result
                print(f"{name} think {result}", flush=True)
        if args.mix:
            mixed = run_mix(host, args.users, args.mix, env, args.think or 5, args.ramp or 10)
            for key, result in mixed.items():
                result["load"] = os.getloadavg()[0]
                results[key] = result
                print(f"{key:36} {result}", flush=True)
    finally:
        gunicorn.send_signal(signal.SIGTERM)
        gunicorn.wait(timeout=60)

    ceiling = (results["ceiling"]["rps"] + results["ceiling_end"]["rps"]) / 2
    (OUT / "results.json").write_text(json.dumps({"ceiling_rps": ceiling, **results}, indent=1))
    print()
    print("| page | RPS | p50 ms | p95 ms | p99 ms | share of ceiling | failures | goal |")
    print("|---|---:|---:|---:|---:|---:|---:|---|")
    for key, r in results.items():
        kind = PAGES.get(key.split(" (")[0], ("", "", "ceiling"))[2]
        if kind == "public" and key.endswith("(mix)"):
            kind = "member"  # a signed-in member gets the page fresh, never from the cache
        print(
            f"| {key} | {r['rps']:.1f} | {r['p50']:.0f} | {r['p95']:.0f} | {r['p99']:.0f} "
            f"| {r['rps'] / ceiling:.0%} | {r['failures']}/{r['requests']} | {GOALS[kind]} |"
        )
    if args.smoke:
        broken = [
            f"{key}: {r['failures']} of {r['requests']} failed, warm-up answered "
            f"{r.get('warm_status')}"
            for key, r in results.items()
            if r["failures"] or not r["requests"] or r.get("warm_status", 200) != 200
        ]
        if broken:
            raise SystemExit("the load test no longer runs cleanly:\n" + "\n".join(broken))


if __name__ == "__main__":
    main()
