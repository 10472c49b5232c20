"""Benchmark: the nightly points-expiry walk over N members with M ledger rows (PostgreSQL).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/h5 REDIS_URL=redis://127.0.0.1:6379/15 \
      .venv/bin/python bench/activities_points_expiry.py [--members 530000] [--batch 1000] \
      [--compare 2000] [--smoke]

Needs a database of its own: it empties the users and points tables (and refuses a database
holding any user it did not make). Production settings (``DEBUG`` off, ``bench/load_env.py``).

The synthetic data set, written by set-based SQL: N members (users and points accounts), each
with about ten ledger rows over three years under the shipped rule (points lapse at the end of
the year after the year they were earned): two earnings of the year before last (lapsed on
1 January, never written off: the situation of the first night of a year), a spending after
them, earnings of last year and this year, a spending this spring, a refund of the first
spending for one member in twenty (reversal rows pointing at it).

Measured, with the cutoff "now":

1. ``--compare`` members expired one by one (``points_expire_for_user``, one transaction
   each, as the job did before batching), for the per-member rate;
2. the batched run over everyone else (``points_expire_due``): time, members walked and
   replayed, rows written;
3. the same run started again the same day (writes nothing);
4. the next night's run (a day later): the watermarks leave nothing to replay.

Then checks: every balance equals the sum of its ledger, none negative, and for a random
sample of members the ledger replay shows nothing due by the cutoff any more.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
    sys.exit("needs PostgreSQL: set DATABASE_URL=postgres://… (a database of its own)")
if os.environ["DATABASE_URL"].rstrip("/").rsplit("/", 1)[-1] in {"scale", "test", "postgres"}:
    sys.exit("refusing a shared database: point DATABASE_URL at a database of its own")

from load_env import bench_env  # noqa: E402

os.environ.update(bench_env())
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from activities.models import PointsExpiryRun  # noqa: E402
from activities.selectors import points_expiring  # noqa: E402
from activities.services import points_expire_due, points_expire_for_user  # noqa: E402

PHONE_PREFIX = "170"


def _sql(statement: str, params: dict | None = None) -> int:
    with connection.cursor() as cursor:
        cursor.execute(statement, params or {})
        return cursor.rowcount


def _one(statement: str, params: dict | None = None):
    with connection.cursor() as cursor:
        cursor.execute(statement, params or {})
        return cursor.fetchone()[0]


def _column(statement: str, params: list) -> list:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return [row[0] for row in cursor.fetchall()]


def _at(year: int, month: int, day: int = 10) -> datetime:
    return datetime(year, month, day, 10, 0, tzinfo=timezone.get_current_timezone())


def generate(members: int, year: int) -> None:
    """Users, ledgers and accounts for ``members`` members, in a few statements."""
    foreign = _one(
        "SELECT count(*) FROM accounts_user WHERE phone NOT LIKE %(p)s", {"p": PHONE_PREFIX + "%"}
    )
    if foreign:
        sys.exit(f"{foreign} users not made by this benchmark: use a database of its own")
    _sql(
        "TRUNCATE activities_pointsexpiryrun, activities_pointsentry, activities_pointsaccount, "
        "accounts_user CASCADE"
    )
    started = time.monotonic()
    _sql(
        """
        INSERT INTO accounts_user (password, is_superuser, phone, email, display_name, is_staff,
                                   is_active, date_joined, privacy_consent_version)
        SELECT '!', false, %(prefix)s || lpad(i::text, 8, '0'), '', '', false, true, now(), ''
        FROM generate_series(1, %(n)s) AS i
        """,
        {"prefix": PHONE_PREFIX, "n": members},
    )
    tz = timezone.get_current_timezone()
    lapsed = datetime(year, 1, 1, tzinfo=tz)  # earnings of year - 2
    next_year = datetime(year + 1, 1, 1, tzinfo=tz)  # earnings of year - 1
    after = datetime(year + 2, 1, 1, tzinfo=tz)  # earnings of this year
    dates = {
        "e1": _at(year - 2, 3),
        "e2": _at(year - 2, 9),
        "s1": _at(year - 1, 2),
        "e3": _at(year - 1, 5),
        "e4": _at(year - 1, 11),
        "s2": _at(year, 3),
        "r1": _at(year, 4),
        "e5": _at(year, 6),
        "x1": _at(year, 7),
        "x2": _at(year, 8),
        "x3": _at(year, 9),
    }
    # Amounts vary by id; every balance_after is the running sum, so the check constraints
    # hold and the ledger is what the services would have written.
    rows = _sql(
        """
        WITH m AS (
            SELECT id, 20 + id %% 41 AS a, 10 + id %% 23 AS b, 15 + id %% 17 AS d,
                   5 + id %% 11 AS e, 10 + id %% 13 AS g
            FROM accounts_user
        ), m2 AS (
            SELECT *, least((id %% 7) * 10, a + b) AS c FROM m
        ), m3 AS (
            SELECT *, least((id %% 5) * 10, a + b - c + d + e) AS f,
                   CASE WHEN id %% 20 = 0 THEN 1 ELSE 0 END AS r
            FROM m2
        )
        INSERT INTO activities_pointsentry (amount, balance_after, reason, source,
                                            idempotency_key, created_at, user_id, expires_at)
        SELECT v.amount, v.balance, v.reason, v.source, 'bench:' || m3.id || ':' || v.k,
               v.created_at, m3.id, v.expires_at
        FROM m3 CROSS JOIN LATERAL (VALUES
            ('e1', a, a, '完成课程', 'course', %(e1)s, %(lapsed)s),
            ('e2', b, a + b, '通过考试', 'exam', %(e2)s, %(lapsed)s),
            ('s1', -c, a + b - c, '兑换商品', 'mall', %(s1)s, NULL),
            ('e3', d, a + b - c + d, '参加活动', 'activity', %(e3)s, %(next_year)s),
            ('e4', e, a + b - c + d + e, '评价热线服务', 'hotline', %(e4)s, %(next_year)s),
            ('s2', -f, a + b - c + d + e - f, '兑换商品', 'mall', %(s2)s, NULL),
            ('r1', r * c, a + b - c + d + e - f + r * c, '订单取消', 'reversal', %(r1)s, NULL),
            ('e5', g, a + b - (1 - r) * c + d + e - f + g, '完成课程', 'course', %(e5)s,
             %(after)s),
            ('x1', 5, a + b - (1 - r) * c + d + e - f + g + 5, '完成课程', 'course', %(x1)s,
             %(after)s),
            ('x2', 5, a + b - (1 - r) * c + d + e - f + g + 10, '完成课程', 'course', %(x2)s,
             %(after)s),
            ('x3', 5, a + b - (1 - r) * c + d + e - f + g + 15, '完成课程', 'course', %(x3)s,
             %(after)s)
        ) AS v(k, amount, balance, reason, source, created_at, expires_at)
        WHERE v.amount <> 0
        """,
        {**dates, "lapsed": lapsed, "next_year": next_year, "after": after},
    )
    _sql(
        """
        UPDATE activities_pointsentry AS refund SET reverses_id = spending.id
        FROM activities_pointsentry AS spending
        WHERE refund.source = 'reversal' AND refund.idempotency_key LIKE 'bench:%%:r1'
          AND spending.idempotency_key = replace(refund.idempotency_key, ':r1', ':s1')
        """
    )
    _sql(
        """
        INSERT INTO activities_pointsaccount (user_id, balance, updated_at)
        SELECT user_id, sum(amount), now() FROM activities_pointsentry GROUP BY user_id
        """
    )
    _sql("ANALYZE accounts_user, activities_pointsentry, activities_pointsaccount")
    print(
        f"generated {members:,} members, {rows:,} ledger rows in {time.monotonic() - started:.0f} s"
    )


def reset() -> None:
    """Undo a previous run on the same data set: its expiry rows, runs and watermarks."""
    _sql("DELETE FROM activities_pointsentry WHERE source = 'expiry'")
    _sql("DELETE FROM activities_pointsexpiryrun")
    _sql(
        """
        UPDATE activities_pointsaccount AS a
        SET balance = s.total, expiry_checked_at = NULL, expiry_checked_entry_id = NULL
        FROM (SELECT user_id, sum(amount) AS total FROM activities_pointsentry
              GROUP BY user_id) AS s
        WHERE s.user_id = a.user_id
        """
    )
    _sql("VACUUM ANALYZE activities_pointsentry")
    _sql("VACUUM ANALYZE activities_pointsaccount")


def timed(label: str, call):
    started = time.monotonic()
    result = call()
    seconds = time.monotonic() - started
    print(f"{label}: {seconds:.1f} s")
    return result, seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--members", type=int, default=530_000)
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--compare", type=int, default=2000, help="members expired one by one")
    parser.add_argument("--sample", type=int, default=1000, help="members checked by replay")
    parser.add_argument("--smoke", action="store_true", help="2,000 members: seconds (CI)")
    args = parser.parse_args()
    if args.smoke:
        args.members, args.batch, args.compare, args.sample = 2_000, 500, 50, 50

    call_command("migrate", verbosity=0, skip_checks=True)
    now = timezone.now()
    have = _one(
        "SELECT count(*) FROM accounts_user WHERE phone LIKE %(p)s", {"p": PHONE_PREFIX + "%"}
    )
    if have != args.members or not _one("SELECT count(*) FROM activities_pointsentry"):
        generate(args.members, timezone.localtime(now).year)
    else:
        reset()
    ledger_rows = _one("SELECT count(*) FROM activities_pointsentry")
    print(
        f"PostgreSQL {connection.pg_version}; {args.members:,} members, {ledger_rows:,} ledger "
        f"rows; load average {os.getloadavg()[0]:.1f}"
    )

    first = _column(  # the lowest user ids, so the batched run walks past them
        "SELECT user_id FROM activities_pointsaccount ORDER BY user_id LIMIT %s", [args.compare]
    )
    if first:
        _, seconds = timed(
            f"one by one ({len(first):,} members, one transaction each)",
            lambda: sum(len(points_expire_for_user(user_id=uid, now=now)) for uid in first),
        )
        print(f"  {len(first) / seconds:,.0f} members/s")

    written, seconds = timed(
        f"batched run, batches of {args.batch}",
        lambda: points_expire_due(now=now, size=args.batch),
    )
    run = PointsExpiryRun.objects.get(day=timezone.localtime(now).date())
    print(
        f"  walked {args.members:,} members, replayed {run.members_checked:,}, wrote "
        f"{written:,} expiry rows; {args.members / seconds:,.0f} members/s"
    )
    again, _ = timed("same day again", lambda: points_expire_due(now=now, size=args.batch))
    assert again == 0, again
    tomorrow = now + timedelta(days=1)
    again, _ = timed("next night", lambda: points_expire_due(now=tomorrow, size=args.batch))
    run = PointsExpiryRun.objects.get(day=timezone.localtime(tomorrow).date())
    print(f"  replayed {run.members_checked:,} members, wrote {again:,} rows")

    wrong = _one(
        """
        SELECT count(*) FROM activities_pointsaccount AS a
        JOIN (SELECT user_id, sum(amount) AS total FROM activities_pointsentry
              GROUP BY user_id) AS s ON s.user_id = a.user_id
        WHERE a.balance <> s.total OR a.balance < 0
        """
    )
    assert wrong == 0, f"{wrong} balances disagree with their ledgers"
    sample = _column(
        "SELECT user_id FROM activities_pointsaccount ORDER BY random() LIMIT %s", [args.sample]
    )
    left = 0
    for user_id in sample:
        user = get_user_model()(pk=user_id)
        left += sum(e["amount"] for e in points_expiring(user=user) if e["expires_at"] <= now)
    assert left == 0, f"{left} points still due in the sample"
    print(f"checked: every balance equals its ledger; nothing due left in {len(sample):,} sampled")


if __name__ == "__main__":
    main()
