"""The nightly expiry walk at scale: keyset batches by user id, a stored cursor, watermarks."""

import threading
from datetime import timedelta

import pytest
from django.db import close_old_connections, connection
from django.db.models import Sum
from django.utils import timezone

from activities.models import PointsAccount, PointsEntry, PointsExpiryRun
from activities.selectors import points_balance, points_expiring
from activities.services import expiry as expiry_module
from activities.services import (
    points_credit,
    points_debit,
    points_expire_due,
    points_expiry_run_continue,
    points_expiry_run_start,
    points_reverse,
)
from activities.tasks import expire_points
from tests.accounts.factories import UserFactory

S = PointsEntry.Source


def _earn(user, amount, key, days):
    return points_credit(
        user=user,
        amount=amount,
        reason="完成课程",
        source=S.COURSE,
        idempotency_key=f"{user.pk}:{key}",
        expires_at=timezone.now() + timedelta(days=days),
    )


def _spend(user, amount, key):
    key = f"{user.pk}:{key}"
    return points_debit(user=user, amount=amount, reason="兑换", source=S.MALL, idempotency_key=key)


def _expiry_rows(user) -> list[int]:
    return list(
        PointsEntry.objects.filter(user=user, source=S.EXPIRY)
        .order_by("expires_at", "id")
        .values_list("amount", flat=True)
    )


def _consistent(user) -> bool:
    total = PointsEntry.objects.filter(user=user).aggregate(s=Sum("amount"))["s"] or 0
    return points_balance(user=user) == total


@pytest.fixture
def members():
    """Eight members: each earned 50 points lapsing in 5 days and 20 lapsing in 400, then
    spent 10·i (the oldest points first, so 50 − 10·i of the first earning lapses)."""
    people = []
    for i in range(8):
        user = UserFactory()
        soon = _earn(user, 50, "soon", 5)
        _earn(user, 20, "later", 400)
        if i:
            _spend(user, min(10 * i, 70), "spend")
        people.append(user)
    return people, soon.expires_at + timedelta(minutes=1)


def _later_same_day(moment, hours: float):
    """``moment`` plus ``hours``, but never past the end of its local day: a run is keyed by the
    local date, so a test started at 23:00 in Shijiazhuang must not resume on tomorrow's run."""
    local = timezone.localtime(moment)
    day_end = local.replace(hour=23, minute=59, second=59, microsecond=0)
    return max(moment, min(moment + timedelta(hours=hours), day_end))


def _due_by(user, cutoff) -> list[int]:
    """What the ledger replay (the FIFO rule) says lapses by ``cutoff``, before any run."""
    return [-e["amount"] for e in points_expiring(user=user) if e["expires_at"] <= cutoff]


@pytest.mark.django_db
def test_batches_write_what_the_fifo_replay_says_and_a_rerun_writes_nothing(members):
    people, later = members
    expected = {user.pk: _due_by(user, later) for user in people}
    # Hand-checked against the rule: the spending took the earliest-lapsing points first.
    assert [expected[u.pk] for u in people] == [[-50], [-40], [-30], [-20], [-10], [], [], []]
    assert points_expire_due(now=later, size=3) == 5
    for user in people:
        assert _expiry_rows(user) == expected[user.pk]
        assert _consistent(user)
        assert [e for e in points_expiring(user=user) if e["expires_at"] <= later] == []
    run = PointsExpiryRun.objects.get()
    assert run.finished_at is not None and run.rows_written == 5
    assert run.cursor == max(u.pk for u in people)
    # Same day: nothing. Next day: nothing, and the watermarks spare every ledger read.
    assert points_expire_due(now=_later_same_day(later, 1), size=3) == 0
    assert points_expire_due(now=later + timedelta(days=1), size=3) == 0
    assert PointsExpiryRun.objects.order_by("day").last().members_checked == 0
    assert PointsEntry.objects.filter(source=S.EXPIRY).count() == 5


