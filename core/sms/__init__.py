"""Sending SMS through a pluggable backend chosen in settings, like Django's email backends.

``SMS_BACKEND`` names a backend class:

- ``core.sms.backends.console.SmsBackend`` (default): writes each message to the log.
- ``core.sms.backends.locmem.SmsBackend``: keeps messages in ``core.sms.outbox`` (tests).
- ``core.sms.backends.filebased.SmsBackend``: appends JSON lines to ``SMS_FILE_PATH``.
- ``core.sms.backends.aliyun.SmsBackend``: 阿里云短信 (dysmsapi ``SendSms``).
- ``core.sms.backends.tencent.SmsBackend``: 腾讯云短信 (sms ``SendSms`` 2021-01-11).

Providers in China send only approved templates under an approved sign name, so a message is
a template key of ``core.sms.templates`` (``code``, ``notice``) with its parameters; the
local backends write the rendered text instead. A backend has ``send_message(message)``
returning an ``SmsResult`` (the provider's message id) or ``send_messages(messages) -> int``
(third-party backends), and raises ``SmsSendError`` with a Chinese message when the text was
not accepted.

``sms_send`` is the one way to send: it records every message as an ``SmsDelivery`` (number
masked and hashed, provider, template, status, provider id, error, attempts) and calls the
backend. Who retries decides the caller: notices through their Celery task
(``core.tasks.notification_sms_deliver``, backoff, transient errors only); a sign-in code is
sent in the request and a failure is told to the member at once.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

from core.security import mask_pii
from core.sms.errors import UNAVAILABLE, SmsSendError
from core.sms.templates import template_render

if TYPE_CHECKING:
    from core.models import SmsDelivery

__all__ = [
    "SmsMessage",
    "SmsResult",
    "SmsSendError",
    "get_backend",
    "phone_hash",
    "phone_mask",
    "sms_send",
]

#: Messages sent through the locmem backend, newest last (tests read it).
outbox: list[SmsMessage] = []


@dataclass(frozen=True)
class SmsMessage:
    phone: str
    #: The rendered text (what the local backends write; providers render their template).
    message: str
    #: The template key (``core.sms.templates``) and its parameters, for providers.
    template: str = ""
    params: dict[str, str] = field(default_factory=dict)
    #: Our reference sent along (Aliyun ``OutId``, Tencent ``SessionContext``).
    reference: str = ""
    created_at: object = field(default_factory=timezone.now)


@dataclass(frozen=True)
class SmsResult:
    message_id: str = ""
    request_id: str = ""


def get_backend():
    path = getattr(settings, "SMS_BACKEND", "core.sms.backends.console.SmsBackend")
    return import_string(path)()


def phone_mask(phone: str) -> str:
    return f"{phone[:3]}****{phone[-4:]}" if len(phone) == 11 else "****"


def phone_hash(phone: str) -> str:
    """A keyed hash of the number: staff can find a number's deliveries, the table does not
    hold the number."""
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, f"sms-phone:{phone}".encode(), hashlib.sha256).hexdigest()


def _backend_name(backend: Any) -> str:
    name = getattr(backend, "provider", "")
    if name:
        return name
    module = type(backend).__module__
    return module.rsplit(".", 1)[-1][:20]


def _deliver(backend: Any, message: SmsMessage) -> SmsResult:
    try:
        if hasattr(backend, "send_message"):
            return backend.send_message(message)
        if not backend.send_messages([message]):
            raise SmsSendError()
    except (ConnectionError, TimeoutError) as exc:
        raise SmsSendError(code="network", reason=UNAVAILABLE, detail=repr(exc)[:200]) from exc
    return SmsResult()


def sms_send(
    *,
    phone: str,
    template: str,
    params: dict[str, Any],
    source: str = "",
    last_attempt: bool = True,
) -> SmsDelivery:
    """Send the template ``template`` with ``params`` to the mainland number ``phone``.

    Records the message as one ``SmsDelivery``: with ``source`` (``notification:12``) a retry
    of the same message counts one more attempt on the same record, without it every call
    is a new record. Returns the record, marked sent with the provider's message id.
    Raises ``SmsSendError`` (Chinese ``message``, provider ``code``, ``transient``) after
    recording the failure: ``failed`` when it is permanent or ``last_attempt``, else
    ``pending`` for the caller's retry. The record is written in the caller's transaction:
    a caller that wants the failure kept must not roll back.
    """
    from core.models import SmsDelivery

    backend = get_backend()
    params = {key: str(value) for key, value in params.items()}
    now = timezone.now()
    defaults = {
        "phone_masked": phone_mask(phone),
        "phone_hash": phone_hash(phone),
        "template": template,
        "created_at": now,
    }
    if source:
        delivery, _ = SmsDelivery.objects.select_for_update().get_or_create(
            source=source, defaults=defaults
        )
    else:
        delivery = SmsDelivery.objects.create(**defaults)
    delivery.provider = _backend_name(backend)
    delivery.attempts += 1
    delivery.last_attempt_at = now
    message = SmsMessage(
        phone=phone,
        message=template_render(template, params),
        template=template,
        params=params,
        reference=f"sms-{delivery.pk}",
    )
    try:
        result = _deliver(backend, message)
    except SmsSendError as exc:
        delivery.status = (
            SmsDelivery.Status.PENDING
            if exc.transient and not last_attempt
            else SmsDelivery.Status.FAILED
        )
        delivery.sent_at = None
        delivery.error_code = exc.code[:80]
        delivery.error_message = exc.message[:200]
        delivery.error_detail = mask_pii(exc.detail)[:200]  # a URL may carry the number
        delivery.request_id = exc.request_id[:64]
        delivery.save()
        exc.delivery = delivery
        raise
    delivery.status = SmsDelivery.Status.SENT
    delivery.sent_at = timezone.now()
    delivery.provider_message_id = result.message_id[:64]
    delivery.request_id = result.request_id[:64]
    delivery.error_code = delivery.error_message = delivery.error_detail = ""
    delivery.save()
    return delivery
