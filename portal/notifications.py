"""The one way to tell a user something: an in-site notice, and optionally a text message.

Hotline replies, application steps, interview invitations and waiting-list promotions all go
through ``notify``; nobody writes ``Notification`` rows or calls ``sms_send`` for this
directly.
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from portal.models import Notification
from portal.sms import SmsSendError, sms_send

logger = logging.getLogger(__name__)

SMS_PREFIX = "【职工之家·河北】"


def _send_sms_after_commit(notification_id: int) -> None:
    notification = Notification.objects.select_related("user").filter(pk=notification_id).first()
    if notification is None or notification.sms_sent or notification.user.closed_at:
        return
    text = f"{SMS_PREFIX}{notification.title}"
    if notification.body:
        text += f"：{notification.body[:60]}"
    try:
        sms_send(phone=notification.user.phone, message=text)
    except SmsSendError:
        # The in-site notice stands; a failed text must not undo the business action.
        logger.warning("sms failed", extra={"notification_id": notification_id})
        return
    Notification.objects.filter(pk=notification_id).update(sms_sent=True)


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
        transaction.on_commit(lambda: _send_sms_after_commit(notification.pk))
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
