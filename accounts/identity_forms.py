"""Forms of the identity area (实名认证, card verification)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class IdentityVerifyForm(forms.Form):
    """Only shapes the input; ``identity_verify`` validates and reports in Chinese."""

    real_name = forms.CharField(
        label=_("真实姓名"),
        max_length=40,
        widget=forms.TextInput(attrs={"autocomplete": "name", "placeholder": _("与身份证一致")}),
        error_messages={"required": _("请输入真实姓名。")},
    )
    id_number = forms.CharField(
        label=_("身份证号码"),
        max_length=40,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "inputmode": "text",
                "placeholder": _("18位居民身份证号码"),
            }
        ),
        error_messages={"required": _("请输入身份证号码。")},
    )
    consent = forms.BooleanField(
        label=_("我单独同意“职工之家·河北”为实名认证和会员管理处理我的身份证号"),
        required=False,
    )


class CredentialVerifyForm(forms.Form):
    t = forms.CharField(
        label=_("二维码内容"),
        max_length=2048,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("请粘贴二维码中的内容。")},
    )
