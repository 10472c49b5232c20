"""The one way to tell a user something: an in-site notice, and optionally a text message.

Hotline replies, application steps, interview invitations and waiting-list promotions all go
through ``notify``; nobody writes ``Notification`` rows or calls ``sms_send`` for this
directly.
"""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from core.models import Notification
from core.outbox import outbox_enqueue
from core.sms import sms_send

SMS_PREFIX = "【职工之家·河北】"
#: The outbox task that texts a notice (by name: ``core.tasks`` imports this module).
SMS_TASK = "core.tasks.notification_sms_deliver"


def notification_sms_text(notification: Notification) -> str:
    text = f"{SMS_PREFIX}{notification.title}"
    if notification.body:
        text += f"：{notification.body[:60]}"
    return text


@transaction.atomic
def notification_sms_send(*, notification_id: int) -> bool:
    """Text the notice ``notification_id`` to its user, once; returns whether a text went out.

    Idempotent: a notice already texted, gone, or whose user closed the account sends
    nothing. The row stays locked while the gateway is called and ``sms_sent`` is set in the
    same transaction, so a concurrent or repeated delivery of the task waits, then sees the
    mark and sends nothing. Raises ``SmsSendError`` (nothing marked) when the gateway fails:
    the caller retries. Only a worker killed after the gateway accepted the text and before
    this commit can text twice on redelivery; closing that needs the provider's own
    idempotency key.
    """
    notification = (
        Notification.objects.select_for_update(of=("self",))
        .select_related("user")
        .filter(pk=notification_id)
        .first()
    )
    if notification is None or notification.sms_sent or notification.user.closed_at:
        return False
    sms_send(phone=notification.user.phone, message=notification_sms_text(notification))
    Notification.objects.filter(pk=notification_id).update(sms_sent=True)
    return True


@transaction.atomic
def notify(
    *,
    user: Any,
    kind: str,
    title: str,
    body: str = "",
    url: str = "",
    sms: bool = False,
    dedupe_key: str | None = None,
) -> Notification:
    """Create an in-site notice for ``user``; with ``sms`` also text them once the caller's
    transaction commits (never for a rolled-back action).

    The text goes through the transactional outbox to a Celery task
    (``core.tasks.notification_sms_deliver``), not from this request: a slow or failing
    gateway neither slows the page nor loses the text, which is retried with backoff.
    Idempotent per ``dedupe_key``: the same key returns the existing notice and sends
    nothing again.
    """
    if dedupe_key:
        existing = Notification.objects.filter(dedupe_key=dedupe_key).first()
        if existing is not None:
            return existing
    try:
        with transaction.atomic():
            notification = Notification.objects.create(
                user=user, kind=kind, title=title, body=body, url=url, dedupe_key=dedupe_key or ""
            )
    except IntegrityError:
        return Notification.objects.get(dedupe_key=dedupe_key)
    if sms:
        outbox_enqueue(
            SMS_TASK, args=[notification.pk], key=f"portal.notification_sms:{notification.pk}"
        )
    return notification


@transaction.atomic
def notification_mark_read(*, user: Any, ids: list[int] | None = None) -> int:
    """Mark the user's notices read (all unread ones when ``ids`` is None)."""
    unread = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=ids)
    return unread.update(read_at=timezone.now())


def notification_list(*, user: Any) -> QuerySet[Notification]:
    return Notification.objects.filter(user=user)


def notification_unread_count(*, user: Any) -> int:
    if user is None or not user.is_authenticated:
        return 0
    return Notification.objects.filter(user=user, read_at__isnull=True).count()
