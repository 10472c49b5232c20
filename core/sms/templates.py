"""The texts the portal sends, each an approved template at the provider.

An operator registers each template with 阿里云 or 腾讯云 under the sign name
``SMS_SIGN_NAME`` and puts its id in the setting named here (``SMS_TEMPLATE_CODE`` …).
``params`` are the template's variables in order: 阿里云 receives them by name as JSON
(``${code}``), 腾讯云 by position (``{1}``, ``{2}``). ``text`` is how the local backends
(console, file, tests) render the same message, sign name in front.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from core.sms.errors import MISCONFIGURED, SmsSendError

#: What the local backends put in front, as a provider puts the sign name.
LOCAL_PREFIX = "【职工之家·河北】"


@dataclass(frozen=True)
class SmsTemplate:
    setting: str
    params: tuple[str, ...]
    text: str


TEMPLATES: dict[str, SmsTemplate] = {
    # 例：您的验证码是${code}，${minutes}分钟内有效。请勿告诉他人。
    "code": SmsTemplate(
        setting="SMS_TEMPLATE_CODE",
        params=("code", "minutes"),
        text=_("您的验证码是 %(code)s，%(minutes)s分钟内有效。请勿告诉他人。"),
    ),
    # 例：您有一条新通知：${title}${body}，请登录职工之家查看。
    "notice": SmsTemplate(setting="SMS_TEMPLATE_NOTICE", params=("title", "body"), text=""),
}


def template_render(key: str, params: dict[str, str]) -> str:
    """The text a local backend writes for template ``key``."""
    template = TEMPLATES[key]
    if not template.text:  # a notice: its title, then the start of its body
        text = params.get("title", "")
        if params.get("body"):
            text += f"：{params['body']}"
        return LOCAL_PREFIX + text
    return LOCAL_PREFIX + str(template.text) % params


def template_id(key: str) -> str:
    """The provider's id of template ``key``; ``SmsSendError`` when it is not configured."""
    value = getattr(settings, TEMPLATES[key].setting, "")
    if not value:
        raise SmsSendError(code=f"missing {TEMPLATES[key].setting}", reason=MISCONFIGURED)
    return value


def template_params(key: str, params: dict[str, str]) -> list[str]:
    """The parameters in the template's order (腾讯云's ``TemplateParamSet``)."""
    return [params.get(name, "") for name in TEMPLATES[key].params]
