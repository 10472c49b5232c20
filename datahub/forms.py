from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from datahub.cleaning import FIELD_LABELS, REQUIRED_FIELDS


class RosterUploadForm(forms.Form):
    file = forms.FileField(
        label=_("名册文件"),
        help_text=_("Excel（.xlsx）或 CSV（UTF-8 或 GBK 编码），第一行为表头。"),
        error_messages={"required": _("请选择要上传的文件。")},
    )
    region = forms.ChoiceField(label=_("归集地区"), required=False)

    def __init__(self, *args, regions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [(r.code, r.name) for r in regions]
        if len(self.fields["region"].choices) <= 1:
            self.fields["region"].widget = forms.HiddenInput()


class MappingForm(forms.Form):
    """One select per field: which column of the file holds it."""

    def __init__(self, *args, headers: list[str], initial_mapping: dict, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", _("（不导入）"))] + [
            (str(i), f"{i + 1}. {h or _('（空表头）')}") for i, h in enumerate(headers)
        ]
        for field, label in FIELD_LABELS.items():
            required = field in REQUIRED_FIELDS
            self.fields[field] = forms.ChoiceField(
                label=f"{label}{'（必填）' if required else ''}",
                choices=choices,
                required=False,
                initial=str(initial_mapping[field]) if field in initial_mapping else "",
            )

    def mapping(self) -> dict[str, int]:
        return {k: int(v) for k, v in self.cleaned_data.items() if v not in ("", None)}


class WorkUploadForm(forms.Form):
    """A ledger for one of the registry's stored work databases."""

    database = forms.ChoiceField(label=_("工作数据库"))
    file = forms.FileField(
        label=_("台账文件"),
        help_text=_("Excel（.xlsx）或 CSV，第一行为表头（列名与“字段”一栏一致即可自动对应）。"),
        error_messages={"required": _("请选择要上传的文件。")},
    )
    region = forms.ChoiceField(label=_("归集地区"), required=False)

    def __init__(self, *args, regions=(), databases=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["database"].choices = list(databases)
        self.fields["region"].choices = [(r.code, r.name) for r in regions]
        if len(self.fields["region"].choices) <= 1:
            self.fields["region"].widget = forms.HiddenInput()
