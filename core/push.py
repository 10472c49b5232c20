"""Web push: notices on members' phones even when the site is closed (the installable app).

A member turns push on in a browser ("开启手机推送" on 我的 → 消息通知): the browser subscribes
at its push service (FCM, Mozilla, Apple …) with this site's VAPID public key and the site
keeps the subscription (``push_subscription_save``). ``core.notifications.notify(...,
push=True)`` then enqueues ``core.tasks.notification_push_deliver`` through the outbox, which
calls ``push_send``: a small JSON payload (title, body, url, tag), encrypted to the
browser's keys (aes128gcm) and signed with the VAPID private key, is posted to every
subscription of the member. A push service answering 404/410 means the browser dropped the
subscription: it is deleted. 429 and 5xx are transient (``PushSendError``), retried by the
task with backoff; what was pushed already is never pushed again (``PushDelivery``).

Keys: ``WEB_PUSH_VAPID_PRIVATE_KEY`` (and its ``…_PUBLIC_KEY``) from ``deploy/genkeys.py``;
with ``IDENTITY_DEV_KEYS`` (development, tests) a pair is derived from ``SECRET_KEY``.
Without either, push is off: ``push_configured()`` is false and nothing is enqueued.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import ipaddress
import json
import logging
from dataclasses import dataclass
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from core.models import Notification, PushDelivery, PushSubscription

logger = logging.getLogger(__name__)

ENDPOINT_MAX = 1000
KEY_MAX = 200
AUTH_MAX = 100
USER_AGENT_MAX = 300
#: A member rarely has more browsers than this; the oldest goes when a new one subscribes,
#: so a script cannot make one account fan out to thousands of endpoints.
SUBSCRIPTIONS_PER_USER = 10
#: A subscription failing permanently this many times in a row is dropped.
MAX_FAILURES = 10
TITLE_MAX = 80
BODY_MAX = 160
#: The page a push without a link of its own opens.
DEFAULT_URL = "/me/notices/"
DEV_SUBJECT = "mailto:dev@zgzj-hebei.invalid"


class PushSendError(Exception):
    """A push service did not take the message; ``transient`` says whether to retry."""

    def __init__(self, message: str, *, status: int | None = None, transient: bool = True):
        super().__init__(message)
        self.status = status
        self.transient = transient


# --- keys --------------------------------------------------------------------------------------


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass(frozen=True)
class VapidKeys:
    private_raw: str  # base64url of the 32-byte scalar (what py_vapid reads)
    public: str  # base64url of the uncompressed point (the browser's applicationServerKey)
    subject: str


@lru_cache(maxsize=4)
def _keys(private: str, public: str, subject: str, dev: bool, secret: str) -> VapidKeys | None:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    if private:
        try:
            raw = _b64url_decode(private)
            if len(raw) != 32:
                raise ValueError("not 32 bytes")
            key = ec.derive_private_key(int.from_bytes(raw, "big"), ec.SECP256R1())
        except ValueError as exc:
            raise ImproperlyConfigured(
                "WEB_PUSH_VAPID_PRIVATE_KEY must be base64url of a raw 32-byte P-256 key "
                "(python deploy/genkeys.py prints one)."
            ) from exc
    elif dev:
        # A fixed development pair (per SECRET_KEY), so a browser's subscription survives a
        # restart of the development server.
        seed = hmac.new(secret.encode(), b"core.push:vapid", hashlib.sha256).digest()
        order = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551
        key = ec.derive_private_key(int.from_bytes(seed, "big") % (order - 1) + 1, ec.SECP256R1())
    else:
        return None
    if dev:
        subject = subject or DEV_SUBJECT
    if not subject:
        return None  # push services refuse an unsigned sender: off until the operator names one
    derived = _b64url(
        key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
    )
    if private and public and public.rstrip("=") != derived:
        raise ImproperlyConfigured(
            "WEB_PUSH_VAPID_PUBLIC_KEY does not belong to WEB_PUSH_VAPID_PRIVATE_KEY."
        )
    return VapidKeys(
        private_raw=_b64url(key.private_numbers().private_value.to_bytes(32, "big")),
        public=derived,
        subject=subject,
    )


def vapid_keys() -> VapidKeys | None:
    """The VAPID pair and subject, or None when push is not configured."""
    return _keys(
        settings.WEB_PUSH_VAPID_PRIVATE_KEY,
        settings.WEB_PUSH_VAPID_PUBLIC_KEY,
        settings.WEB_PUSH_VAPID_SUBJECT,
        bool(settings.IDENTITY_DEV_KEYS),
        settings.SECRET_KEY,
    )


def push_configured() -> bool:
    return vapid_keys() is not None


def push_public_key() -> str:
    """The applicationServerKey browsers subscribe with ("" when push is off)."""
    keys = vapid_keys()
    return keys.public if keys else ""


# --- subscriptions -----------------------------------------------------------------------------


def _endpoint_clean(endpoint: Any) -> str:
    """A push service's URL: https, a real host name, not this network. The server posts to
    it, so an address inside the data centre would let a member make it call anything."""
    if not isinstance(endpoint, str) or not endpoint.strip():
        raise ValidationError({"endpoint": _("缺少推送地址。")})
    endpoint = endpoint.strip()
    if len(endpoint) > ENDPOINT_MAX:
        raise ValidationError({"endpoint": _("推送地址太长。")})
    try:
        parts = urlsplit(endpoint)
        port = parts.port
    except ValueError:
        raise ValidationError({"endpoint": _("推送地址无效。")}) from None
    host = (parts.hostname or "").lower()
    if parts.scheme != "https" or not host or parts.username or parts.password:
        raise ValidationError({"endpoint": _("推送地址必须是 https 地址。")})
    try:
        ipaddress.ip_address(host)
    except ValueError:
        literal = False
    else:
        literal = True
    local = host == "localhost" or host.endswith((".localhost", ".local", ".internal"))
    if literal or local or "." not in host or port not in (None, 443):
        raise ValidationError({"endpoint": _("推送地址不是浏览器推送服务的地址。")})
    return endpoint


def _key_clean(value: Any, *, field: str, size: int, limit: int) -> str:
    message = {
        "p256dh": _("浏览器公钥无效，请重新开启推送。"),
        "auth": _("认证密钥无效，请重新开启推送。"),
    }[field]
    if not isinstance(value, str) or not value or len(value) > limit:
        raise ValidationError({field: message})
    try:
        raw = _b64url_decode(value.strip())
    except ValueError:
        raise ValidationError({field: message}) from None
    if len(raw) != size or (field == "p256dh" and raw[0] != 4):
        raise ValidationError({field: message})
    return value.strip()


def _session_hash(session_key: str | None) -> str:
    return hashlib.sha256(session_key.encode()).hexdigest() if session_key else ""


@transaction.atomic
def push_subscription_save(
    *,
    user: Any,
    endpoint: Any,
    p256dh: Any,
    auth: Any,
    user_agent: str = "",
    session_key: str | None = None,
    refresh_only: bool = False,
) -> PushSubscription | None:
    """Keep (or refresh) a browser's subscription for ``user``; returns it.

    The member's click on "开启手机推送" saves it (an endpoint an earlier member of this
    browser left behind moves to ``user``: the browser has one subscription per site) and
    ties it to ``session_key``, so signing out of that session ends it. ``refresh_only``
    is the page's quiet check on load: it only renews keys of a subscription ``user``
    already owns, and when the endpoint belongs to someone else (a member who timed out on
    a shared phone) or nobody, that row is dropped and None is returned, so the page
    unsubscribes the browser: nobody is opted in to push without clicking. Raises
    ``ValidationError`` with a Chinese message for anything that is not a push service's
    subscription.
    """
    if user is None or not user.is_authenticated or getattr(user, "closed_at", None):
        raise ValidationError(_("请先登录。"))
    if not push_configured():
        raise ValidationError(_("本站暂未开通手机推送。"))
    endpoint = _endpoint_clean(endpoint)
    p256dh = _key_clean(p256dh, field="p256dh", size=65, limit=KEY_MAX)
    auth = _key_clean(auth, field="auth", size=16, limit=AUTH_MAX)
    if refresh_only:
        existing = PushSubscription.objects.select_for_update().filter(endpoint=endpoint).first()
        if existing is None or existing.user_id != user.pk:
            if existing is not None:
                existing.delete()
            return None
        existing.p256dh, existing.auth = p256dh, auth
        existing.save(update_fields=["p256dh", "auth"])
        return existing
    subscription, _created = PushSubscription.objects.update_or_create(
        endpoint=endpoint,
        defaults={
            "user": user,
            "p256dh": p256dh,
            "auth": auth,
            "user_agent": (user_agent or "")[:USER_AGENT_MAX],
            "session_hash": _session_hash(session_key),
            "failure_count": 0,
        },
    )
    stale = PushSubscription.objects.filter(user=user).values_list("pk", flat=True)[
        SUBSCRIPTIONS_PER_USER:
    ]
    PushSubscription.objects.filter(pk__in=list(stale)).delete()
    return subscription


@transaction.atomic
def push_subscription_delete(*, user: Any, endpoint: Any) -> bool:
    """Forget ``user``'s subscription at ``endpoint`` ("关闭推送"); another member's
    subscription is never touched. Returns whether one was deleted."""
    if user is None or not user.is_authenticated or not isinstance(endpoint, str):
        return False
    deleted, _rows = PushSubscription.objects.filter(user=user, endpoint=endpoint.strip()).delete()
    return deleted > 0


@transaction.atomic
def push_subscriptions_end_session(*, user: Any, session_key: str | None) -> int:
    """The subscriptions ``user`` turned on in the session ``session_key``, deleted: the
    member signed out there (``accounts.adapters.AccountAdapter.logout``), so that browser
    stops showing their notices. Being signed out for inactivity keeps them."""
    if user is None or not user.is_authenticated or not session_key:
        return 0
    deleted, _rows = PushSubscription.objects.filter(
        user=user, session_hash=_session_hash(session_key)
    ).delete()
    return deleted


def push_subscriptions_delete_all(*, user: Any) -> int:
    """Every subscription of ``user`` (closing the account)."""
    deleted, _rows = PushSubscription.objects.filter(user=user).delete()
    return deleted


def push_user_has_subscriptions(*, user_id: int) -> bool:
    return PushSubscription.objects.filter(user_id=user_id).exists()


# --- sending ----------------------------------------------------------------------------------


def push_payload(notification: Notification) -> dict[str, str]:
    """What the service worker shows: small, so it fits any push service's 4 KB limit."""
    url = notification.url if notification.url.startswith("/") else DEFAULT_URL
    return {
        "title": notification.title[:TITLE_MAX],
        "body": notification.body[:BODY_MAX],
        "url": url,
        "tag": f"notice-{notification.pk}",
    }


