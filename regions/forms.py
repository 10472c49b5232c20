from django import forms
from django.utils.translation import gettext_lazy as _

from regions.selectors import region_exists


class RegionChoiceForm(forms.Form):
    code = forms.CharField(
        max_length=6,
        error_messages={
            "required": _("请选择一个地区。"),
            "max_length": _("没有这个地区，请从列表中选择。"),
        },
    )
    next = forms.CharField(required=False)

    def clean_code(self) -> str:
        code = self.cleaned_data["code"].strip()
        if not (code.isdigit() and len(code) == 6) or not region_exists(code=code):
            raise forms.ValidationError(_("没有这个地区，请从列表中选择。"))
        return code
