"""Benchmark: competition leaderboards over 100,000 attempts on PostgreSQL (issue 5).

    DEBUG=1 DATABASE_URL=postgres://postgres@127.0.0.1:5432/h_learn_bench \
      .venv/bin/python bench/learning_leaderboard.py [--attempts 100000] [--runs 50] [--smoke]

Sets up its own content once (migrate, regions, 40 union organisations over the 11 cities,
``attempts / 2`` entrants with two submitted attempts each, and each entrant's standing), then
times the real selectors: the province top 50, a city top 50, an enterprise top 50 and one
member's rank. For comparison, the same province top 50 computed straight from the attempts
(best attempt per entrant with DISTINCT ON, then ordered) is timed in the same run. Prints
median and p95 in milliseconds and the ratio. ``--smoke``: 2,000 attempts and 3 runs (seconds
on a fresh database; a database set up before keeps its size), to see it still works.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
os.environ.setdefault("DEBUG", "1")

from bench.pgdb import ensure_database  # noqa: E402

ensure_database()

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from learning.models import Competition, CompetitionResult  # noqa: E402
from learning.selectors import competition_leaderboard, competition_rank_of  # noqa: E402

NAIVE_SQL = """
SELECT user_id, score, duration_seconds FROM (
    SELECT DISTINCT ON (a.user_id) a.user_id, a.score, a.duration_seconds
    FROM learning_attempt a JOIN learning_competitionround r ON r.id = a.round_id
    WHERE r.competition_id = %s AND a.status <> 'open'
    ORDER BY a.user_id, a.score DESC, a.duration_seconds
) best ORDER BY score DESC, duration_seconds LIMIT 50
"""


def setup(attempts: int) -> Competition:
    from datetime import timedelta

    from django.utils import timezone

    from accounts.models import UnionOrganization
    from learning.models import CompetitionRound, Paper
    from regions.models import Region
    from regions.services import region_import_from_csv

    call_command("migrate", verbosity=0)
    if not Region.objects.exists():
        region_import_from_csv(path=settings.REGIONS_DATA_FILE)
    competition = Competition.objects.filter(title="基准测试竞赛").first()
    if competition is not None:
        return competition
    province = Region.objects.get(code="130000")
    now = timezone.now()
    paper = Paper.objects.create(region=province, title="基准测试试卷", max_attempts=2)
    competition = Competition.objects.create(
        region=province, title="基准测试竞赛", organizer="河北省总工会",
        registration_opens_at=now - timedelta(days=30),
        registration_closes_at=now - timedelta(days=20), ends_at=now + timedelta(days=1),
        is_published=True,
    )  # fmt: skip
    round_ = CompetitionRound.objects.create(
        competition=competition, position=1, title="初赛", paper=paper,
        opens_at=now - timedelta(days=20), closes_at=now + timedelta(days=1),
    )  # fmt: skip
    cities = list(Region.objects.filter(level="city", path__startswith=province.path))
    orgs = []
    for n in range(40):
        city = cities[n % len(cities)]
        org = UnionOrganization(
            name=f"基准企业工会{n}", kind="grassroots", region=city, path=f"bench/{n}/"
        )
        orgs.append(org)
    UnionOrganization.objects.bulk_create(orgs)
    org_rows = [(o.pk, o.region.code) for o in orgs]
    entrants = attempts // 2
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO accounts_user (password, is_superuser, phone, display_name, email,
                is_staff, is_active, date_joined)
            SELECT '!', false, '15' || lpad(g::text, 9, '0'), '选手' || g, '', false, true, now()
            FROM generate_series(1, %s) g
            """,
            [entrants],
        )
        cursor.execute(
            "SELECT id FROM accounts_user WHERE phone LIKE '15%%' ORDER BY id LIMIT %s",
            [entrants],
        )
        user_ids = [row[0] for row in cursor.fetchall()]
        cursor.execute("CREATE TEMP TABLE bench_orgs (n int, org_id int, city text)")
        cursor.executemany(
            "INSERT INTO bench_orgs VALUES (%s, %s, %s)",
            [(n, pk, code) for n, (pk, code) in enumerate(org_rows)],
        )
        cursor.execute("CREATE TEMP TABLE bench_users (n int, user_id int)")
        cursor.executemany("INSERT INTO bench_users VALUES (%s, %s)", list(enumerate(user_ids)))
        cursor.execute(
            """
            INSERT INTO learning_competitionregistration (competition_id, user_id,
                registered_at, city_code, organization_id)
            SELECT %s, u.user_id, now(), o.city, o.org_id
            FROM bench_users u JOIN bench_orgs o ON o.n = u.n %% 40
            """,
            [competition.pk],
        )
        # Two attempts per entrant: scores 0–100 in half points, 5–15 minutes.
        cursor.execute(
            """
            INSERT INTO learning_attempt (paper_id, user_id, round_id, number, status,
                started_at, deadline, submitted_at, score, max_score, duration_seconds)
            SELECT %s, u.user_id, %s, k, 'submitted', now() - interval '1 day',
                now(), now(), ((hashtext(u.user_id || ':' || k) & 255) %% 201) / 2.0, 100,
                300 + (hashtext(k || ':' || u.user_id) & 1023) %% 600
            FROM bench_users u, generate_series(1, 2) k
            """,
            [paper.pk, round_.pk],
        )
        cursor.execute(
            """
            INSERT INTO learning_competitionresult (competition_id, registration_id, user_id,
                city_code, organization_id, score, duration_seconds, round_scores, updated_at)
            SELECT r.competition_id, r.id, r.user_id, r.city_code, r.organization_id,
                best.score, best.duration_seconds,
                jsonb_build_object(%s::text, jsonb_build_array(best.score::text,
                    best.duration_seconds)), now()
            FROM learning_competitionregistration r
            JOIN LATERAL (
                SELECT score, duration_seconds FROM learning_attempt a
                WHERE a.user_id = r.user_id AND a.round_id = %s
                ORDER BY score DESC, duration_seconds LIMIT 1
            ) best ON true
            WHERE r.competition_id = %s
            """,
            [str(round_.pk), round_.pk, competition.pk],
        )
        cursor.execute("ANALYZE learning_attempt")
        cursor.execute("ANALYZE learning_competitionresult")
    print(f"generated in {time.perf_counter() - started:.0f} s", flush=True)
    return competition


