"""Benchmark: all indicators for one day over a province of 530,000 members, and the
dashboard page from the facts table, on PostgreSQL.

    DEBUG=1 DATABASE_URL=postgres://postgres@127.0.0.1:5432/scale \
        .venv/bin/python bench/insights_indicators.py [--day 2026-11-27] [--runs 7]
    DEBUG=1 DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_smoke \
        .venv/bin/python bench/insights_indicators.py --smoke   # tiny data set, seconds

``--smoke`` builds a tiny data set (``seed_scale --scale 0.002 --no-identities``) if the
database holds none, skips the 500,000-user check, copies the facts to 29 days only and
times 3 runs: it checks the script works, its figures mean nothing.

Needs the province-scale data set of ``python manage.py seed_scale`` in that database (it is
not built here); migrates (adds the insights tables) and refuses with fewer than 500,000
users. seed_scale writes no daily-use records, so one active member in five is marked
active on the day (``insights_dailyactive``).

1. Times ``facts_compute_day`` (every indicator: one grouped query each across all regions,
   roll-up, replace the day in one transaction), and lists the slowest indicators.
2. Baseline in the same run: the hotline's existing per-region selector
   (``hotline.selectors.hotline_figures``) called once for each of the 179 regions for the
   same day, against the set-based computation of the seven hotline indicators it covers.
3. Copies the computed day's facts to the 364 days before it (a year of facts, so the
   facts table has its real size; removed at the end), then times the dashboard page at
   province, city and county level for 30 days and for a year (median of ``--runs``).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

HOTLINE_CODES = [
    "hotline_requests",
    "hotline_requests_by_topic",
    "hotline_first_response_hours",
    "hotline_resolution_hours",
    "hotline_on_time_rate",
    "hotline_satisfaction",
    "hotline_rating_average",
]


def _median_ms(samples: list[float]) -> float:
    return round(statistics.median(samples) * 1000, 1)


def _p95_ms(samples: list[float]) -> float:
    ordered = sorted(samples)
    return round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))] * 1000, 1)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--day", default="", help="day to compute (default: yesterday)")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--smoke", action="store_true", help="tiny data set, seconds")
    args = parser.parse_args()
    if args.smoke:
        args.runs = 3

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    assert connection.vendor == "postgresql", "set DATABASE_URL=postgres://…"
    settings.ALLOWED_HOSTS = ["*"]
    settings.PORTAL_STAFF_MFA_REQUIRED = False
    call_command("migrate", verbosity=0)

    from accounts.models import Membership, Role, User
    from accounts.services.roles import role_assign
    from hotline.selectors import hotline_figures
    from insights.models import Fact
    from insights.registry import Window, indicators
    from insights.services import facts_compute_day
    from regions.models import Region
    from regions.selectors import region_tree

    if args.smoke and not Membership.objects.exists():
        call_command("seed_scale", scale=0.002, no_identities=True, no_demo=True, verbosity=0)
    people = User.objects.count()
    members = Membership.objects.filter(status="active").count()
    if people < 500_000 and not args.smoke:
        sys.exit(f"only {people} users: run `python manage.py seed_scale` first")
    day = date.fromisoformat(args.day) if args.day else timezone.localdate() - timedelta(days=1)
    print(f"users: {people:,}; active memberships: {members:,}; day: {day}")

    # seed_scale writes no daily-use records: mark one member in five active on the day.
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO insights_dailyactive (user_id, date)
            SELECT user_id, %s FROM accounts_membership
            WHERE status = 'active' AND id %% 5 = 0
            ON CONFLICT DO NOTHING
            """,
            [day],
        )
        cursor.execute("ANALYZE insights_dailyactive")

    # 1. all indicators, one day
    from django.test.utils import CaptureQueriesContext

    started = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        run = facts_compute_day(day=day)
    total = time.perf_counter() - started
    print(
        f"facts_compute_day: {len(indicators())} indicators, {run.rows} rows, {total:.1f} s, "
        f"{len(queries)} queries"
    )
    window = Window.for_day(day)
    timings = []
    for item in indicators():
        t0 = time.perf_counter()
        item.compute(window)
        timings.append((time.perf_counter() - t0, item.code))
    timings.sort(reverse=True)
    print("slowest:", ", ".join(f"{code} {sec * 1000:.0f} ms" for sec, code in timings[:6]))
    print(f"sum of the queries alone: {sum(s for s, _ in timings):.1f} s")

    # 2. baseline: the per-region selector, once per region
    nodes = [n for n in region_tree().nodes.values() if n.level in ("province", "city", "county")]
    t0 = time.perf_counter()
    for node in nodes:
        hotline_figures(region_path=node.path, since=window.start, until=window.end)
    per_region = time.perf_counter() - t0
    t0 = time.perf_counter()
    facts_compute_day(day=day, codes=HOTLINE_CODES)
    set_based = time.perf_counter() - t0
    print(
        f"hotline figures for {len(nodes)} regions: per-region selector {per_region:.2f} s, "
        f"set-based {set_based:.2f} s, ratio {per_region / set_based:.1f}x"
    )

    # 3. a year of facts, then the dashboard
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO insights_fact
                (indicator, region_id, date, breakdown, value, numerator, denominator)
            SELECT f.indicator, f.region_id, f.date - d.n, f.breakdown,
                   f.value, f.numerator, f.denominator
            FROM insights_fact f CROSS JOIN generate_series(1, %s) AS d(n)
            WHERE f.date = %s
            ON CONFLICT DO NOTHING
            """,
            [29 if args.smoke else 364, day],
        )
        copied = cursor.rowcount
        cursor.execute("VACUUM ANALYZE insights_fact")  # as autovacuum would, after a load
    print(f"facts table: {Fact.objects.count():,} rows ({copied:,} copied for the year)")
    admin = User.objects.filter(phone="13999999997").first()
    if admin is None:
        admin = User.objects.create_user("13999999997", "bench-pass-2026", is_staff=True)
        role_assign(user=admin, role=Role.PROVINCE_ADMIN, region=Region.objects.get(code="130000"))
    client = Client()
    client.force_login(admin)
    results = []
    for label, code in [("province", "130000"), ("city", "130100"), ("county", "130102")]:
        for days in (30, 365):
            start = day - timedelta(days=days - 1)
            url = f"/insights/?region={code}&indicator=hotline_requests&start={start}&end={day}"
            assert client.get(url, secure=True).status_code == 200
            samples = []
            for _ in range(args.runs):
                t0 = time.perf_counter()
                response = client.get(url, secure=True)
                samples.append(time.perf_counter() - t0)
                assert response.status_code == 200
            results.append((label, days, _median_ms(samples), _p95_ms(samples)))
    for label, days, ms, p95 in results:
        print(f"dashboard {label:8s} {days:3d} days: median {ms} ms, p95 {p95} ms")
    dictionary = []
    for _ in range(args.runs):
        t0 = time.perf_counter()
        assert client.get("/insights/indicators/", secure=True).status_code == 200
        dictionary.append(time.perf_counter() - t0)
    print(f"indicator dictionary: median {_median_ms(dictionary)} ms, p95 {_p95_ms(dictionary)} ms")
    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM insights_fact WHERE date < %s AND date >= %s"
            " AND date NOT IN (SELECT date FROM insights_factday)",
            [day, day - timedelta(days=364)],
        )
    facts_compute_day(day=day)  # leave the real day as computed


if __name__ == "__main__":
    main()
