"""腾讯云短信: ``SendSms`` of sms 2021-01-11 through the SDK's sms module only
(``tencentcloud-sdk-python-sms`` and its common core, not the whole SDK).

Settings: ``SMS_TENCENT_SECRET_ID``, ``SMS_TENCENT_SECRET_KEY`` (a CAM user allowed only
``sms:SendSms``), ``SMS_TENCENT_SDK_APP_ID`` (the 1400… application), ``SMS_TENCENT_REGION``
(``ap-guangzhou``), ``SMS_TENCENT_ENDPOINT`` (``https://sms.tencentcloudapi.com``),
``SMS_SIGN_NAME``, the template ids (``core.sms.templates``) and ``SMS_TIMEOUT_SECONDS``.
The SDK signs each request with TC3-HMAC-SHA256. A refused request raises with its
``Error.Code``; an accepted one still carries a per-number ``SendStatus.Code`` (``Ok`` or why
not), both mapped by ``core.sms.errors.TENCENT_CODES``.
"""

from __future__ import annotations

from django.conf import settings

from core.sms import SmsResult
from core.sms.backends.base import ProviderBackend, split_endpoint
from core.sms.errors import TENCENT_CODES, UNAVAILABLE, SmsSendError
from core.sms.templates import template_id, template_params


class SmsBackend(ProviderBackend):
    provider = "tencent"

    def __init__(self) -> None:
        from tencentcloud.common.credential import Credential
        from tencentcloud.common.profile.client_profile import ClientProfile
        from tencentcloud.common.profile.http_profile import HttpProfile
        from tencentcloud.sms.v20210111.sms_client import SmsClient

        protocol, endpoint = split_endpoint(settings.SMS_TENCENT_ENDPOINT)
        http = HttpProfile(
            protocol=protocol, endpoint=endpoint, reqTimeout=int(settings.SMS_TIMEOUT_SECONDS)
        )
        self.client = SmsClient(
            Credential(settings.SMS_TENCENT_SECRET_ID, settings.SMS_TENCENT_SECRET_KEY),
            settings.SMS_TENCENT_REGION,
            ClientProfile(httpProfile=http),
        )

    def send_message(self, message) -> SmsResult:
        from tencentcloud.common.exception.tencent_cloud_sdk_exception import (
            TencentCloudSDKException,
        )
        from tencentcloud.sms.v20210111.models import SendSmsRequest

        request = SendSmsRequest()
        request.SmsSdkAppId = settings.SMS_TENCENT_SDK_APP_ID
        request.SignName = settings.SMS_SIGN_NAME
        request.TemplateId = template_id(message.template)
        request.TemplateParamSet = template_params(message.template, message.params)
        request.PhoneNumberSet = [f"+86{message.phone}"]
        request.SessionContext = message.reference
        try:
            response = self.client.SendSms(request)
        except TencentCloudSDKException as exc:
            raise SmsSendError.from_code(
                TENCENT_CODES,
                exc.get_code() or "",
                request_id=exc.get_request_id() or "",
                detail=(exc.get_message() or "")[:200],
            ) from exc
        except (OSError, ValueError) as exc:
            raise SmsSendError(code="network", reason=UNAVAILABLE, detail=str(exc)[:200]) from exc
        statuses = response.SendStatusSet or []
        if not statuses:
            raise SmsSendError(code="empty SendStatusSet", request_id=response.RequestId or "")
        status = statuses[0]
        if status.Code != "Ok":
            raise SmsSendError.from_code(
                TENCENT_CODES,
                status.Code or "",
                request_id=response.RequestId or "",
                detail=(status.Message or "")[:200],
            )
        return SmsResult(message_id=status.SerialNo or "", request_id=response.RequestId or "")