def _post(subscription: PushSubscription, payload: dict[str, str], keys: VapidKeys) -> int:
    """Encrypt and post one message; returns the push service's status. Raises
    ``PushSendError`` for a network failure."""
    import requests
    from py_vapid import Vapid
    from pywebpush import WebPushException, webpush

    try:
        response = webpush(
            subscription_info={
                "endpoint": subscription.endpoint,
                "keys": {"p256dh": subscription.p256dh, "auth": subscription.auth},
            },
            data=json.dumps(payload, ensure_ascii=False),
            vapid_private_key=Vapid.from_raw(keys.private_raw.encode()),
            vapid_claims={"sub": keys.subject},
            ttl=settings.WEB_PUSH_TTL_SECONDS,
            headers={"Urgency": "normal"},
            timeout=settings.WEB_PUSH_TIMEOUT_SECONDS,
        )
    except WebPushException as exc:
        if exc.response is None:
            raise PushSendError(str(exc)[:200], transient=False) from exc
        return exc.response.status_code
    except requests.RequestException as exc:
        raise PushSendError(repr(exc)[:200], transient=True) from exc
    return response.status_code


def _outcome(status: int) -> str:
    if status in (404, 410):
        return "gone"
    if status == 429 or status >= 500:
        return "retry"
    if status >= 400:
        return "refused"
    return "sent"


