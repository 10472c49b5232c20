"""What the learning admins share: region-scoped choices and inlines, and the inline
formsets that validate a paper or competition with all its rows through the services."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.shortcuts import redirect
from unfold.admin import TabularInline

from accounts.admin_scope import scoped_regions_q
from accounts.permissions import Action, user_can
from regions.models import Region


def scoped_region_queryset(user):
    return Region.objects.filter(scoped_regions_q(user)).order_by("code")


class ScopedInline(TabularInline):
    """Rows of a scoped parent (lessons, paper questions, rounds): whoever may edit the
    parent may edit them; Django's per-model permissions are not used for authors."""

    def _may(self, request, obj=None) -> bool:
        region = getattr(obj, "region", None)
        if region is not None:
            return user_can(request.user, Action.CONTENT_PUBLISH, region=region)
        return user_can(request.user, Action.CONTENT_PUBLISH)

    def has_view_permission(self, request, obj=None) -> bool:
        return self._may(request, obj)

    def has_add_permission(self, request, obj=None) -> bool:
        return self._may(request, obj)

    def has_change_permission(self, request, obj=None) -> bool:
        return self._may(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return self._may(request, obj)


# --- papers and competitions -------------------------------------------------------------
# One write path: the forms only collect input; paper_save / competition_save validate
# and write. The same checks run during form validation (the last inline formset of the
# page sees the parent and its sibling formsets), so bad input comes back as form errors.


class GroupedInlineFormSet(BaseInlineFormSet):
    """An inline formset that knows the other inline formsets of the same page (``group``,
    a list shared per request) and, when it is the last of them, runs the admin's
    ``check_items`` over the parent and all rows."""

    def __init__(self, *args, group=None, check=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.group = group if group is not None else []
        self.group.append(self)
        self.check = check

    def rows(self) -> list[dict]:
        return [
            form.cleaned_data
            for form in self.forms
            if getattr(form, "cleaned_data", None) and not form.cleaned_data.get("DELETE")
        ]

    def clean(self):
        super().clean()
        if self.check is None or self is not self.group[-1]:
            return
        if any(fs.total_error_count() for fs in self.group[:-1]) or any(
            form.errors for form in self.forms
        ):
            return
        self.check(self.instance, {fs.model: fs.rows() for fs in self.group})


class GroupedAdminMixin:
    """Wires ``GroupedInlineFormSet``s together and turns a late service refusal (a race
    after validation) into a message instead of a 500."""

    def get_formset_kwargs(self, request, obj, inline, prefix):
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        if not hasattr(request, "_learning_formsets"):
            request._learning_formsets = []
        kwargs["group"] = request._learning_formsets
        kwargs["check"] = lambda parent, rows: self.check_items(request, parent, rows)
        return kwargs

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ValidationError as error:
            self.message_user(request, "；".join(error.messages), messages.ERROR)
            return redirect(request.get_full_path())

    def save_model(self, request, obj, form, change):
        # Saved with its rows in save_related, through the service.
        pass

    def _mark_saved(self, formsets) -> None:
        for formset in formsets:  # what construct_change_message reads
            formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []


def raise_as_form_error(error: ValidationError):
    raise forms.ValidationError(error.messages) from error
