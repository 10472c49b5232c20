"""Forms of signing up and in (accounts/forms.py holds the admin's user forms)."""

from __future__ import annotations

from allauth.account.forms import LoginForm, VerifyPhoneForm
from django import forms
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _

from accounts.validators import half_width, normalize_mobile, validate_mobile


class PhoneLoginForm(LoginForm):
    """allauth's password login with Chinese labels; the number field comes from
    ``AccountAdapter.phone_form_field``."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["password"].label = _("密码")
        self.fields["password"].widget.attrs["placeholder"] = _("密码")
        self.fields["password"].error_messages["required"] = _("请输入密码。")
        self.fields["password"].help_text = ""
        if "remember" in self.fields:
            self.fields["remember"].label = _("在这台设备上保持登录")


class PhoneVerifyForm(VerifyPhoneForm):
    """allauth's check of a not yet confirmed number (at password sign-in, or a change of
    number): the code as members type it, full-width digits and spaces included."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        code = self.fields["code"]
        code.label = _("短信验证码")
        code.max_length = 12
        code.validators.append(MaxLengthValidator(12))
        code.error_messages["required"] = _("请输入短信验证码。")
        code.widget.attrs.update(
            {"inputmode": "numeric", "maxlength": "12", "placeholder": _("6位数字")}
        )

    def clean_code(self) -> str:
        self.cleaned_data["code"] = half_width(self.cleaned_data.get("code", ""))
        return super().clean_code()


class SmsCodeRequestForm(forms.Form):
    phone = forms.CharField(
        label=_("手机号码"),
        max_length=20,
        error_messages={"required": _("请输入手机号码。")},
        widget=forms.TextInput(
            attrs={
                "type": "tel",
                "inputmode": "numeric",
                "autocomplete": "tel",
                "placeholder": _("11位手机号码"),
            }
        ),
    )

    def clean_phone(self) -> str:
        value = normalize_mobile(self.cleaned_data["phone"])
        validate_mobile(value)
        return value


class SmsCodeConfirmForm(forms.Form):
    code = forms.CharField(
        label=_("短信验证码"),
        max_length=12,
        error_messages={"required": _("请输入短信验证码。")},
        widget=forms.TextInput(
            attrs={
                "inputmode": "numeric",
                "autocomplete": "one-time-code",
                "pattern": "[0-9 ]*",
                "placeholder": _("6位数字"),
            }
        ),
    )
    privacy_consent = forms.BooleanField(
        label=_("我已阅读并同意《隐私政策》"),
        required=False,
        help_text=_("首次登录将自动注册账号，须同意隐私政策。"),
    )

    def clean_code(self) -> str:
        return half_width(self.cleaned_data["code"])


class ConsentGateForm(forms.Form):
    """The consent gate (``accounts:consent``): the privacy policy is required; the separate
    consent to processing the ID number is asked only with ``ask_id_number`` and stays
    optional (PIPL art. 29: a sensitive item needs its own, free consent)."""

    privacy_policy = forms.BooleanField(
        label=_("我已阅读并同意《隐私政策》"),
        error_messages={"required": _("请阅读并勾选同意《隐私政策》后继续使用。")},
    )
    id_number = forms.BooleanField(
        label=_("我单独同意平台处理我的身份证号（敏感个人信息）"),
        required=False,
    )
    next = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, ask_id_number: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if not ask_id_number:
            del self.fields["id_number"]
