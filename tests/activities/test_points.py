import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import close_old_connections, connection
from django.db.models import Sum

from activities.models import PointsAccount, PointsEntry
from activities.selectors import points_balance
from activities.services import points_credit, points_debit, points_reverse
from tests.accounts.factories import UserFactory

S = PointsEntry.Source


def _credit(user, amount, key, source=S.COURSE):
    return points_credit(
        user=user, amount=amount, reason="完成课程", source=source, idempotency_key=key
    )


@pytest.mark.django_db
def test_credit_is_idempotent_and_balance_follows_the_ledger():
    user = UserFactory()
    first = _credit(user, 20, "course:1:user:1")
    again = _credit(user, 20, "course:1:user:1")
    _credit(user, 15, "exam:3:user:1", S.EXAM)
    assert again.pk == first.pk
    assert PointsEntry.objects.filter(user=user).count() == 2
    assert points_balance(user=user) == 35
    total = PointsEntry.objects.filter(user=user).aggregate(s=Sum("amount"))["s"]
    assert total == PointsAccount.objects.get(user=user).balance


@pytest.mark.django_db
def test_debit_beyond_balance_writes_nothing():
    user = UserFactory()
    _credit(user, 10, "k1")
    with pytest.raises(ValidationError, match="积分不足"):
        points_debit(user=user, amount=11, reason="兑换", source=S.MALL, idempotency_key="d1")
    assert PointsEntry.objects.filter(user=user).count() == 1
    assert points_balance(user=user) == 10


@pytest.mark.django_db
@pytest.mark.parametrize("amount", [0, -5, 1.5, True, 2_000_000])
def test_bad_amounts_are_refused(amount):
    with pytest.raises(ValidationError):
        _credit(UserFactory(), amount, "bad")
    assert not PointsEntry.objects.exists()


@pytest.mark.django_db
def test_key_of_another_member_is_refused():
    _credit(UserFactory(), 5, "shared-key")
    with pytest.raises(ValidationError, match="幂等键"):
        _credit(UserFactory(), 5, "shared-key")


@pytest.mark.django_db
def test_reversal_is_a_new_row_once_and_cannot_be_reversed():
    user = UserFactory()
    debit_source = _credit(user, 50, "k")
    debit = points_debit(
        user=user, amount=30, reason="兑换保温杯", source=S.MALL, idempotency_key="o1"
    )
    refund = points_reverse(entry=debit, reason="订单取消")
    assert refund.amount == 30 and refund.reverses_id == debit.pk
    assert points_reverse(entry=debit, reason="再次").pk == refund.pk
    with pytest.raises(ValidationError, match="冲正记录"):
        points_reverse(entry=refund, reason="x")
    debit.refresh_from_db()
    assert debit.amount == -30  # never edited
    assert points_balance(user=user) == 50
    # Reversing an earning already spent would go negative: refused.
    points_debit(user=user, amount=40, reason="兑换", source=S.MALL, idempotency_key="o2")
    with pytest.raises(ValidationError, match="积分不足"):
        points_reverse(entry=debit_source, reason="误发")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_debits_never_overdraw():
    user = UserFactory()
    _credit(user, 100, "seed")
    results: list[str] = []
    barrier = threading.Barrier(10)

    def spend(i: int) -> None:
        close_old_connections()
        barrier.wait()
        try:
            points_debit(
                user=user, amount=30, reason="兑换", source=S.MALL, idempotency_key=f"c{i}"
            )
            results.append("ok")
        except ValidationError:
            results.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=spend, args=(i,)) for i in range(10)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results.count("ok") == 3
    assert points_balance(user=user) == 10
    assert PointsEntry.objects.filter(user=user).aggregate(s=Sum("amount"))["s"] == 10


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_same_key_pays_once():
    user = UserFactory()
    barrier = threading.Barrier(8)

    def earn() -> None:
        close_old_connections()
        barrier.wait()
        try:
            _credit(user, 10, "course:9:user:x")
        finally:
            connection.close()

    threads = [threading.Thread(target=earn) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert PointsEntry.objects.filter(user=user).count() == 1
    assert points_balance(user=user) == 10
