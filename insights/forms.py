from __future__ import annotations

from datetime import date, timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from insights.registry import indicators
from insights.selectors import MAX_RANGE_DAYS

TABLES = ("trend", "compare", "breakdown", "all")


class DashboardFilterForm(forms.Form):
    """Region, indicator and date range of the dashboard (and of its exports)."""

    region = forms.CharField(label=_("地区"), required=False, max_length=6)
    indicator = forms.ChoiceField(label=_("指标"), required=False)
    start = forms.DateField(label=_("开始日期"), required=False)
    end = forms.DateField(label=_("结束日期"), required=False)

    def __init__(self, *args, latest: date | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.latest = latest
        self.fields["indicator"].choices = [(i.code, i.name) for i in indicators()]

    def clean(self):
        data = super().clean()
        end = data.get("end") or self.latest
        if end is None:
            end = timezone.localdate() - timedelta(days=1)
        start = data.get("start") or end - timedelta(days=29)
        if start > end:
            raise forms.ValidationError(_("开始日期不能晚于结束日期。"))
        if (end - start).days + 1 > MAX_RANGE_DAYS:
            raise forms.ValidationError(_("时间范围最长为一年，请缩短后再查询。"))
        data["start"], data["end"] = start, end
        data["indicator"] = data.get("indicator") or "members_total"
        return data


class ExportForm(DashboardFilterForm):
    table = forms.ChoiceField(
        label=_("表格"), choices=[(t, t) for t in TABLES], required=False, initial="trend"
    )
    format = forms.ChoiceField(label=_("格式"), choices=[("csv", "CSV"), ("xlsx", "Excel")])
