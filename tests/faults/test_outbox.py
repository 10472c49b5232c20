"""The transactional outbox (core.outbox): rows written with the business change, sent
after commit, kept while the broker is down, sent once by whichever relay gets them."""

from __future__ import annotations

import pytest
from django.db import transaction

from core.models import OutboxMessage
from core.outbox import outbox_enqueue, outbox_purge, outbox_relay
from tests.accounts.factories import UserFactory


@pytest.fixture
def eager(monkeypatch):
    from portal.celery import app

    monkeypatch.setitem(app.conf, "task_always_eager", True)


@pytest.fixture
def dead_broker(monkeypatch):
    """A broker nobody answers (port 1): publishing fails at once."""
    from portal.celery import app

    monkeypatch.setitem(app.conf, "task_always_eager", False)
    monkeypatch.setitem(app.conf, "broker_url", "redis://127.0.0.1:1/0")
    app._after_fork()
    yield
    app._after_fork()


def _credit(user, key="k1"):
    return outbox_enqueue(
        "activities.tasks.points_credit_task",
        args=[user.pk, 5, "测试", "test", key],
        key=f"test:{key}",
    )


@pytest.mark.django_db(transaction=True)
def test_row_is_written_with_the_change_and_rolled_back_with_it(eager):
    user = UserFactory()
    with pytest.raises(RuntimeError), transaction.atomic():
        _credit(user)
        raise RuntimeError("the business change fails")
    assert not OutboxMessage.objects.exists()  # nothing sent for a change that never was


@pytest.mark.django_db(transaction=True)
def test_after_commit_the_task_runs_once_per_key(eager):
    from activities.models import PointsEntry

    user = UserFactory()
    with transaction.atomic():
        first = _credit(user)
        assert first.state == OutboxMessage.State.PENDING
        again = _credit(user)  # same key: the same row
    assert again.pk == first.pk
    first.refresh_from_db()
    assert first.state == OutboxMessage.State.SENT and first.sent_at is not None
    assert PointsEntry.objects.filter(user=user).count() == 1
    assert _credit(user).pk == first.pk  # a key already sent is not sent again
    assert outbox_relay() == 0
    assert PointsEntry.objects.filter(user=user).count() == 1


@pytest.mark.django_db(transaction=True)
def test_broker_down_leaves_rows_pending_and_the_caller_unharmed(dead_broker):
    user = UserFactory()
    with transaction.atomic():
        message = _credit(user)
    message.refresh_from_db()
    assert message.state == OutboxMessage.State.PENDING
    assert message.attempts == 1 and "Connection refused" in message.last_error
    assert outbox_relay() == 0  # the periodic relay also leaves it for later
    message.refresh_from_db()
    assert message.state == OutboxMessage.State.PENDING


@pytest.mark.django_db
def test_purge_keeps_pending_rows(eager):
    from datetime import timedelta

    from django.utils import timezone

    user = UserFactory()
    sent = _credit(user, "a")
    pending = _credit(user, "b")
    OutboxMessage.objects.filter(pk=sent.pk).update(
        state=OutboxMessage.State.SENT, sent_at=timezone.now() - timedelta(days=8)
    )
    OutboxMessage.objects.filter(pk=pending.pk).update(
        created_at=timezone.now() - timedelta(days=30)
    )
    assert outbox_purge(older_than=timedelta(days=7)) == 1
    assert list(OutboxMessage.objects.values_list("pk", flat=True)) == [pending.pk]


@pytest.mark.django_db
def test_every_enqueue_goes_through_the_outbox():
    """No app calls ``delay``/``apply_async`` after commit any more (a lost task)."""
    import re
    from pathlib import Path

    from django.apps import apps
    from django.conf import settings

    base = Path(settings.BASE_DIR)
    ours = [Path(c.path) for c in apps.get_app_configs() if Path(c.path).parent == base]
    assert len(ours) >= 7
    offenders = []
    for app_dir in ours:
        for path in app_dir.rglob("*.py"):
            text = path.read_text(encoding="utf-8")
            if re.search(r"\.delay(_on_commit)?\(|on_commit\([^)]*apply_async", text):
                offenders.append(str(path.relative_to(base)))
    assert offenders == []


@pytest.mark.django_db
def test_periodic_relay_leaves_a_fresh_row_to_its_own_publish(eager):
    from datetime import timedelta

    from django.utils import timezone

    from activities.models import PointsEntry

    user = UserFactory()
    fresh = _credit(user, "fresh")  # its after-commit publish has not run (no commit here)
    assert outbox_relay() == 0
    OutboxMessage.objects.filter(pk=fresh.pk).update(
        created_at=timezone.now() - timedelta(seconds=11)
    )
    assert outbox_relay() == 1
    fresh.refresh_from_db()
    assert fresh.state == OutboxMessage.State.SENT and fresh.attempts == 1
    assert PointsEntry.objects.filter(user=user).count() == 1
