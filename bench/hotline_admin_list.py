"""Benchmark: the staff list of hotline requests with 1,000,000 rows on PostgreSQL.

    DEBUG=1 DATABASE_URL=postgres://postgres@127.0.0.1:5432/h_hot_bench \
        .venv/bin/python bench/hotline_admin_list.py [--rows 1000000] [--runs 7] [--smoke]

Creates the database if missing, migrates, loads the region tree, fills ``hotline_hotlinerequest``
with generated rows in one INSERT … SELECT generate_series (only if it has fewer rows), then
times the admin changelist (superuser and a 石家庄 agent) with the estimated-count paginator
against the same list with exact counts, and prints the medians and their ratio.
``--smoke``: 3,000 rows, 2 runs per case (seconds on a fresh database), to see it still works.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--smoke", action="store_true", help="tiny sizes: does it still run?")
    args = parser.parse_args()
    if args.smoke:
        args.rows, args.runs = 3_000, 2

    from bench.pgdb import ensure_database

    ensure_database()
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    assert connection.vendor == "postgresql", "set DATABASE_URL=postgres://…"
    settings.ALLOWED_HOSTS = ["*"]
    settings.PORTAL_STAFF_MFA_REQUIRED = False
    call_command("migrate", verbosity=0)
    from regions.models import Region

    if not Region.objects.exists():
        call_command("load_regions", verbosity=0)
    from accounts.models import Role, User
    from accounts.services.roles import role_assign
    from hotline.admin import HotlineRequestAdmin

    admin = User.objects.filter(phone="13999999999").first() or User.objects.create_superuser(
        "13999999999", "bench-pass-2026"
    )
    agent = User.objects.filter(phone="13999999998").first()
    if agent is None:
        agent = User.objects.create_user("13999999998", "bench-pass-2026", is_staff=True)
        role_assign(user=agent, role=Role.HOTLINE_AGENT, region=Region.objects.get(code="130100"))

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM hotline_hotlinerequest")
        existing = cursor.fetchone()[0]
        if existing < args.rows:
            print(f"generating {args.rows - existing} rows …", flush=True)
            started = time.perf_counter()
            cursor.execute(
                """
                WITH counties AS (
                    SELECT array_agg(id) AS ids FROM regions_region
                    WHERE level = 'county' AND path LIKE '100000/130000/%%'
                )
                INSERT INTO hotline_hotlinerequest (
                    caller_name, caller_phone, channel, kind, topic, tier, title, description,
                    region_id, state, assignee_id, created_by_id, created_at, first_response_due,
                    resolution_due, is_overdue, rating_comment, updated_at, member_id
                )
                SELECT '来电职工', '13800000000', 'phone',
                    (ARRAY['consultation', 'assistance', 'complaint', 'legal_aid',
                           'suggestion'])[1 + g %% 5],
                    (ARRAY['contract', 'wages', 'insurance', 'injury', 'dispute', 'noncompete',
                           'new_form', 'hardship', 'other'])[1 + g %% 9],
                    'ordinary', '诉求 ' || g, '生成的诉求内容',
                    counties.ids[1 + g %% array_length(counties.ids, 1)],
                    (ARRAY['assigned', 'in_progress', 'waiting', 'resolved', 'closed',
                           'closed'])[1 + g %% 6],
                    %s, %s,
                    now() - (g || ' minutes')::interval,
                    now() - (g || ' minutes')::interval + interval '1 day',
                    now() - (g || ' minutes')::interval + interval '7 days',
                    g %% 50 = 0, '', now(), NULL
                FROM generate_series(%s, %s) AS g, counties
                """,
                [agent.pk, admin.pk, existing + 1, args.rows],
            )
            cursor.execute("ANALYZE hotline_hotlinerequest")
            print(f"  done in {time.perf_counter() - started:.0f} s", flush=True)

    url = "/admin/hotline/hotlinerequest/"
    # Page 50 of one topic (a ninth of the rows), or the last page a small run has.
    deep = max(1, min(50, args.rows // 9 // 50))
    cases = [
        ("superuser, page 1", admin, ""),
        ("superuser, state=in_progress", admin, "?state__exact=in_progress"),
        ("superuser, overdue", admin, "?overdue=1"),
        (f"superuser, topic=wages, page {deep}", admin, f"?topic__exact=wages&p={deep}"),
        ("石家庄 agent, page 1", agent, ""),
        ("石家庄 agent, mine", agent, "?mine=1"),
        ("石家庄 agent, region=长安区", agent, "?region=130102"),
    ]

    def measure(user, query) -> tuple[float, int]:
        client = Client()
        client.force_login(user)
        timings = []
        queries = 0
        for _ in range(args.runs):
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                response = client.get(url + query)
                timings.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, response.status_code
            queries = len(captured)
        return statistics.median(timings), queries

    print(f"rows: {args.rows:,}; median of {args.runs} runs (ms)")
    print(f"{'case':38} {'estimated':>10} {'exact':>10} {'ratio':>6} {'queries':>7}")
    from django.core.paginator import Paginator

    for label, user, query in cases:
        estimated, queries = measure(user, query)
        HotlineRequestAdmin.paginator = Paginator
        HotlineRequestAdmin.show_full_result_count = True
        exact, _ = measure(user, query)
        from hotline.admin import EstimatedCountPaginator

        HotlineRequestAdmin.paginator = EstimatedCountPaginator
        HotlineRequestAdmin.show_full_result_count = False
        print(f"{label:38} {estimated:10.1f} {exact:10.1f} {exact / estimated:6.1f} {queries:7d}")


if __name__ == "__main__":
    main()
