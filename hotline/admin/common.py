"""What the hotline's admin pages share: region scope, service refusals shown on the form,
the calendar warning, the supervisor-scoped base, and the bulk-action loop."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import HttpResponseRedirect
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from unfold.admin import ModelAdmin

from accounts.permissions import Action, user_can, user_region_paths
from hotline.calendar import LIBRARY, calendar_status
from regions.models import Region

#: Refusals shown after a bulk action: enough to act on, not a wall of red.
BULK_ERRORS_SHOWN = 10


def scoped_regions(user, action=Action.HOTLINE_HANDLE) -> Q:
    query = Q(pk__in=[])
    for path in user_region_paths(user, action):
        query |= Q(path__startswith=path)
    return query


class ServiceErrorsMixin:
    """A form re-validated after a service refused the save: the refusal becomes form
    errors, so the page is rendered again with what was typed (see
    ``HotlineRequestAdmin.changeform_view``)."""

    service_error: ValidationError | None = None
    #: service argument name → form field name
    field_aliases: dict[str, str] = {}

    def add_service_error(self) -> None:
        exc = self.service_error
        if exc is None:
            return
        if hasattr(exc, "error_dict"):
            for name, errors in exc.error_dict.items():
                field = self.field_aliases.get(name, name)
                self.add_error(field if field in self.fields else None, errors)
        else:
            self.add_error(None, exc.messages)


class ServiceRefusalRerenders:
    """For an admin whose forms use ``ServiceErrorsMixin``: a service refusing the save
    (``ValidationError``) rolls the whole POST back (Django runs it in one transaction); the
    same POST is then validated once more with the refusal as form errors, so the page comes
    back with what was typed and the reason next to it — nothing saved, nothing lost.
    ``get_form`` passes ``service_refusal(request)`` to the form class."""

    @staticmethod
    def service_refusal(request) -> ValidationError | None:
        return getattr(request, "_hotline_service_error", None)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ValidationError as exc:
            if request.method != "POST":
                raise
            if self.service_refusal(request) is not None:
                # Refused again outside the form (should not happen): keep the old way out.
                self.message_user(request, " ".join(exc.messages), messages.ERROR)
                return HttpResponseRedirect(request.get_full_path())
            request._hotline_service_error = exc
            return super().changeform_view(request, object_id, form_url, extra_context)


def warn_calendar_missing(request) -> None:
    """Supervisors are told of a year the time limits need (this one; from November on, the
    next: ``hotline.calendar.calendar_years_to_check``) that neither the holiday package nor
    the staff know: its limits count only weekends until the package is upgraded or the
    days are entered here."""
    if not user_can(request.user, Action.HOTLINE_SUPERVISE):
        return
    for year in calendar_status(timezone.localdate())["unknown_years"]:
        messages.warning(
            request,
            _(
                "%(year)s年法定节假日尚无数据，时限暂按普通周末计算。"
                "请升级节假日数据包（%(library)s），或在“节假日本地调整”中录入当年放假和调休日期。"
            )
            % {"year": year, "library": LIBRARY},
        )


class SupervisorScoped(ModelAdmin):
    def has_module_permission(self, request) -> bool:
        return user_can(request.user, Action.HOTLINE_HANDLE)

    def has_view_permission(self, request, obj=None) -> bool:
        return self.has_module_permission(request)

    def has_add_permission(self, request) -> bool:
        return user_can(request.user, Action.HOTLINE_SUPERVISE)

    def has_change_permission(self, request, obj=None) -> bool:
        return self.has_add_permission(request)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "region":
            kwargs["queryset"] = Region.objects.filter(scoped_regions(request.user)).order_by(
                "code"
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ValidationError as exc:
            self.message_user(request, " ".join(exc.messages), messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())


def bulk_apply(
    modeladmin: Any,
    request: Any,
    rows: Iterable[Any],
    call: Callable[[Any], object],
    *,
    done: str,
    label: Callable[[Any], str] | None = None,
) -> int:
    """A bulk action the service way: ``call(row)`` (one service call) for each row, a
    refusal (``ValidationError``) of one row reported and the others carried on. ``done`` is
    the success message with ``%(n)d``; ``label(row)`` prefixes a row's refusal (a request
    number). At most ``BULK_ERRORS_SHOWN`` refusals are shown. Returns the rows done."""
    ok, errors = 0, []
    for row in rows:
        try:
            call(row)
            ok += 1
        except ValidationError as exc:
            reason = " ".join(exc.messages)
            errors.append(f"{label(row)}：{reason}" if label else reason)
    if ok:
        modeladmin.message_user(request, done % {"n": ok}, messages.SUCCESS)
    for error in errors[:BULK_ERRORS_SHOWN]:
        modeladmin.message_user(request, error, messages.ERROR)
    return ok
