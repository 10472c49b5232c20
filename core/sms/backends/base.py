from __future__ import annotations

from urllib.parse import urlsplit


def split_endpoint(url: str) -> tuple[str, str]:
    """``https://dysmsapi.aliyuncs.com`` → ``("https", "dysmsapi.aliyuncs.com")``; a bare
    host means https."""
    parts = urlsplit(url if "://" in url else f"https://{url}")
    return parts.scheme, parts.netloc


class ProviderBackend:
    """A provider sends one message per request: ``send_message`` returns its ``SmsResult``
    or raises ``SmsSendError``; ``send_messages`` is the batch form of the interface."""

    provider = ""

    def send_message(self, message):
        raise NotImplementedError

    def send_messages(self, messages) -> int:
        for message in messages:
            self.send_message(message)
        return len(messages)