def push_send(*, notification_id: int) -> int:
    """Push the notice ``notification_id`` to every browser its user subscribed; returns how
    many took it.

    Idempotent per notice and subscription: a ``PushDelivery`` row is written with each
    accepted push, and a retry or a redelivered task skips those. Nothing is pushed for a
    gone notice, a closed account, or when push is off. A subscription the push service
    no longer knows (404/410) is deleted. When a push service is busy or down (429, 5xx,
    the network) the others are still pushed and then ``PushSendError`` (transient) is
    raised so the task retries those that failed.
    """
    keys = vapid_keys()
    notification = Notification.objects.select_related("user").filter(pk=notification_id).first()
    if keys is None or notification is None or notification.user.closed_at:
        return 0
    payload = push_payload(notification)
    ids = list(
        PushSubscription.objects.filter(user_id=notification.user_id).values_list("pk", flat=True)
    )
    sent = 0
    retry: PushSendError | None = None
    for pk in ids:
        with transaction.atomic():
            # Locked while the push service is called: a concurrent delivery of the same task
            # waits, then finds the delivery row and pushes nothing.
            subscription = PushSubscription.objects.select_for_update().filter(pk=pk).first()
            if subscription is None:
                continue
            if PushDelivery.objects.filter(
                notification_id=notification_id, subscription_id=pk
            ).exists():
                continue
            try:
                status = _post(subscription, payload, keys)
            except PushSendError as exc:
                status, error = None, exc
            else:
                error = None
            outcome = "retry" if error and error.transient else _outcome(status or 400)
            if outcome == "sent":
                try:
                    with transaction.atomic():
                        PushDelivery.objects.create(
                            notification_id=notification_id, subscription=subscription
                        )
                except IntegrityError:
                    continue
                PushSubscription.objects.filter(pk=pk).update(
                    last_success_at=timezone.now(), failure_count=0
                )
                sent += 1
            elif outcome == "gone":
                subscription.delete()
                logger.info("push subscription gone", extra={"subscription_id": pk})
            elif outcome == "retry":
                PushSubscription.objects.filter(pk=pk).update(failure_count=F("failure_count") + 1)
                retry = error or PushSendError(f"push service answered {status}", status=status)
            else:
                # The push service refused this message for good (a bad payload, our keys):
                # retrying would not help; a subscription that keeps refusing is dropped.
                failures = subscription.failure_count + 1
                if failures >= MAX_FAILURES:
                    subscription.delete()
                else:
                    PushSubscription.objects.filter(pk=pk).update(failure_count=failures)
                logger.warning(
                    "push refused",
                    extra={"subscription_id": pk, "status": status, "error": repr(error)},
                )
    if retry is not None:
        raise retry
    return sent
