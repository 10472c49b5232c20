from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.widgets import FastSelect
from hotline.models import Kind, Topic
from regions.models import Region


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "widget", MultipleFileInput(attrs={"accept": ".pdf,.docx,.xlsx,.jpg,.jpeg,.png"})
        )
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if not data:
            return []
        files = data if isinstance(data, list | tuple) else [data]
        return [super(MultipleFileField, self).clean(item, initial) for item in files]


class RegionChoiceField(forms.ModelChoiceField):
    widget = FastSelect

    def label_from_instance(self, obj: Region) -> str:
        if obj.level == Region.Level.COUNTY and obj.parent_id:
            return f"{obj.parent.short_name} · {obj.name}"
        return obj.name


def hebei_regions():
    return (
        Region.objects.filter(
            path__startswith="100000/130000/", level__in=[Region.Level.CITY, Region.Level.COUNTY]
        )
        .select_related("parent")
        .order_by("code")
    )


class RequestSubmitForm(forms.Form):
    kind = forms.ChoiceField(label=_("诉求类型"), choices=Kind.choices)
    topic = forms.ChoiceField(label=_("话题"), choices=Topic.choices)
    region = RegionChoiceField(
        label=_("所在地区"),
        queryset=Region.objects.none(),
        to_field_name="code",
        empty_label=_("请选择市或县（市、区）"),
        error_messages={
            "required": _("请选择您所在的地区。"),
            "invalid_choice": _("请选择河北省内的地区。"),
        },
    )
    title = forms.CharField(
        label=_("一句话说明"),
        max_length=80,
        error_messages={"required": _("请用一句话说明您的问题。")},
    )
    description = forms.CharField(
        label=_("详细情况"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": _("请写下详细情况。")},
    )
    attachments = MultipleFileField(
        label=_("附件（可选）"), help_text=_("PDF、Word、Excel、JPG、PNG，每个不超过10MB，最多5个")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = hebei_regions()


class AddInfoForm(forms.Form):
    body = forms.CharField(
        label=_("补充说明"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("请填写补充内容。")},
    )
    attachments = MultipleFileField(label=_("附件（可选）"))


class RateForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("满意度"),
        choices=[(n, "★" * n) for n in range(5, 0, -1)],
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择1到5星。"), "invalid_choice": _("请选择1到5星。")},
    )
    comment = forms.CharField(
        label=_("评价（可选）"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label=_("还有什么没有解决？"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("请说明需要继续办理的原因。")},
    )


class BookForm(forms.Form):
    slot = forms.IntegerField(
        widget=forms.HiddenInput, error_messages={"required": _("请选择时段。")}
    )
