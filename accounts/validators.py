import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")


def normalize_mobile(value: str) -> str:
    """Strip spaces, dashes and a +86 / 0086 prefix, and turn full-width digits half-width."""
    value = (value or "").strip()
    value = value.translate({code: code - 0xFEE0 for code in range(0xFF10, 0xFF1A)})
    value = re.sub(r"[\s\-()]", "", value)
    for prefix in ("+86", "0086"):
        if value.startswith(prefix):
            value = value[len(prefix) :]
            break
    return value


def validate_mobile(value: str) -> None:
    if not MOBILE_RE.match(value or ""):
        raise ValidationError(
            _("请输入正确的11位中国大陆手机号码，例如 13800138000。"), code="invalid_mobile"
        )
