"""The local exceptions (节假日本地调整) to the statutory holiday calendar the time limits
count working days by (``hotline.calendar``: the package's days, these over them)."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.utils.translation import gettext_lazy as _
from unfold.admin import ModelAdmin

from accounts.permissions import Action, user_can
from hotline.admin.common import (
    ServiceErrorsMixin,
    ServiceRefusalRerenders,
    bulk_apply,
    warn_calendar_missing,
)
from hotline.calendar import (
    LIBRARY,
    LIBRARY_FIRST_YEAR,
    LIBRARY_LAST_YEAR,
    library_is_working_day,
    library_knows,
)
from hotline.models import CalendarDay
from hotline.services import calendar as calendar_services


class CalendarDayForm(ServiceErrorsMixin, forms.ModelForm):
    """One day, or on the add page a run of days (``last``) of one festival."""

    field_aliases = {"first": "date", "on_date": "date"}

    last = forms.DateField(
        label=_("至（含）"),
        required=False,
        help_text=_("连续放假时填写最后一天，一次录入整段假期；单独一天留空"),
    )

    class Meta:
        model = CalendarDay
        fields = ["date", "last", "kind", "name"]

    def validate_unique(self) -> None:
        """The service says which dates are already entered, for the whole run."""

    def clean(self):
        data = super().clean()
        self.add_service_error()
        return data


@admin.register(CalendarDay)
class CalendarDayAdmin(ServiceRefusalRerenders, ModelAdmin):
    """Local exceptions entered by province staff, winning over the statutory days of the
    holiday package; every hotline supervisor may look."""

    form = CalendarDayForm
    list_display = ("date", "weekday", "kind", "statutory", "name", "updated_by", "updated_at")
    list_filter = ("kind",)
    list_select_related = ("updated_by",)
    date_hierarchy = "date"
    ordering = ("-date",)
    search_fields = ("name",)
    actions = ["delete_selected_days"]

    def has_module_permission(self, request) -> bool:
        return user_can(request.user, Action.HOTLINE_SUPERVISE)

    def has_view_permission(self, request, obj=None) -> bool:
        return self.has_module_permission(request)

    def has_add_permission(self, request) -> bool:
        return calendar_services.calendar_user_can_edit(user=request.user)

    def has_change_permission(self, request, obj=None) -> bool:
        return self.has_add_permission(request)

    def has_delete_permission(self, request, obj=None) -> bool:
        return self.has_add_permission(request)

    def get_actions(self, request):
        actions = super().get_actions(request)
        # Django's own bulk delete would bypass the service.
        actions.pop("delete_selected", None)
        return actions

    @admin.display(description=_("星期"))
    def weekday(self, obj) -> str:
        return "一二三四五六日"[obj.date.weekday()]

    @admin.display(description=_("法定安排"))
    def statutory(self, obj) -> str:
        """What the day is without this exception, so a redundant or mistaken one shows."""
        if not library_knows(obj.date.year):
            return _("无数据（按周末）")
        return _("上班") if library_is_working_day(obj.date) else _("放假")

    def get_fields(self, request, obj=None):
        return ["date", "last", "kind", "name"] if obj is None else ["date", "kind", "name"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.service_error = self.service_refusal(request)
        return form

    def changelist_view(self, request, extra_context=None):
        if request.method == "GET":
            messages.info(
                request,
                _(
                    "法定节假日和调休上班日来自%(library)s（已收录%(first)s–%(last)s年），"
                    "无需录入；这里只录入本地调整，优先于法定安排。"
                )
                % {"library": LIBRARY, "first": LIBRARY_FIRST_YEAR, "last": LIBRARY_LAST_YEAR},
            )
            warn_calendar_missing(request)
        return super().changelist_view(request, extra_context)

    def save_model(self, request, obj, form, change) -> None:
        data = form.cleaned_data
        if change:
            calendar_services.calendar_day_update(
                actor=request.user,
                day=obj,
                on_date=data.get("date"),
                kind=data.get("kind", ""),
                name=data.get("name", ""),
            )
            return
        created = calendar_services.calendar_days_add(
            actor=request.user,
            first=data.get("date"),
            last=data.get("last"),
            kind=data.get("kind", ""),
            name=data.get("name", ""),
        )
        obj.pk = created[0].pk
        if len(created) > 1:
            self.message_user(
                request,
                _("已录入%(first)s至%(last)s共%(n)d天。")
                % {"first": created[0].date, "last": created[-1].date, "n": len(created)},
                messages.SUCCESS,
            )

    def delete_model(self, request, obj) -> None:
        calendar_services.calendar_day_delete(actor=request.user, day=obj)

    def delete_view(self, request, object_id, extra_context=None):
        try:
            return super().delete_view(request, object_id, extra_context)
        except ValidationError as exc:
            self.message_user(request, " ".join(exc.messages), messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    @admin.action(description=_("删除所选日期"), permissions=["delete"])
    def delete_selected_days(self, request, queryset):
        bulk_apply(
            self, request, queryset,
            lambda day: calendar_services.calendar_day_delete(actor=request.user, day=day),
            done=_("已删除 %(n)d 天。"),
            label=lambda day: str(day.date),
        )  # fmt: skip