@pytest.mark.django_db
def test_an_interrupted_run_resumes_after_its_last_committed_batch(members, monkeypatch):
    people, later = members
    expected = {user.pk: _due_by(user, later) for user in people}
    real = expiry_module._expire_accounts
    read: list[list[int]] = []
    calls = {"n": 0}

    def crash_on_third_batch(*, accounts, cutoff):
        calls["n"] += 1
        if calls["n"] == 3:
            raise ConnectionError("worker lost")
        read.append([a.user_id for a in accounts])
        return real(accounts=accounts, cutoff=cutoff)

    monkeypatch.setattr(expiry_module, "_expire_accounts", crash_on_third_batch)
    with pytest.raises(ConnectionError):
        points_expire_due(now=later, size=2)
    run = PointsExpiryRun.objects.get()
    ordered = sorted(people, key=lambda u: u.pk)
    assert run.cursor == ordered[3].pk and run.finished_at is None
    done_before = {u.pk for u in ordered[:4]}
    for user in people:
        assert _expiry_rows(user) == (expected[user.pk] if user.pk in done_before else [])

    read.clear()
    # Resumed later the same day: the stored cutoff and cursor, not the new time.
    assert points_expire_due(now=_later_same_day(later, 2), size=2) == 1
    assert {pk for batch in read for pk in batch}.isdisjoint(done_before)
    for user in people:
        assert _expiry_rows(user) == expected[user.pk]
        assert _consistent(user)
    run.refresh_from_db()
    assert run.finished_at is not None and run.rows_written == 5


@pytest.mark.django_db
def test_a_refund_or_a_new_expiry_date_brings_a_member_back(members):
    people, later = members
    refunded, other = people[3], people[6]
    points_expire_due(now=later)
    debit = PointsEntry.objects.get(user=refunded, source=S.MALL)
    # The 30 spent came from the earning that has lapsed since: they lapse again.
    points_reverse(entry=debit, reason="订单取消")
    next_day = later + timedelta(days=1)
    assert points_expire_due(now=next_day) == 1
    assert PointsExpiryRun.objects.get(day=timezone.localtime(next_day).date()).members_checked == 1
    assert _expiry_rows(refunded) == [-20, -30]
    # When the second earnings lapse, what is left of them goes (the last member spent all).
    final = max(e.expires_at for e in PointsEntry.objects.filter(idempotency_key__endswith="later"))
    assert points_expire_due(now=final) == 7
    assert points_balance(user=other) == 0 and _expiry_rows(other) == [-10]
    assert all(_consistent(user) for user in people)


@pytest.mark.django_db
def test_the_task_works_in_slices_and_hands_over_the_cursor(members, monkeypatch):
    _people, later = members
    monkeypatch.setattr(timezone, "now", lambda: later)
    monkeypatch.setattr(expiry_module, "EXPIRY_BATCH_SIZE", 3)
    monkeypatch.setattr("activities.tasks.EXPIRE_POINTS_SLICE_SECONDS", 0)
    handed: list[int] = []
    real_apply = expire_points.apply_async

    def apply_async(args=None, **kwargs):
        handed.append(args[0])
        return real_apply(args=args, **kwargs)

    monkeypatch.setattr(expire_points, "apply_async", apply_async)
    assert expire_points.apply().get() == 3  # the first slice: the first three members
    run = PointsExpiryRun.objects.get()
    assert handed == [run.pk, run.pk]  # then two more tasks, one batch each
    assert run.finished_at is not None and run.rows_written == 5
    assert PointsAccount.objects.filter(balance__lt=0).count() == 0


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_workers_on_one_run_take_each_batch_once(members):
    people, later = members
    expected = {user.pk: _due_by(user, later) for user in people}
    run = points_expiry_run_start(now=later)
    barrier = threading.Barrier(2)
    written: list[int] = []

    def work() -> None:
        close_old_connections()
        barrier.wait()
        try:
            written.append(points_expiry_run_continue(run_id=run.pk, size=1)[0])
        finally:
            connection.close()

    threads = [threading.Thread(target=work) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(written) == 5
    for user in people:
        assert _expiry_rows(user) == expected[user.pk]
        assert _consistent(user)
