"""What the aid admin pages share: read-only inlines, the scoped base, a refusal shown on the
form the staff member filled in (the POST rolled back, nothing half-saved, nothing retyped)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from unfold.admin import ModelAdmin, TabularInline

from accounts.permissions import Action, user_can


class ReadOnlyInline(TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class AidScoped(ModelAdmin):
    """Visible to the aid staff (grassroots officers, city and county editors, the
    province); what each sees is the subclass's ``get_queryset``."""

    def has_module_permission(self, request) -> bool:
        return user_can(request.user, Action.AID_VERIFY)

    def has_view_permission(self, request, obj=None) -> bool:
        return self.has_module_permission(request)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return self.has_module_permission(request)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ValidationError as exc:
            # Django ran the POST in one transaction: it rolled back before we got here. The
            # decision is the services' to refuse, so the form could not know beforehand; a
            # second pass over the same POST renders the form again, with what was typed and
            # the refusal as its error, and saves nothing (the form is invalid).
            request._aid_refusal = exc
            return super().changeform_view(request, object_id, form_url, extra_context)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change=change, **kwargs)
        refusal = getattr(request, "_aid_refusal", None)
        if refusal is None:
            return form_class

        class RefusedForm(form_class):
            def clean(self):
                super().clean()
                raise ValidationError(refusal.messages)

        return RefusedForm


def bulk_apply(modeladmin, request, rows, call, *, done: str) -> int:
    ok, errors = 0, []
    for row in rows:
        try:
            call(row)
            ok += 1
        except ValidationError as exc:
            errors.append(f"{row}：{' '.join(exc.messages)}")
    if ok:
        modeladmin.message_user(request, done % {"n": ok}, messages.SUCCESS)
    for error in errors[:10]:
        modeladmin.message_user(request, error, messages.ERROR)
    return ok
