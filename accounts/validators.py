import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")


# Full-width forms of printable ASCII ("＋８６ １３８…"), typed by Chinese input methods in
# full-width mode, and the ideographic space.
_HALF_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}


def half_width(value: str) -> str:
    """Full-width characters as their ASCII forms: "＋８６" → "+86"."""
    return (value or "").translate(_HALF_WIDTH)


def normalize_mobile(value: str) -> str:
    """Strip spaces, dashes and a +86 / 0086 prefix, and turn full-width characters half-width."""
    value = half_width(value or "").strip()
    value = re.sub(r"[\s\-()]", "", value)
    for prefix in ("+86", "0086"):
        if value.startswith(prefix):
            value = value[len(prefix) :]
            break
    return value


def mask_mobile(phone: str) -> str:
    """``138****8000``: how a number is shown on screen (an 11-digit number; else as is)."""
    return f"{phone[:3]}****{phone[-4:]}" if len(phone) == 11 else phone


def validate_mobile(value: str) -> None:
    if not MOBILE_RE.match(value or ""):
        raise ValidationError(
            _("请输入正确的11位中国大陆手机号码，例如 13800138000。"), code="invalid_mobile"
        )
