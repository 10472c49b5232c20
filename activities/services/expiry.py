"""Points expiry at province scale: the nightly walk over the members in keyset batches.

The rule stays in one place: each member's ledger is replayed by
``activities.selectors.points.points_lots`` (FIFO by expiry date) and what is due is written
off by appended rows, never edits. What makes it scale:

- the walk pages ``PointsAccount`` by user id (``WHERE user_id > cursor ORDER BY user_id
  LIMIT n``), never by offset;
- each batch is a few set-based statements in one transaction: pick and lock the members who
  may have something due, read their ledgers in one query, one ``INSERT`` of the expiry rows,
  one ``UPDATE`` of their balances and watermarks, and the run's cursor;
- a watermark on each account (``expiry_checked_at``, ``expiry_checked_entry_id``) lets the
  walk skip a member until a later expiry date passes or a refund is appended, so a normal
  night reads almost no ledger rows;
- the run (``PointsExpiryRun``, one a day) stores its cutoff and cursor, committed with each
  batch: an interrupted run resumes after the last committed batch, and a second run the
  same day writes nothing.
"""

from __future__ import annotations

import logging
import time
from collections import Counter, defaultdict
from datetime import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from activities.models import PointsAccount, PointsEntry, PointsExpiryRun
from activities.selectors.points import expiry_day, points_lots
from activities.services.points import _locked_account

logger = logging.getLogger(__name__)

#: Members per batch: one transaction, their account rows locked while it runs (well under
#: a second), their whole ledgers held in memory.
EXPIRY_BATCH_SIZE = 1000

_LEDGER_FIELDS = ("id", "user_id", "amount", "source", "reverses_id", "created_at", "expires_at")


def _may_have_points_due(cutoff: datetime) -> QuerySet[PointsAccount]:
    """Accounts that may hold points due by ``cutoff``: a positive balance, and an earning
    due by then that came due after the member's last check (any, if never checked), or a
    refund appended since (it may give back points that had lapsed). Nothing else can put
    points back into a lapsed earning, so the rest are skipped without reading their
    ledgers."""
    mine = PointsEntry.objects.filter(user_id=OuterRef("user_id"), amount__gt=0)
    due = mine.filter(expires_at__lte=cutoff)
    newly_due = due.filter(expires_at__gt=OuterRef("expiry_checked_at"))
    refunded = mine.filter(reverses__isnull=False, id__gt=OuterRef("expiry_checked_entry_id"))
    return PointsAccount.objects.filter(balance__gt=0).filter(
        (Q(expiry_checked_at__isnull=True) & Exists(due)) | Exists(newly_due) | Exists(refunded)
    )


def _ledgers(user_ids: list[int]) -> dict[int, list[Any]]:
    """The members' whole ledgers, oldest first, in one query."""
    rows = (
        PointsEntry.objects.filter(user_id__in=user_ids)
        .order_by("user_id", "created_at", "id")
        .values_list(*_LEDGER_FIELDS, named=True)
    )
    ledgers: dict[int, list[Any]] = defaultdict(list)
    for row in rows.iterator(chunk_size=10_000):
        ledgers[row.user_id].append(row)
    return ledgers


def _expiry_rows(
    *, account: PointsAccount, ledger: list[Any], cutoff: datetime, written_at: datetime
) -> list[PointsEntry] | None:
    """The rows writing off what is left of ``account``'s earnings due by ``cutoff``: one
    per expiry date, earliest first, each with the balance after it. The key names the date
    and how many expiry rows of that date came before, so a rerun can never write one
    twice. None when the ledger and the balance disagree (nothing is written then)."""
    due: dict[datetime, int] = defaultdict(int)
    for lot in points_lots(ledger):
        if lot.expires_at is not None and lot.expires_at <= cutoff:
            due[lot.expires_at] += lot.remaining
    earlier = Counter(row.expires_at for row in ledger if row.source == PointsEntry.Source.EXPIRY)
    balance = account.balance
    rows = []
    for moment, amount in sorted(due.items()):
        balance -= amount
        if balance < 0:
            return None
        day = expiry_day(moment)
        rows.append(
            PointsEntry(
                user_id=account.user_id,
                amount=-amount,
                balance_after=balance,
                reason=_("积分过期（有效期至%(day)s）") % {"day": day.strftime("%Y-%m-%d")},
                source=PointsEntry.Source.EXPIRY,
                idempotency_key=f"expire:{account.user_id}:{day:%Y%m%d}:{earlier[moment]}",
                created_at=written_at,
                expires_at=moment,
            )
        )
    return rows


