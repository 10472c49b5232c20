"""Sending SMS through a pluggable backend chosen in settings, like Django's email backends.

``SMS_BACKEND`` names a class with ``send_messages(messages) -> int``:

- ``core.sms.backends.console.SmsBackend`` (default): writes each message to the log.
- ``core.sms.backends.locmem.SmsBackend``: keeps messages in ``core.sms.outbox`` (tests).
- ``core.sms.backends.filebased.SmsBackend``: appends JSON lines to ``SMS_FILE_PATH``.

A real provider (阿里云短信, 腾讯云短信 …) is one more class with the same method: it receives
``SmsMessage`` objects, returns how many were accepted and raises ``SmsSendError`` on failure.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

#: Messages sent through the locmem backend, newest last (tests read it).
outbox: list[SmsMessage] = []


class SmsSendError(Exception):
    """The provider refused or could not be reached."""


@dataclass(frozen=True)
class SmsMessage:
    phone: str
    message: str
    created_at: object = field(default_factory=timezone.now)


def get_backend():
    path = getattr(settings, "SMS_BACKEND", "core.sms.backends.console.SmsBackend")
    return import_string(path)()


def sms_send(*, phone: str, message: str) -> int:
    """Send one text to a mainland mobile number; returns 1 if the backend accepted it."""
    return get_backend().send_messages([SmsMessage(phone=phone, message=message)])
