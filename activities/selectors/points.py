"""Points expiry, derived from the ledger: which earnings are still unspent, and when they
lapse. The ledger stays the truth; nothing here is stored.

Spendings consume earnings in the order the points lapse — the earliest expiry first, then
the oldest earning (with one rule for every source, that is plain FIFO: the oldest earnings
first) — and points that never expire last. Replaying the ledger in order gives every
earning's unspent rest (its "lot"):

- an earning opens a lot;
- a spending takes from the lots present at that time, in that order;
- a reversal of an earning takes from that earning's lot first;
- a refund (the reversal of a spending) puts back what that spending took;
- an expiry row takes from the lots that expire on or before its date.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.utils import timezone

from activities.models import PointsEntry

__all__ = ["Lot", "expiry_day", "points_expiring", "points_lots", "points_lots_for_user"]


@dataclass
class Lot:
    entry_id: int
    earned_at: datetime
    expires_at: datetime | None
    remaining: int

    def order(self) -> tuple:
        never = self.expires_at is None
        return (never, self.expires_at or self.earned_at, self.earned_at, self.entry_id)


def _consume(lots: dict[int, Lot], amount: int, *, until: datetime | None = None) -> list:
    taken: list[tuple[Lot, int]] = []
    for lot in sorted(lots.values(), key=Lot.order):
        if amount <= 0:
            break
        if lot.remaining <= 0:
            continue
        if until is not None and (lot.expires_at is None or lot.expires_at > until):
            continue
        n = min(amount, lot.remaining)
        lot.remaining -= n
        amount -= n
        taken.append((lot, n))
    return taken


def points_lots(entries: Iterable[Any]) -> list[Lot]:
    """The unspent rest of each earning after replaying ``entries`` (one member's ledger
    rows, oldest first, with ``id``, ``amount``, ``source``, ``reverses_id``,
    ``created_at`` and ``expires_at``)."""
    lots: dict[int, Lot] = {}
    amounts: dict[int, int] = {}
    taken_by: dict[int, list[tuple[Lot, int]]] = {}
    for entry in entries:
        amounts[entry.id] = entry.amount
        if entry.source == PointsEntry.Source.EXPIRY:
            _consume(lots, -entry.amount, until=entry.expires_at)
        elif entry.reverses_id is None:
            if entry.amount > 0:
                lots[entry.id] = Lot(entry.id, entry.created_at, entry.expires_at, entry.amount)
            else:
                taken_by[entry.id] = _consume(lots, -entry.amount)
        elif amounts.get(entry.reverses_id, 0) > 0:  # an earning taken back
            amount = -entry.amount
            lot = lots.get(entry.reverses_id)
            if lot is not None:
                n = min(amount, lot.remaining)
                lot.remaining -= n
                amount -= n
            taken_by[entry.id] = _consume(lots, amount)
        else:  # a spending refunded: the points return to the lots they came from
            amount = entry.amount
            for lot, n in reversed(taken_by.pop(entry.reverses_id, [])):
                back = min(n, amount)
                lot.remaining += back
                amount -= back
            if amount > 0:
                lots[entry.id] = Lot(entry.id, entry.created_at, None, amount)
    return sorted((lot for lot in lots.values() if lot.remaining > 0), key=Lot.order)


def points_lots_for_user(*, user_id: int) -> list[Lot]:
    """One query: the member's whole ledger, replayed. Read in one fetch: a member's ledger
    is hundreds of rows, and a server-side cursor (``iterator()``) costs PostgreSQL three
    round trips (DECLARE, FETCH, CLOSE) on every balance read."""
    rows = (
        PointsEntry.objects.filter(user_id=user_id)
        .only("id", "amount", "source", "reverses_id", "created_at", "expires_at")
        .order_by("created_at", "id")
    )
    return points_lots(rows)


def expiry_day(expires_at: datetime) -> date:
    """The last local day on which points expiring at ``expires_at`` are still valid."""
    return timezone.localtime(expires_at - timedelta(microseconds=1)).date()


def points_expiring(*, user: Any) -> list[dict[str, Any]]:
    """What will lapse and when ("即将过期"), earliest first: ``[{"date", "amount",
    "expires_at"}]``. Points whose date has passed but whose expiry row the nightly task
    has not yet written are listed too, with their (past) date."""
    if not getattr(user, "is_authenticated", False):
        return []
    by_time: dict[datetime, int] = defaultdict(int)
    for lot in points_lots_for_user(user_id=user.pk):
        if lot.expires_at is not None:
            by_time[lot.expires_at] += lot.remaining
    return [
        {"date": expiry_day(moment), "amount": amount, "expires_at": moment}
        for moment, amount in sorted(by_time.items())
    ]
