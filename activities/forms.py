from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.tokens import MAX_TOKEN_LENGTH
from activities.models import Activity
from activities.selectors import staff_activity_list


class ScanForm(forms.Form):
    """The staff scanning page: a scanner app or a person pastes the QR token."""

    class Mode:
        REDEEM = "redeem"
        CHECK_IN = "check_in"

    mode = forms.ChoiceField(
        label=_("操作"),
        choices=[(Mode.REDEEM, _("核销礼包券")), (Mode.CHECK_IN, _("活动签到（会员卡）"))],
        initial=Mode.REDEEM,
        widget=forms.RadioSelect,
    )
    activity = forms.ModelChoiceField(
        label=_("签到的活动"),
        queryset=Activity.objects.none(),
        required=False,
        empty_label=_("（核销礼包券时不用选）"),
        error_messages={"invalid_choice": _("请选择您负责的活动。")},
    )
    token = forms.CharField(
        label=_("二维码内容"),
        max_length=MAX_TOKEN_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3, "autocomplete": "off", "autofocus": True}),
        error_messages={
            "required": _("请扫描或粘贴二维码内容。"),
            "max_length": _("二维码内容过长，请重新扫描。"),
        },
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["activity"].queryset = staff_activity_list(user=user)

    def clean_token(self) -> str:
        """A scanner reads the whole QR: the verification URL (``…/verify/?t=…``) that a
        phone camera opens. Take the token out of it; a bare token is kept as it is."""
        token = self.cleaned_data["token"].strip()
        if "?" in token:
            token = parse_qs(urlsplit(token).query).get("t", [token])[0]
        return token

    def clean(self) -> dict:
        data = super().clean()
        if data.get("mode") == self.Mode.CHECK_IN and not data.get("activity"):
            self.add_error("activity", _("签到请先选择活动。"))
        return data


class OrderCancelForm(forms.Form):
    reason = forms.CharField(label=_("取消原因"), max_length=200, required=False)