def timed(function, runs: int) -> tuple[float, float]:
    function()  # warm up
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.95) - 1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--attempts", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--smoke", action="store_true", help="tiny sizes: does it still run?")
    args = parser.parse_args()
    if args.smoke:
        args.attempts, args.runs = 2_000, 3
    if connection.vendor != "postgresql":
        sys.exit("set DATABASE_URL=postgres://… (this benchmark is for PostgreSQL)")
    competition = setup(args.attempts)
    pk = competition.pk
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM learning_attempt a JOIN learning_competitionround r "
            "ON r.id = a.round_id WHERE r.competition_id = %s",
            [pk],
        )
        n_attempts = cursor.fetchone()[0]
    n_results = CompetitionResult.objects.filter(competition_id=pk).count()
    sample = CompetitionResult.objects.filter(competition_id=pk).order_by("pk")[n_results // 2]
    city = sample.city_code
    org = sample.organization_id
    member = sample.user

    def naive():
        with connection.cursor() as cursor:
            cursor.execute(NAIVE_SQL, [pk])
            return cursor.fetchall()

    top = competition_leaderboard(competition_id=pk)
    assert [(r["user_id"], r["score"]) for r in top][:10] == [
        (u, s) for u, s, _d in naive()[:10]
    ] or [r["score"] for r in top] == [s for _u, s, _d in naive()], "boards disagree"
    cases = [
        ("province top 50", lambda: competition_leaderboard(competition_id=pk)),
        (f"city {city} top 50",
         lambda: competition_leaderboard(competition_id=pk, scope="city", key=city)),
        ("enterprise top 50",
         lambda: competition_leaderboard(competition_id=pk, scope="organization", key=org)),
        ("one member's rank", lambda: competition_rank_of(competition_id=pk, user=member)),
        ("province top 50 from attempts (DISTINCT ON, no standings table)", naive),
    ]  # fmt: skip
    print(f"{n_attempts} attempts, {n_results} entrants, {args.runs} runs each")
    results = {}
    for label, function in cases:
        median, p95 = timed(function, args.runs)
        results[label] = median
        print(f"  {label:<66} median {median:7.2f} ms   p95 {p95:7.2f} ms")
    province = results["province top 50"]
    naive_ms = results[cases[-1][0]]
    print(f"  ratio attempts-aggregate / standings index: {naive_ms / province:.0f}×")


if __name__ == "__main__":
    main()
