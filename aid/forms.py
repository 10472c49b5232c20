"""The member's forms: apply for hardship aid, enrol in a plan, file a claim. The services
check everything again; these forms only turn the POST into typed values."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from aid.models import HardshipReason, Payer

ACCEPT = ".pdf,.jpg,.jpeg,.png,.docx,.xlsx"


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class DocumentsField(forms.FileField):
    """Several files in one input; the real content check is the service's
    (``core.uploads.attachment_check``)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ACCEPT}))
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if not data:
            return []
        files = data if isinstance(data, list | tuple) else [data]
        return [super(DocumentsField, self).clean(item, initial) for item in files]


class HardshipApplyForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("困难原因"),
        choices=HardshipReason.choices,
        error_messages={"required": _("请选择困难原因。"), "invalid_choice": _("请选择困难原因。")},
    )
    family_size = forms.IntegerField(
        label=_("家庭人口（人）"),
        min_value=1,
        max_value=20,
        error_messages={
            "required": _("请填写家庭人口数。"),
            "invalid": _("请填写整数。"),
            "min_value": _("家庭人口应在1到20人之间。"),
            "max_value": _("家庭人口应在1到20人之间。"),
        },
    )
    monthly_income = forms.DecimalField(
        label=_("家庭月收入合计（元）"),
        min_value=0,
        max_digits=10,
        decimal_places=2,
        error_messages={
            "required": _("请填写家庭月收入，没有收入请填0。"),
            "invalid": _("请填写正确的金额。"),
            "min_value": _("金额不能为负数。"),
            "max_digits": _("金额过大，请核对。"),
            "max_decimal_places": _("金额最多保留两位小数。"),
        },
    )
    family_situation = forms.CharField(
        label=_("家庭情况"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("家庭成员、患病或就学情况、主要开支等"),
        error_messages={"required": _("请写下家庭情况。")},
    )
    phone = forms.CharField(label=_("联系电话（可选）"), max_length=20, required=False)
    documents = DocumentsField(
        label=_("证明材料"),
        help_text=_("诊断证明、收入证明、低保证等，PDF或图片，最多6个"),
    )


class EnrolForm(forms.Form):
    payer = forms.ChoiceField(
        label=_("缴费方式"),
        choices=Payer.choices,
        widget=forms.RadioSelect,
        initial=Payer.SELF,
        error_messages={"required": _("请选择缴费方式。")},
    )
    employer_name = forms.CharField(
        label=_("缴费单位（单位缴纳时填写）"), max_length=100, required=False
    )


class ClaimForm(forms.Form):
    incident_date = forms.DateField(
        label=_("出险（住院）日期"),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"required": _("请填写出险日期。"), "invalid": _("请填写正确的日期。")},
    )
    amount_claimed = forms.DecimalField(
        label=_("申请金额（元）"),
        max_digits=10,
        decimal_places=2,
        error_messages={
            "required": _("请填写申请金额。"),
            "invalid": _("请填写正确的金额。"),
            "max_decimal_places": _("金额最多保留两位小数。"),
        },
    )
    description = forms.CharField(
        label=_("情况说明"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("请说明出险经过和治疗情况。")},
    )
    documents = DocumentsField(
        label=_("理赔材料"), help_text=_("发票、费用清单、出院小结等，PDF或图片，最多6个")
    )
