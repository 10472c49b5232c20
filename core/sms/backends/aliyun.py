"""阿里云短信: ``SendSms`` of dysmsapi 2017-05-25 through its official SDK.

Settings: ``SMS_ALIYUN_ACCESS_KEY_ID``, ``SMS_ALIYUN_ACCESS_KEY_SECRET`` (a RAM user allowed
only ``dysms:SendSms``), ``SMS_ALIYUN_ENDPOINT`` (``https://dysmsapi.aliyuncs.com``),
``SMS_SIGN_NAME``, the template ids (``core.sms.templates``) and ``SMS_TIMEOUT_SECONDS``.
The SDK signs each request (ACS3-HMAC-SHA256 in the ``Authorization`` header). The SDK's own
retries are off: the notice task retries with backoff.
"""

from __future__ import annotations

import json

from django.conf import settings

from core.sms import SmsResult
from core.sms.backends.base import ProviderBackend, split_endpoint
from core.sms.errors import ALIYUN_CODES, UNAVAILABLE, SmsSendError
from core.sms.templates import template_id


class SmsBackend(ProviderBackend):
    provider = "aliyun"

    def __init__(self) -> None:
        from alibabacloud_dysmsapi20170525.client import Client
        from alibabacloud_tea_openapi.models import Config

        protocol, endpoint = split_endpoint(settings.SMS_ALIYUN_ENDPOINT)
        timeout_ms = int(settings.SMS_TIMEOUT_SECONDS * 1000)
        self.client = Client(
            Config(
                access_key_id=settings.SMS_ALIYUN_ACCESS_KEY_ID,
                access_key_secret=settings.SMS_ALIYUN_ACCESS_KEY_SECRET,
                endpoint=endpoint,
                protocol=protocol,
                connect_timeout=timeout_ms,
                read_timeout=timeout_ms,
            )
        )

    def send_message(self, message) -> SmsResult:
        from alibabacloud_dysmsapi20170525.models import SendSmsRequest
        from darabonba.runtime import RuntimeOptions
        from Tea.exceptions import TeaException

        request = SendSmsRequest(
            phone_numbers=message.phone,
            sign_name=settings.SMS_SIGN_NAME,
            template_code=template_id(message.template),
            template_param=json.dumps(message.params, ensure_ascii=False, separators=(",", ":")),
            out_id=message.reference or None,
        )
        try:
            response = self.client.send_sms_with_options(request, RuntimeOptions(autoretry=False))
        except TeaException as exc:
            code = str(getattr(exc, "code", "") or "")
            if not code or code == "None":  # no answer: connection refused, timeout, DNS
                raise SmsSendError(
                    code="network", reason=UNAVAILABLE, detail=str(exc)[:200]
                ) from exc
            raise SmsSendError.from_code(
                ALIYUN_CODES,
                code,
                request_id=str(getattr(exc, "request_id", "") or ""),
                detail=str(getattr(exc, "message", ""))[:200],
            ) from exc
        except (OSError, ValueError) as exc:  # a garbled answer or a socket error
            raise SmsSendError(code="network", reason=UNAVAILABLE, detail=str(exc)[:200]) from exc
        body = response.body
        if body.code != "OK":
            raise SmsSendError.from_code(
                ALIYUN_CODES,
                body.code or "",
                request_id=body.request_id or "",
                detail=(body.message or "")[:200],
            )
        return SmsResult(message_id=body.biz_id or "", request_id=body.request_id or "")