def _expire_accounts(*, accounts: list[PointsAccount], cutoff: datetime) -> list[PointsEntry]:
    """Write off what is due by ``cutoff`` for ``accounts`` (locked by the caller, inside its
    transaction) and move their watermarks. Returns the rows written."""
    if not accounts:
        return []
    ledgers = _ledgers([account.user_id for account in accounts])
    now = timezone.now()
    written: list[PointsEntry] = []
    checked: list[PointsAccount] = []
    for account in accounts:
        ledger = ledgers.get(account.user_id, [])
        rows = _expiry_rows(account=account, ledger=ledger, cutoff=cutoff, written_at=now)
        if rows is None:
            # Left unchecked, so every run retries it until someone repairs the ledger.
            logger.error(
                "points expiry skipped: ledger and balance disagree",
                extra={"user_id": account.user_id, "balance": account.balance},
            )
            continue
        if rows:
            account.balance = rows[-1].balance_after
            written.extend(rows)
        account.expiry_checked_at = cutoff
        account.expiry_checked_entry_id = max((row.id for row in ledger), default=None)
        checked.append(account)
    # Under the locks the keys are new; were one not, the unique key's IntegrityError rolls
    # the whole batch back, the run's cursor with it.
    PointsEntry.objects.bulk_create(written)
    _accounts_update(accounts=checked, cutoff=cutoff, now=now)
    return written


def _accounts_update(*, accounts: list[PointsAccount], cutoff: datetime, now: datetime) -> None:
    """One ``UPDATE … FROM (VALUES …)`` for the balances and watermarks of a batch: the ORM's
    ``bulk_update`` builds a ``CASE`` per row and field, which costs seconds per thousand.
    Integers only in the ``VALUES`` (the same literal types on PostgreSQL and SQLite); the
    two times are the same for every row."""
    if not accounts:
        return
    table = connection.ops.quote_name(PointsAccount._meta.db_table)
    values = ", ".join(["(%s, %s, %s)"] * len(accounts))
    params: list[Any] = [cutoff, now]
    for account in accounts:
        # 0 for an empty ledger: any later refund is past it, as with no watermark at all.
        params += [account.user_id, account.balance, account.expiry_checked_entry_id or 0]
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET expiry_checked_at = %s, "  # noqa: S608 - names are ours
            f"updated_at = CASE WHEN balance <> v.column2 THEN %s ELSE updated_at END, "
            f"balance = v.column2, expiry_checked_entry_id = v.column3 "
            f"FROM (VALUES {values}) AS v WHERE {table}.user_id = v.column1",
            params,
        )


@transaction.atomic
def points_expire_for_user(*, user_id: int, now: datetime | None = None) -> list[PointsEntry]:
    """Write off the member's points whose expiry has passed: one new negative row per
    expiry date (never an edit), for what is left of those earnings after spendings took
    the earliest-lapsing points first (see ``activities.selectors.points``).

    Idempotent: the ledger is replayed under the account lock, so a second run (or a
    concurrent one) finds nothing left to expire; the key names the date and how many
    expiry rows of that date came before. Never takes the balance below zero.
    """
    now = now or timezone.now()
    account = _locked_account(get_user_model()(pk=user_id))
    return _expire_accounts(accounts=[account], cutoff=now)


def points_expiry_run_start(*, now: datetime | None = None) -> PointsExpiryRun:
    """Today's run (the local day of ``now``), created with ``now`` as its cutoff, or the one
    already started today (finished or not: it keeps its own cutoff and cursor)."""
    now = now or timezone.now()
    run, _created = PointsExpiryRun.objects.get_or_create(
        day=timezone.localtime(now).date(), defaults={"cutoff": now}
    )
    return run


def points_expire_batch(*, run_id: int, size: int | None = None) -> tuple[int, bool]:
    """Process the next ``size`` members of the run after its cursor, in one transaction with
    the cursor's move. Returns (rows written, whether the walk is finished). The run row is
    locked first, so two workers on the same run take batches in turn."""
    size = size or EXPIRY_BATCH_SIZE
    with transaction.atomic():
        run = PointsExpiryRun.objects.select_for_update().get(pk=run_id)
        if run.finished_at is not None:
            return 0, True
        page = list(
            PointsAccount.objects.filter(user_id__gt=run.cursor)
            .order_by("user_id")
            .values_list("user_id", flat=True)[:size]
        )
        if page:
            accounts = list(
                _may_have_points_due(run.cutoff)
                .filter(user_id__gt=run.cursor, user_id__lte=page[-1])
                .order_by("user_id")
                .select_for_update()
            )
            written = _expire_accounts(accounts=accounts, cutoff=run.cutoff)
            run.cursor = page[-1]
            run.members_checked += len(accounts)
            run.rows_written += len(written)
        else:
            written = []
        done = len(page) < size
        if done:
            run.finished_at = timezone.now()
        run.save(update_fields=["cursor", "members_checked", "rows_written", "finished_at"])
    return len(written), done


def points_expiry_run_continue(
    *, run_id: int, size: int | None = None, max_seconds: float | None = None
) -> tuple[int, bool]:
    """Walk the run's batches from its cursor until the end or ``max_seconds`` (checked
    between batches). Returns (rows written by this call, whether the walk is finished)."""
    started = time.monotonic()
    written = 0
    while True:
        rows, done = points_expire_batch(run_id=run_id, size=size)
        written += rows
        if done:
            return written, True
        if max_seconds is not None and time.monotonic() - started >= max_seconds:
            return written, False


def points_expire_due(*, now: datetime | None = None, size: int | None = None) -> int:
    """The whole nightly run in one call: start (or resume) today's run and walk it to the
    end. Returns the expiry rows written by this call; a second call the same day writes
    nothing."""
    run = points_expiry_run_start(now=now)
    written, _done = points_expiry_run_continue(run_id=run.pk, size=size)
    return written
