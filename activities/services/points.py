"""The points ledger (积分): append-only rows, a balance that never goes negative.

Every earning and spending in the portal goes through these three functions. Each takes an
idempotency key naming the event (``course:42:user:7``), so a retried task or a double
click never pays twice. The member's ``PointsAccount`` row is locked (``SELECT … FOR
UPDATE``) for every write, which serialises concurrent debits: a balance can't be spent
twice, and the check constraint backs this up in the database.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from activities.models import PointsAccount, PointsEntry

MAX_AMOUNT = 1_000_000


def points_expiry_for(*, source: str, earned_at: datetime) -> datetime | None:
    """When points earned at ``earned_at`` from ``source`` lapse under the configured rule
    (``ACTIVITIES_POINTS_EXPIRY_YEARS``: the end of the Nth calendar year after the year
    they were earned, per source or ``"default"``; ``None`` never). Returns the first
    instant they are no longer valid: 1 January, 00:00 local time."""
    rules = getattr(settings, "ACTIVITIES_POINTS_EXPIRY_YEARS", {}) or {}
    years = rules.get(source, rules.get("default"))
    if years is None:
        return None
    year = timezone.localtime(earned_at).year + int(years) + 1
    return datetime(year, 1, 1, tzinfo=timezone.get_current_timezone())


def _locked_account(user: Any) -> PointsAccount:
    # INSERT … ON CONFLICT DO NOTHING: a first write for a member races safely.
    PointsAccount.objects.bulk_create([PointsAccount(user_id=user.pk)], ignore_conflicts=True)
    return PointsAccount.objects.select_for_update().get(user_id=user.pk)


def _check(amount: int, reason: str, idempotency_key: str) -> None:
    if not isinstance(amount, int) or isinstance(amount, bool) or not 0 < amount <= MAX_AMOUNT:
        raise ValidationError(_("积分数量必须是 1 到 1000000 之间的整数。"))
    if not reason.strip():
        raise ValidationError(_("请填写积分变动事由。"))
    if not idempotency_key.strip() or len(idempotency_key) > 120:
        raise ValidationError(_("缺少有效的幂等键。"))


def _append(
    *,
    user: Any,
    amount: int,
    reason: str,
    source: str,
    idempotency_key: str,
    reverses: PointsEntry | None = None,
    expires_at: datetime | None = None,
) -> PointsEntry:
    account = _locked_account(user)
    # Checked under the lock: a concurrent write with the same key has committed or not.
    existing = PointsEntry.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        if existing.user_id != user.pk:
            raise ValidationError(_("幂等键已被其他会员使用。"))
        return existing
    balance = account.balance + amount
    if balance < 0:
        raise ValidationError(
            _("积分不足：当前余额 %(balance)s，需要 %(need)s。")
            % {"balance": account.balance, "need": -amount}
        )
    now = timezone.now()
    if amount > 0 and reverses is None and expires_at is None:
        expires_at = points_expiry_for(source=source, earned_at=now)
    entry = PointsEntry.objects.create(
        user_id=user.pk,
        amount=amount,
        balance_after=balance,
        reason=reason.strip()[:200],
        source=source,
        idempotency_key=idempotency_key,
        reverses=reverses,
        created_at=now,
        expires_at=expires_at,
    )
    account.balance = balance
    account.updated_at = now
    account.save(update_fields=["balance", "updated_at"])
    return entry


@transaction.atomic
def points_credit(
    *,
    user: Any,
    amount: int,
    reason: str,
    source: str,
    idempotency_key: str,
    expires_at: datetime | None = None,
) -> PointsEntry:
    """Add ``amount`` (> 0) points for an event. Idempotent per ``idempotency_key``: the
    same key returns the first row and pays nothing more. The points lapse under the
    configured rule for ``source`` unless ``expires_at`` (a future moment, e.g. holiday
    points valid to the year's end) says otherwise. Side effect: one ledger row and the
    cached balance, in one transaction."""
    _check(amount, reason, idempotency_key)
    if expires_at is not None and (timezone.is_naive(expires_at) or expires_at <= timezone.now()):
        raise ValidationError(_("积分有效期必须是将来的时间。"))
    return _append(
        user=user,
        amount=amount,
        reason=reason,
        source=source,
        idempotency_key=idempotency_key,
        expires_at=expires_at,
    )


@transaction.atomic
def points_debit(
    *, user: Any, amount: int, reason: str, source: str, idempotency_key: str
) -> PointsEntry:
    """Spend ``amount`` (> 0) points. Raises ``ValidationError`` ("积分不足") when the
    balance would go negative, writing nothing. Idempotent per ``idempotency_key``."""
    _check(amount, reason, idempotency_key)
    return _append(
        user=user, amount=-amount, reason=reason, source=source, idempotency_key=idempotency_key
    )


@transaction.atomic
def points_reverse(*, entry: PointsEntry, reason: str) -> PointsEntry:
    """Undo ``entry`` with a new row of the opposite amount (never an edit). Reversing
    twice returns the first reversal; a reversal itself can't be reversed. Reversing an
    earning already spent raises ``ValidationError`` rather than going negative."""
    if entry.source == PointsEntry.Source.REVERSAL:
        raise ValidationError(_("冲正记录不能再次冲正。"))
    if entry.source == PointsEntry.Source.EXPIRY:
        # A reversed expiry would only be written off again by the next expiry run.
        raise ValidationError(_("积分过期记录不能冲正，如需补偿请人工调整积分。"))
    if not reason.strip():
        raise ValidationError(_("请填写冲正原因。"))
    return _append(
        user=entry.user,
        amount=-entry.amount,
        reason=reason,
        source=PointsEntry.Source.REVERSAL,
        idempotency_key=f"reverse:{entry.pk}",
        reverses=entry,
    )
