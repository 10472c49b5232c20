"""Optional points expiry: appended rows, oldest earnings spent first, idempotent runs."""

import threading
from datetime import datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import close_old_connections, connection
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone

from activities.models import PointsEntry
from activities.selectors import points_balance, points_expiring
from activities.services import (
    points_credit,
    points_debit,
    points_expire_due,
    points_expire_for_user,
    points_reverse,
)
from activities.services.points import points_expiry_for
from activities.tasks import expire_points
from tests.accounts.factories import UserFactory

S = PointsEntry.Source


def _earn(user, amount, key, *, days=None, source=S.COURSE):
    expires_at = timezone.now() + timedelta(days=days) if days is not None else None
    return points_credit(
        user=user,
        amount=amount,
        reason=f"完成课程{key}",
        source=source,
        idempotency_key=key,
        expires_at=expires_at,
    )


def _spend(user, amount, key):
    return points_debit(
        user=user, amount=amount, reason="兑换保温杯", source=S.MALL, idempotency_key=key
    )


def _ledger_total(user) -> int:
    return PointsEntry.objects.filter(user=user).aggregate(s=Sum("amount"))["s"] or 0


def _expiry_rows(user):
    return list(
        PointsEntry.objects.filter(user=user, source=S.EXPIRY).values_list("amount", flat=True)
    )


def test_the_rule_is_the_end_of_the_year_after_earning(settings):
    tz = timezone.get_current_timezone()
    earned = datetime(2026, 3, 5, 10, 0, tzinfo=tz)
    assert points_expiry_for(source=S.COURSE, earned_at=earned) == datetime(2028, 1, 1, tzinfo=tz)
    late = datetime(2026, 12, 31, 23, 30, tzinfo=tz)
    assert points_expiry_for(source=S.EXAM, earned_at=late).year == 2028
    assert points_expiry_for(source=S.ADJUSTMENT, earned_at=earned) is None
    settings.ACTIVITIES_POINTS_EXPIRY_YEARS = {"default": 0, "hotline": None}
    assert points_expiry_for(source=S.COURSE, earned_at=earned) == datetime(2027, 1, 1, tzinfo=tz)
    assert points_expiry_for(source=S.HOTLINE, earned_at=earned) is None
    settings.ACTIVITIES_POINTS_EXPIRY_YEARS = {"default": None}
    assert points_expiry_for(source=S.COURSE, earned_at=earned) is None


@pytest.mark.django_db
def test_earnings_carry_their_expiry_and_spendings_none():
    user = UserFactory()
    earning = _earn(user, 10, "a")
    assert earning.expires_at == points_expiry_for(source=S.COURSE, earned_at=earning.created_at)
    assert _spend(user, 5, "s").expires_at is None
    with pytest.raises(ValidationError, match="将来的时间"):
        _earn(user, 10, "past", days=-1)


@pytest.mark.django_db
def test_expiry_appends_one_row_and_a_second_run_writes_nothing():
    user = UserFactory()
    earning = _earn(user, 50, "a")
    _spend(user, 30, "s")
    later = earning.expires_at + timedelta(hours=1)
    assert (
        points_expire_for_user(user_id=user.pk, now=earning.expires_at - timedelta(seconds=1)) == []
    )
    rows = points_expire_for_user(user_id=user.pk, now=later)
    assert [r.amount for r in rows] == [-20]
    assert rows[0].balance_after == 0 and rows[0].expires_at == earning.expires_at
    assert "积分过期" in rows[0].reason
    assert points_expire_for_user(user_id=user.pk, now=later) == []
    assert points_expire_due(now=later) == 0
    earning.refresh_from_db()
    assert earning.amount == 50  # the earning is never edited
    assert points_balance(user=user) == 0 == _ledger_total(user)


@pytest.mark.django_db
def test_spendings_use_the_oldest_earnings_first():
    user = UserFactory()
    old = _earn(user, 40, "old", days=10)
    new = _earn(user, 40, "new", days=400)
    _spend(user, 50, "s")  # all 40 of the old and 10 of the new
    assert [(e["amount"], e["expires_at"]) for e in points_expiring(user=user)] == [
        (30, new.expires_at)
    ]
    assert points_expire_for_user(user_id=user.pk, now=old.expires_at + timedelta(days=1)) == []
    rows = points_expire_for_user(user_id=user.pk, now=new.expires_at + timedelta(days=1))
    assert [r.amount for r in rows] == [-30]
    assert points_balance(user=user) == 0


