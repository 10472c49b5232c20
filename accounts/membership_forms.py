"""Forms of the member's 入会 and 转会 pages. They only check the shape of the input; the
services decide (and explain in Chinese) whether the step is allowed."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import EmploymentForm, UnionOrganization
from accounts.selectors.membership import union_organization_list_joinable
from regions.selectors import region_tree

KIND_CHOICES = [("", _("全部类型"))] + [
    (kind.value, kind.label) for kind in UnionOrganization.JOINABLE_KINDS
]


def region_choices() -> list:
    """Cities of Hebei, each followed by its counties, as an optgroup per city."""
    tree = region_tree()
    province = tree.get("130000")
    choices: list = [("", _("全省"))]
    if province is None:
        return choices
    for city in tree.children(province):
        group = [(city.code, _("%(city)s（全市）") % {"city": city.name})]
        group += [(county.code, county.name) for county in tree.children(city)]
        choices.append((city.name, group))
    return choices


class UnionSearchForm(forms.Form):
    """Narrow the unions to choose from: by city or county, kind and trade keyword."""

    region = forms.ChoiceField(label=_("地区"), required=False)
    kind = forms.ChoiceField(label=_("工会类型"), choices=KIND_CHOICES, required=False)
    q = forms.CharField(
        label=_("单位或行业"),
        required=False,
        max_length=30,
        widget=forms.TextInput(attrs={"placeholder": _("如：快递、物流、装备制造")}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = region_choices()
        self.fields["region"].error_messages["invalid_choice"] = _("请选择河北省内的市或县（区）。")


class _WorkFields(forms.Form):
    organization = forms.ModelChoiceField(
        label=_("工会"),
        queryset=UnionOrganization.objects.none(),
        widget=forms.RadioSelect,
        error_messages={
            "required": _("请选择要加入的工会。"),
            "invalid_choice": _("所选工会不存在或暂不接受入会申请，请重新选择。"),
        },
    )
    employer = forms.CharField(
        label=_("工作单位"),
        max_length=100,
        error_messages={"required": _("请填写工作单位。")},
        help_text=_("没有固定单位的，可填写所在平台或站点，如“某快递三河燕郊网点”。"),
    )
    occupation = forms.CharField(
        label=_("职业"),
        max_length=50,
        error_messages={"required": _("请填写职业。")},
        widget=forms.TextInput(attrs={"placeholder": _("如：装配钳工、快递员、货车司机")}),
    )
    employment_form = forms.ChoiceField(
        label=_("用工形式"),
        choices=EmploymentForm.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("请选择用工形式。"),
            "invalid_choice": _("请选择用工形式：全日制用工、灵活就业或新就业形态。"),
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = union_organization_list_joinable()


class MembershipApplyForm(_WorkFields):
    """入会: the union to join and the applicant's work."""


class TransferRequestForm(_WorkFields):
    """转会: the union to move to, the work there, and why."""

    reason = forms.CharField(
        label=_("转会原因"),
        required=False,
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": _("如：工作调动、更换单位")}),
    )


class DecisionReasonForm(forms.Form):
    """The reason an officer gives when rejecting (admin)."""

    reason = forms.CharField(
        label=_("理由"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("请填写理由。")},
    )
