"""The one way to tell a user something: an in-site notice, and optionally a text message and
a push to the phones the member turned push on for (``core.push``).

Hotline replies, application steps, interview invitations and waiting-list promotions all go
through ``notify``; nobody writes ``Notification`` rows or calls ``sms_send`` for this
directly.
"""

from __future__ import annotations

from typing import Any

from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from core.memberpage import member_pages_forget
from core.models import Notification
from core.outbox import outbox_enqueue
from core.push import push_configured, push_user_has_subscriptions
from core.sms import SmsSendError, sms_send

#: The outbox task that texts a notice (by name: ``core.tasks`` imports this module).
SMS_TASK = "core.tasks.notification_sms_deliver"
#: The outbox task that pushes a notice to the member's subscribed browsers.
PUSH_TASK = "core.tasks.notification_push_deliver"
#: A notice's title and body go into the provider's template variables (阿里云 allows 35
#: characters in one).
SMS_TITLE_MAX = 35
SMS_BODY_MAX = 35
#: The unread count shows on every signed-in page (the 我的 badge): it is kept in the cache,
#: dropped by ``notify`` and ``notification_mark_read``, and never older than this.
UNREAD_CACHE_SECONDS = 300


def _unread_key(user_id: int) -> str:
    return f"notifications:unread:{user_id}"


def _unread_forget(user_id: int) -> None:
    """Drop the cached count now and again after commit: a page rendered meanwhile by
    another request, which could not see the uncommitted change, may have cached the old
    number."""
    key = _unread_key(user_id)
    cache.delete(key)
    transaction.on_commit(lambda: cache.delete(key))
    member_pages_forget(user_id)  # the 我的 badge on every page kept for the member


def notification_sms_params(notification: Notification) -> dict[str, str]:
    """The ``notice`` template's parameters (``core.sms.templates``)."""
    return {
        "title": notification.title[:SMS_TITLE_MAX],
        "body": notification.body[:SMS_BODY_MAX],
    }


def notification_sms_send(*, notification_id: int, last_attempt: bool = True) -> bool:
    """Text the notice ``notification_id`` to its user, once; returns whether a text went out.

    Idempotent: a notice already texted, gone, or whose user closed the account sends
    nothing. The row stays locked while the gateway is called and ``sms_sent`` is set in the
    same transaction, so a concurrent or repeated delivery of the task waits, then sees the
    mark and sends nothing. When the gateway fails the attempt is recorded on the notice's
    ``SmsDelivery`` (committed, ``last_attempt`` marks it given up) and ``SmsSendError``
    is raised (``transient`` says whether the caller should retry). Only a worker killed after
    the gateway accepted the text and before this commit can text twice on redelivery.
    """
    error: SmsSendError | None = None
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update(of=("self",))
            .select_related("user")
            .filter(pk=notification_id)
            .first()
        )
        if notification is None or notification.sms_sent or notification.user.closed_at:
            return False
        try:
            sms_send(
                phone=notification.user.phone,
                template="notice",
                params=notification_sms_params(notification),
                source=f"notification:{notification_id}",
                last_attempt=last_attempt,
            )
        except SmsSendError as exc:
            error = exc  # raised after the commit, which keeps the failed attempt's record
        else:
            Notification.objects.filter(pk=notification_id).update(sms_sent=True)
    if error is not None:
        raise error
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
    push: bool = False,
    dedupe_key: str | None = None,
) -> Notification:
    """Create an in-site notice for ``user``; with ``sms`` also text them once the caller's
    transaction commits (never for a rolled-back action); with ``push`` also push it to the
    browsers the member turned push on in (only when push is configured and they did).

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
    _unread_forget(notification.user_id)
    if sms:
        outbox_enqueue(
            SMS_TASK, args=[notification.pk], key=f"portal.notification_sms:{notification.pk}"
        )
    if push and push_configured() and push_user_has_subscriptions(user_id=notification.user_id):
        outbox_enqueue(
            PUSH_TASK, args=[notification.pk], key=f"portal.notification_push:{notification.pk}"
        )
    return notification


@transaction.atomic
def notification_mark_read(*, user: Any, ids: list[int] | None = None) -> int:
    """Mark the user's notices read (all unread ones when ``ids`` is None)."""
    unread = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=ids)
    marked = unread.update(read_at=timezone.now())
    _unread_forget(user.pk)
    return marked


def notification_list(*, user: Any) -> QuerySet[Notification]:
    return Notification.objects.filter(user=user)


def notification_unread_count(*, user: Any) -> int:
    """How many of the user's notices are unread: from the cache, counted when missing."""
    if user is None or not user.is_authenticated:
        return 0
    key = _unread_key(user.pk)
    count = cache.get(key)
    if count is None:
        count = Notification.objects.filter(user=user, read_at__isnull=True).count()
        cache.set(key, count, UNREAD_CACHE_SECONDS)
    return count