@pytest.mark.django_db
def test_points_never_expiring_are_spent_last():
    user = UserFactory()
    _earn(user, 20, "bonus", source=S.ADJUSTMENT)  # never lapses
    soon = _earn(user, 20, "course", days=5)
    _spend(user, 15, "s")
    rows = points_expire_for_user(user_id=user.pk, now=soon.expires_at)
    assert [r.amount for r in rows] == [-5]
    assert points_balance(user=user) == 20


@pytest.mark.django_db
def test_a_refund_after_expiry_is_written_off_by_a_new_row():
    user = UserFactory()
    earning = _earn(user, 50, "a", days=3)
    debit = _spend(user, 30, "s")
    later = earning.expires_at + timedelta(minutes=1)
    assert [r.amount for r in points_expire_for_user(user_id=user.pk, now=later)] == [-20]
    points_reverse(entry=debit, reason="订单取消")  # the 30 return to the expired earning
    assert points_balance(user=user) == 30
    rows = points_expire_for_user(user_id=user.pk, now=later)
    assert [r.amount for r in rows] == [-30]
    assert rows[0].idempotency_key.endswith(":1")  # a second row for the same date
    assert _expiry_rows(user) == [-30, -20]
    assert points_balance(user=user) == 0 == _ledger_total(user)
    with pytest.raises(ValidationError, match="过期记录不能冲正"):
        points_reverse(entry=rows[0], reason="补偿")


@pytest.mark.django_db
def test_a_reversed_earning_takes_its_own_points_not_the_oldest():
    user = UserFactory()
    first = _earn(user, 30, "first", days=5)
    second = _earn(user, 30, "second", days=300)
    points_reverse(entry=second, reason="误发")
    rows = points_expire_for_user(user_id=user.pk, now=first.expires_at)
    assert [r.amount for r in rows] == [-30]
    assert points_balance(user=user) == 0
    assert points_expiring(user=user) == []


@pytest.mark.django_db
def test_the_nightly_task_finds_members_with_points_due(monkeypatch):
    due, spent, fresh = UserFactory(), UserFactory(), UserFactory()
    earning = _earn(due, 10, "due", days=1)
    _earn(spent, 10, "spent", days=1)
    _spend(spent, 10, "s")
    _earn(fresh, 10, "fresh", days=30)
    later = earning.expires_at + timedelta(minutes=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert expire_points.apply().get() == 1
    assert expire_points.apply().get() == 0
    assert _expiry_rows(due) == [-10]
    assert _expiry_rows(spent) == [] and _expiry_rows(fresh) == []
    assert points_balance(user=fresh) == 10


@pytest.mark.django_db
def test_points_page_shows_what_expires_and_when(client, courier):
    soon = _earn(courier, 25, "soon", days=20)
    client.force_login(courier)
    body = client.get(reverse("activities:my_points")).content.decode()
    day = timezone.localtime(soon.expires_at - timedelta(microseconds=1))
    assert "即将过期" in body
    assert f"<strong>25</strong> 积分将于 {day.year}年{day.month}月{day.day}日 后过期" in body


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_expiry_runs_write_once_and_never_go_negative():
    user = UserFactory()
    earning = _earn(user, 40, "a", days=2)
    later = earning.expires_at + timedelta(minutes=1)
    barrier = threading.Barrier(6)
    errors: list[str] = []

    def run(i: int) -> None:
        close_old_connections()
        barrier.wait()
        try:
            if i % 2:
                points_expire_for_user(user_id=user.pk, now=later)
            else:
                _spend(user, 15, f"s{i}")
        except ValidationError as error:
            errors.append(error.messages[0])
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(_expiry_rows(user)) <= 1
    assert points_balance(user=user) == 0 == _ledger_total(user)
    spent = -sum(
        PointsEntry.objects.filter(user=user, source=S.MALL).values_list("amount", flat=True)
    )
    assert spent + -sum(_expiry_rows(user)) == 40
    assert all("积分不足" in e for e in errors)
