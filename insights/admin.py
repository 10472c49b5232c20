"""Admin: the computed days, with an action to recompute them (the same service as the
nightly task and ``insights_backfill``)."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from unfold.admin import ModelAdmin

from insights.models import FactDay
from insights.services import facts_compute_day


@admin.register(FactDay)
class FactDayAdmin(ModelAdmin):
    list_display = ["date", "rows", "seconds", "computed_at"]
    date_hierarchy = "date"
    actions = ["recompute"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    @admin.action(description=_("重新计算所选日期的指标"))
    def recompute(self, request, queryset):
        done = 0
        for day in queryset.values_list("date", flat=True):
            try:
                facts_compute_day(day=day)
                done += 1
            except ValidationError as error:
                self.message_user(request, f"{day}：{'；'.join(error.messages)}", messages.ERROR)
        if done:
            self.message_user(request, _("已重新计算 %(n)d 天。") % {"n": done}, messages.SUCCESS)
