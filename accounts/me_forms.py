from django import forms
from django.utils.translation import gettext_lazy as _

CLOSE_PHRASE = "确认注销"


class AccountCloseForm(forms.Form):
    phone = forms.CharField(
        label=_("请输入您的手机号码"),
        max_length=20,
        error_messages={"required": _("请输入手机号码以确认。")},
    )
    phrase = forms.CharField(
        label=_("请输入“%(phrase)s”四个字") % {"phrase": CLOSE_PHRASE},
        max_length=10,
        error_messages={"required": _("请输入确认文字。")},
    )

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_phone(self) -> str:
        from accounts.validators import normalize_mobile

        phone = normalize_mobile(self.cleaned_data["phone"])
        if phone != self.user.phone:
            raise forms.ValidationError(_("手机号码与当前账号不一致。"))
        return phone

    def clean_phrase(self) -> str:
        phrase = self.cleaned_data["phrase"].strip()
        if phrase != CLOSE_PHRASE:
            raise forms.ValidationError(_("请准确输入“%(phrase)s”。") % {"phrase": CLOSE_PHRASE})
        return phrase
