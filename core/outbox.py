"""The transactional outbox: how every app enqueues a Celery task.

A bare delay call after commit is lost when the broker (Redis) is down at that moment:
the business change is saved, the work it should trigger never happens. Instead,
``outbox_enqueue`` writes an ``OutboxMessage`` row in the caller's transaction (so it exists
exactly when the change does) and publishes it right after commit. A row that could not be
published stays pending; ``outbox_relay`` (the periodic ``core.tasks.outbox_relay_pending``
task every 30 s, every worker start, ``manage.py outbox_relay``) sends it once the broker is
back.

Delivery is at least once (a row published just before its "sent" mark failed to commit is
published again), so every task sent this way must be idempotent, as they all are.
"""

from __future__ import annotations

import importlib
import logging
import uuid
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from celery import Task
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from kombu.exceptions import OperationalError as KombuOperationalError

from core.models import OutboxMessage

logger = logging.getLogger(__name__)

#: What a publish raises when the broker cannot be reached: the row stays pending.
PUBLISH_ERRORS: tuple[type[BaseException], ...] = (
    KombuOperationalError,
    ConnectionError,
    TimeoutError,
    OSError,
)
#: How long a relay waits for the broker before leaving rows pending (seconds): a web
#: request's after-commit publish must not hang while Redis is down.
CONNECT_TIMEOUT = 2.0
RELAY_BATCH = 200
#: The periodic relay leaves a never-tried row this long to its own after-commit publish,
#: so the two do not both send it.
RELAY_GRACE = timedelta(seconds=10)


def outbox_enqueue(
    task: Task | str,
    *,
    args: Sequence[Any] = (),
    kwargs: dict[str, Any] | None = None,
    key: str | None = None,
) -> OutboxMessage:
    """Record ``task(*args, **kwargs)`` to be sent once the current transaction commits.

    ``args``/``kwargs`` must be JSON-serialisable (ids, not objects). ``key`` names the
    logical task: enqueuing the same key again returns the existing row and sends nothing
    more (a retried request, a repeated admin action). Without a key every call is new.
    Side effect: after commit the task is published (or run in-process when Celery is
    eager); if the broker is unreachable the row stays pending for ``outbox_relay``.
    """
    name = task if isinstance(task, str) else task.name
    fields = {"task": name, "args": list(args), "kwargs": dict(kwargs or {})}
    if key is None:
        message = OutboxMessage.objects.create(key=f"{name}:{uuid.uuid4().hex}", **fields)
    else:
        # ON CONFLICT DO NOTHING: a repeated key neither fails nor breaks the transaction.
        OutboxMessage.objects.bulk_create([OutboxMessage(key=key, **fields)], ignore_conflicts=True)
        message = OutboxMessage.objects.get(key=key)
        if message.state != OutboxMessage.State.PENDING:
            return message
    transaction.on_commit(lambda: _publish_after_commit(message))
    return message


def _celery_app():
    # The project's Celery app is the current one (portal/__init__ creates it before any
    # task runs); asking Celery for it keeps the kernel from importing the composition root.
    from celery import current_app

    return current_app._get_current_object()


def _task(name: str) -> Task:
    app = _celery_app()
    try:
        return app.tasks[name]
    except KeyError:
        # Task names here are their dotted paths; importing the module registers the task.
        importlib.import_module(name.rpartition(".")[0])
        return app.tasks[name]


def _publish(message: OutboxMessage, *, connection: Any) -> None:
    task = _task(message.task)
    if connection is None:  # eager: the task runs here, its errors propagate as before
        task.apply_async(tuple(message.args), message.kwargs)
        return
    task.apply_async(
        tuple(message.args),
        message.kwargs,
        task_id=f"outbox-{message.pk}-{uuid.uuid4().hex[:8]}",
        connection=connection,
        retry=False,
    )


def _mark_sent(pk: int) -> None:
    OutboxMessage.objects.filter(pk=pk, state=OutboxMessage.State.PENDING).update(
        state=OutboxMessage.State.SENT,
        sent_at=timezone.now(),
        attempts=F("attempts") + 1,
        last_error="",
    )


def _mark_failed(pk: int, exc: BaseException) -> None:
    OutboxMessage.objects.filter(pk=pk).update(
        attempts=F("attempts") + 1, last_error=repr(exc)[:300]
    )
    logger.warning(
        "outbox: broker unavailable, task left pending",
        extra={"outbox_id": pk, "error": repr(exc)},
    )


def _connection(app):
    """A pooled broker connection, checked with one quick try (``CONNECT_TIMEOUT``)."""
    pooled = app.pool.acquire(block=True, timeout=CONNECT_TIMEOUT)
    try:
        pooled.ensure_connection(
            max_retries=1, interval_start=0, interval_step=0, timeout=CONNECT_TIMEOUT
        )
    except BaseException:
        pooled.release()
        raise
    return pooled


def _publish_after_commit(message: OutboxMessage) -> None:
    """The fast path: publish the row just committed, then mark it sent (one UPDATE)."""
    app = _celery_app()
    if app.conf.task_always_eager:
        _publish(message, connection=None)
        _mark_sent(message.pk)
        return
    try:
        connection = _connection(app)
        try:
            _publish(message, connection=connection)
        finally:
            connection.release()
    except PUBLISH_ERRORS as exc:
        _mark_failed(message.pk, exc)
        return
    _mark_sent(message.pk)


def outbox_relay(*, limit: int = RELAY_BATCH, grace: timedelta = RELAY_GRACE) -> int:
    """Publish pending rows, oldest first, at most ``limit``; returns how many were sent.

    Takes rows whose publish failed before, and never-tried rows older than ``grace``
    (younger ones are being published after their own commit). Each row is locked while it
    is sent, so concurrent relays never both send it. Never raises for an unreachable
    broker: rows stay pending and the failure is logged.
    """
    due = Q(attempts__gt=0) | Q(created_at__lt=timezone.now() - grace)
    pending = list(
        OutboxMessage.objects.filter(due, state=OutboxMessage.State.PENDING)
        .order_by("created_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    if not pending:
        return 0
    app = _celery_app()
    if app.conf.task_always_eager:
        return _send_each(pending, connection=None)
    try:
        connection = _connection(app)
    except PUBLISH_ERRORS as exc:
        _mark_failed(pending[0], exc)  # only the first was tried: the broker is down
        return 0
    try:
        return _send_each(pending, connection=connection)
    finally:
        connection.release()


def _send_each(ids: list[int], *, connection: Any) -> int:
    sent = 0
    for pk in ids:
        with transaction.atomic():
            message = (
                OutboxMessage.objects.select_for_update(skip_locked=True)
                .filter(pk=pk, state=OutboxMessage.State.PENDING)
                .first()
            )
            if message is None:  # sent meanwhile, or another relay holds it
                continue
            try:
                _publish(message, connection=connection)
            except PUBLISH_ERRORS as exc:
                if connection is None:
                    raise  # eager: the task's own error, not an unreachable broker
                _mark_failed(pk, exc)
                break  # the broker is down: the rest waits for the next relay
            _mark_sent(pk)
            sent += 1
    return sent


def outbox_purge(*, older_than: timedelta = timedelta(days=7)) -> int:
    """Delete rows sent longer ago than ``older_than``; pending rows are never deleted."""
    deleted, _ = OutboxMessage.objects.filter(
        state=OutboxMessage.State.SENT, sent_at__lt=timezone.now() - older_than
    ).delete()
    return deleted
