from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from learning.models import CourseCategory, Tag


class CatalogueFilterForm(forms.Form):
    q = forms.CharField(label=_("关键词"), max_length=100, required=False)
    category = forms.ChoiceField(
        label=_("分类"),
        required=False,
        choices=[("", _("全部分类")), *CourseCategory.choices],
        error_messages={"invalid_choice": _("请选择有效的分类。")},
    )


class PracticeFilterForm(forms.Form):
    MODES = [("sequential", _("顺序练习")), ("random", _("随机练习"))]

    tag = forms.ModelChoiceField(
        label=_("标签"),
        queryset=Tag.objects.all(),
        required=False,
        error_messages={"invalid_choice": _("该标签不存在。")},
    )
    mode = forms.ChoiceField(label=_("方式"), choices=MODES, required=False)
    book = forms.BooleanField(label=_("错题本"), required=False)
    after = forms.IntegerField(required=False, min_value=0)


class LeaderboardForm(forms.Form):
    scope = forms.ChoiceField(
        choices=[("province", _("全省")), ("city", _("按市")), ("organization", _("按企业"))],
        required=False,
    )
    key = forms.CharField(max_length=12, required=False)


def answers_from_post(data) -> dict[int, list[str]]:
    """Answers posted as ``q<question id>`` fields (checkboxes/radios give lists, a fill-in
    a one-item list). Ids outside the attempt are passed on for the service to refuse."""
    answers: dict[int, list[str]] = {}
    for key in data:
        if key.startswith("q") and key[1:].isdigit():
            answers[int(key[1:])] = list(data.getlist(key))
    return answers
