from django import forms
from django.utils.translation import gettext_lazy as _


class NationalSignUpForm(forms.Form):
    """First sign-in with a verified number new to the portal: the one thing asked."""

    privacy_consent = forms.BooleanField(
        label=_("我已阅读并同意《隐私政策》"),
        error_messages={"required": _("首次登录即注册：请先阅读并勾选同意《隐私政策》。")},
    )
