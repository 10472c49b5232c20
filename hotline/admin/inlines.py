"""The request's change page shows its conversation, files, bookings and history, read-only:
every write goes through the services (the reply form), never an inline."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from unfold.admin import TabularInline

from hotline.models import ConsultationBooking, RequestAttachment, RequestMessage, RequestTransition


class MessageInline(TabularInline):
    model = RequestMessage
    extra = 0
    can_delete = False
    fields = ("created_at", "kind", "author", "body")
    readonly_fields = fields
    verbose_name_plural = _("沟通记录（内部备注职工看不到）")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("author")


class AttachmentInline(TabularInline):
    model = RequestAttachment
    extra = 0
    can_delete = False
    fields = ("name", "kind", "size", "file", "created_at")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class TransitionInline(TabularInline):
    model = RequestTransition
    extra = 0
    can_delete = False
    fields = ("created_at", "from_state", "to_state", "actor", "note")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")


class BookingInline(TabularInline):
    model = ConsultationBooking
    extra = 0
    can_delete = False
    fields = ("slot", "status", "booked_by", "created_at", "reminded_at")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False
