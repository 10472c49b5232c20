"""``manage.py check``: a provider backend with a missing key, sign name or template id
fails at start-up, not at the first member's sign-in."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Error, register

from core.sms.templates import TEMPLATES

REQUIRED = {
    "core.sms.backends.aliyun.SmsBackend": (
        "SMS_ALIYUN_ACCESS_KEY_ID",
        "SMS_ALIYUN_ACCESS_KEY_SECRET",
        "SMS_ALIYUN_ENDPOINT",
    ),
    "core.sms.backends.tencent.SmsBackend": (
        "SMS_TENCENT_SECRET_ID",
        "SMS_TENCENT_SECRET_KEY",
        "SMS_TENCENT_SDK_APP_ID",
        "SMS_TENCENT_REGION",
        "SMS_TENCENT_ENDPOINT",
    ),
}


@register("sms")
def sms_provider_configured(app_configs=None, **kwargs) -> list[Error]:
    backend = getattr(settings, "SMS_BACKEND", "")
    if backend not in REQUIRED:
        return []
    names = (*REQUIRED[backend], "SMS_SIGN_NAME", *(t.setting for t in TEMPLATES.values()))
    missing = [name for name in names if not getattr(settings, name, "")]
    if not missing:
        return []
    return [
        Error(
            f"SMS_BACKEND is {backend} but {', '.join(missing)} is not set.",
            hint="README: Operator's guide, Configuring SMS.",
            id="core.sms.E001",
        )
    ]
