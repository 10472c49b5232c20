"""Benchmark: 1,000 concurrent welcome-pack claims against a stock of 100, through the real
HTTP stack with production settings, each by a different signed-in member.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/h2_bench REDIS_URL=redis://127.0.0.1:6379/2 \
      REDIS_CACHE_URL=redis://127.0.0.1:6379/2 \
      .venv/bin/python bench/activities_claims.py [--members 1000] [--stock 100] \
      [--concurrency 50] [--smoke]

Production settings, as ``.ci/run`` builds them: ``DEBUG`` off, a random ``SECRET_KEY`` and
freshly generated ID-number, card-signing and OIDC keys, ``collectstatic`` for the hashed
static manifest, the Redis cache (rate limits, sessions, the stock gate), PostgreSQL,
gunicorn with the shipped ``deploy/gunicorn.conf.py``. Requests come as from the TLS proxy
(``X-Forwarded-Proto: https``, an ``Origin`` header for the CSRF check), so HTTPS redirects,
HSTS and secure cookies stay on. ``--smoke``: 60 members, stock 10 (CI).

Sets up its own database content (migrate, regions, a union, members with sessions, a
campaign), starts gunicorn on 127.0.0.1, fires ``POST /api/benefits/<id>/claim/`` from a
bounded thread pool, and checks: exactly ``stock`` claims succeed (201), every other answer
is a 400 saying "已领完", the stock ends at 0 and never below. Prints claims per second,
and a baseline in the same run (the same members ``GET /api/me/points/``).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import secrets
import socket
import string
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from importlib import import_module
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
    sys.exit("needs PostgreSQL: set DATABASE_URL=postgres://… (its own database)")

# DEBUG off and production keys generated the way .ci/run does (kept in var/bench.env and
# shared with the load test); DATABASE_URL and REDIS_URL come from the environment.
from load_env import bench_env  # noqa: E402

os.environ.update(bench_env())
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.middleware import SESSION_SEEN, SESSION_STARTED  # noqa: E402
from accounts.models import Membership, UnionOrganization, User  # noqa: E402
from accounts.models.membership import EmploymentForm  # noqa: E402
from accounts.services.privacy import consent_gate_accept  # noqa: E402
from activities.models import Campaign, Claim  # noqa: E402
from regions.models import Region  # noqa: E402

BENCH_UNION = "压测专用新就业形态联合工会"
PHONE_PREFIX = "166"


def setup(members: int, stock: int) -> tuple[int, list[str]]:
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        sys.exit("needs PostgreSQL: set DATABASE_URL=postgres://…")
    if not settings.REDIS_URL:
        sys.exit("needs Redis (the production cache): set REDIS_URL=redis://…")
    assert not settings.DEBUG and settings.STATIC_MANIFEST
    call_command("migrate", verbosity=0, skip_checks=True)
    call_command("collectstatic", interactive=False, verbosity=0)
    if not Region.objects.filter(code="131082").exists():
        call_command("load_regions", verbosity=0, skip_checks=True)
    from accounts.services.unions import union_organization_create

    region = Region.objects.get(code="131082")
    province = UnionOrganization.objects.filter(kind="provincial").first() or (
        union_organization_create(
            name="河北省总工会",
            kind="provincial",
            region=Region.objects.get(code="130000"),
            parent=None,
        )
    )
    union = UnionOrganization.objects.filter(name=BENCH_UNION).first() or (
        union_organization_create(name=BENCH_UNION, kind="joint", region=region, parent=province)
    )
    # Fresh members each run, so "once per member" never refuses anyone.
    Claim.objects.filter(campaign__title__startswith="压测").delete()
    Campaign.objects.filter(title__startswith="压测").delete()
    old = User.objects.filter(phone__startswith=PHONE_PREFIX)
    Membership.objects.filter(user__in=old).delete()
    from accounts.models import Credential

    Credential.objects.filter(user__in=old).delete()
    old.delete()
    users = User.objects.bulk_create(
        [
            User(phone=f"{PHONE_PREFIX}{i:08d}", display_name=f"压测会员{i}", password="!")  # noqa: S106 - unusable
            for i in range(members)
        ]
    )
    # Members who signed up agreed to the privacy policy; without it the consent gate answers
    # every claim 403 consent_required before the claim path is reached.
    for user in users:
        consent_gate_accept(user=user, id_number=False)
    Membership.objects.bulk_create(
        [
            Membership(
                user=u,
                organization=union,
                employment_form=EmploymentForm.NEW_FORM,
                employer="压测",
                occupation="快递员",
            )
            for u in users
        ]
    )
    campaign = Campaign.objects.create(
        title="压测暖新礼包",
        kind=Campaign.Kind.WELCOME,
        region=Region.objects.get(code="131000"),
        employment_form=EmploymentForm.NEW_FORM,
        redemption_place="压测服务站",
        starts_at=timezone.now() - timedelta(hours=1),
        ends_at=timezone.now() + timedelta(days=1),
        total_stock=stock,
        stock=stock,
    )
    store = import_module(settings.SESSION_ENGINE).SessionStore
    now = int(time.time())
    keys = []
    for user in users:
        session = store()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "accounts.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session[SESSION_STARTED] = now
        session[SESSION_SEEN] = now
        session.create()
        keys.append(session.session_key)
    return campaign.pk, keys


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port: int, timeout: float = 30) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    sys.exit("gunicorn did not start")


def claim(port: int, campaign_id: int, session_key: str) -> tuple[int, str]:
    return request(port, "POST", f"/api/benefits/{campaign_id}/claim/", session_key)


_local = threading.local()


def _connection(port: int) -> http.client.HTTPConnection:
    # One kept-alive connection per client thread, as a browser keeps one: a new TCP
    # connection per request would measure the client, not the portal.
    conn = getattr(_local, "conn", None)
    if conn is None:
        conn = _local.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    return conn


def request(port: int, method: str, path: str, session_key: str) -> tuple[int, str]:
    csrf = "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(32))
    for attempt in (1, 2):
        conn = _connection(port)
        try:
            return _send(conn, method, path, session_key, csrf, port)
        except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
            # gunicorn closed the kept-alive connection (keepalive timeout): reconnect once.
            conn.close()
            _local.conn = None
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def _send(
    conn: http.client.HTTPConnection,
    method: str,
    path: str,
    session_key: str,
    csrf: str,
    port: int,
) -> tuple[int, str]:
    conn.request(
        method,
        path,
        headers={
            "Cookie": f"{settings.SESSION_COOKIE_NAME}={session_key}; "
            f"{settings.CSRF_COOKIE_NAME}={csrf}",
            "X-CSRFToken": csrf,
            "Accept": "application/json",
            # As forwarded by the TLS-terminating proxy in front of gunicorn.
            "X-Forwarded-Proto": "https",
            "Origin": f"https://127.0.0.1:{port}",
        },
    )
    response = conn.getresponse()
    return response.status, response.read().decode()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--members", type=int, default=1000)
    parser.add_argument("--stock", type=int, default=100)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--smoke", action="store_true", help="60 members, stock 10: seconds")
    args = parser.parse_args()
    if args.smoke:
        args.members, args.stock, args.concurrency = 60, 10, 8

    campaign_id, keys = setup(args.members, args.stock)
    port = free_port()
    # The shipped gunicorn config (2 workers per core, 2 threads each), as production runs.
    env = {**os.environ, "GUNICORN_BIND": f"127.0.0.1:{port}", "GUNICORN_LOG_LEVEL": "error"}
    server = subprocess.Popen(  # noqa: S603 - our own gunicorn
        [str(ROOT / ".venv/bin/gunicorn"), "portal.wsgi", "-c", "deploy/gunicorn.conf.py"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_port(port)
        claim(port, 0, keys[0])  # warm the workers' imports (404, claims nothing)
        # Baseline in the same run: the same members read their balance (signed-in GET, one
        # small query), so the ratio below survives the noise of a shared machine.
        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=args.concurrency) as pool:
            baseline = list(
                pool.map(lambda key: request(port, "GET", "/api/me/points/", key), keys)
            )
        baseline_elapsed = time.perf_counter() - started
        assert all(status == 200 for status, _ in baseline), baseline[:3]
        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=args.concurrency) as pool:
            results = list(pool.map(lambda key: claim(port, campaign_id, key), keys))
        elapsed = time.perf_counter() - started
    finally:
        server.terminate()
        server.wait(timeout=30)

    ok = sum(1 for status, _ in results if status == 201)
    sold_out = sum(
        1 for status, body in results if status == 400 and json.loads(body)["detail"] == ["已领完"]
    )
    other = [r for r in results if r[0] not in (201, 400)][:3]
    campaign = Campaign.objects.get(pk=campaign_id)
    claims = Claim.objects.filter(campaign_id=campaign_id).count()
    print(
        json.dumps(
            {
                "requests": len(results),
                "succeeded": ok,
                "sold_out": sold_out,
                "other": other,
                "claims_in_db": claims,
                "stock_left": campaign.stock,
                "seconds": round(elapsed, 2),
                "requests_per_second": round(len(results) / elapsed, 1),
                "successful_claims_per_second": round(ok / elapsed, 1),
                "baseline_get_per_second": round(len(baseline) / baseline_elapsed, 1),
                "claims_vs_baseline": round(
                    (len(results) / elapsed) / (len(baseline) / baseline_elapsed), 2
                ),
                "concurrency": args.concurrency,
                "gunicorn": "deploy/gunicorn.conf.py",
                "load_average": [round(x, 2) for x in os.getloadavg()],
                "settings": "DEBUG off, generated keys, Redis cache, static manifest",
            },
            ensure_ascii=False,
        )
    )
    assert ok == args.stock == claims, (ok, claims)
    assert sold_out == len(results) - args.stock
    assert campaign.stock == 0


if __name__ == "__main__":
    main()
