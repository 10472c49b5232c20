from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from honours.models import Honour


class HonourFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("类别"), choices=[("", _("全部")), *Honour.Kind.choices], required=False
    )


class HonourConsentForm(forms.Form):
    """The member's answer on their own honour: show it publicly, or stop showing it."""

    decision = forms.ChoiceField(
        choices=[("grant", _("同意公开")), ("withdraw", _("撤回同意"))],
        error_messages={
            "required": _("请选择同意公开或撤回同意。"),
            "invalid_choice": _("请选择同意公开或撤回同意。"),
        },
    )
