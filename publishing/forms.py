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


class LocateForm(forms.Form):
    """A browser's position (navigator.geolocation), in decimal degrees."""

    latitude = forms.FloatField(
        min_value=-90,
        max_value=90,
        error_messages={"required": _("没有收到定位信息。"), "invalid": _("定位信息无效。")},
    )
    longitude = forms.FloatField(
        min_value=-180,
        max_value=180,
        error_messages={"required": _("没有收到定位信息。"), "invalid": _("定位信息无效。")},
    )


class ArticleSearchForm(forms.Form):
    q = forms.CharField(label=_("关键词"), max_length=100, required=False)
    region = forms.CharField(label=_("地区"), max_length=6, required=False)
    kind = forms.ChoiceField(label=_("类型"), required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        from regions.models import Article

        self.fields["kind"].choices = [("", _("全部类型")), *Article.Kind.choices]
        self.fields["kind"].error_messages["invalid_choice"] = _("没有这种文章类型。")
        self.fields["q"].error_messages["max_length"] = _("关键词不能超过100个字。")

    def clean_region(self) -> str:
        code = self.cleaned_data["region"].strip()
        if code and not region_exists(code=code):
            raise forms.ValidationError(_("没有这个地区，请从列表中选择。"))
        return code
