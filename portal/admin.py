"""The audit log, the admin's change history and the SMS delivery records, for province
administrators: read-only.

Nobody adds, changes or deletes an entry here, superusers included: the log is append-only
(``core.audit.audit_record``) and only the retention task removes rows past their age.
"""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.models import LogEntry
from unfold.admin import ModelAdmin

from accounts.permissions import Action, user_can
from core.models import AuditLog, SmsDelivery
from core.sms import phone_hash


class ReadOnlyAuditAdmin(ModelAdmin):
    """Browsable by those who may ``audit.view``; no add, change or delete for anyone."""

    actions = None
    list_per_page = 50

    def has_module_permission(self, request) -> bool:
        return user_can(request.user, Action.AUDIT_VIEW)

    def has_view_permission(self, request, obj=None) -> bool:
        return self.has_module_permission(request)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(AuditLog)
class AuditLogAdmin(ReadOnlyAuditAdmin):
    list_display = ["created_at", "action", "actor", "target_type", "target_id", "ip_address"]
    list_filter = ["action", "target_type"]
    search_fields = ["action", "target_type", "target_id", "request_id", "actor__phone"]
    date_hierarchy = "created_at"
    list_select_related = ["actor"]
    readonly_fields = [
        "created_at",
        "action",
        "actor",
        "target_type",
        "target_id",
        "ip_address",
        "request_id",
        "details",
    ]
    fields = readonly_fields


@admin.register(LogEntry)
class LogEntryAdmin(ReadOnlyAuditAdmin):
    """Django's record of every add, change and delete made in the admin (staff edits)."""

    list_display = ["action_time", "user", "content_type", "object_repr", "action_flag"]
    list_filter = ["action_flag", "content_type"]
    search_fields = ["object_repr", "change_message", "user__phone"]
    date_hierarchy = "action_time"
    list_select_related = ["user", "content_type"]
    readonly_fields = [
        "action_time",
        "user",
        "content_type",
        "object_id",
        "object_repr",
        "action_flag",
        "change_message",
    ]
    fields = readonly_fields


@admin.register(SmsDelivery)
class SmsDeliveryAdmin(ReadOnlyAuditAdmin):
    """What became of each text: provider, status, the provider's id and error in Chinese.

    Numbers are shown masked; searching by a full 11-digit number finds its texts by the
    keyed hash (the table holds no number)."""

    list_display = [
        "created_at",
        "phone_masked",
        "template",
        "provider",
        "status",
        "attempts",
        "error_code",
        "error_message",
    ]
    list_filter = ["status", "provider", "template", "error_code"]
    search_fields = ["provider_message_id", "request_id", "source"]
    date_hierarchy = "created_at"
    readonly_fields = [
        "created_at",
        "phone_masked",
        "template",
        "source",
        "provider",
        "status",
        "attempts",
        "last_attempt_at",
        "sent_at",
        "provider_message_id",
        "request_id",
        "error_code",
        "error_message",
        "error_detail",
    ]
    fields = readonly_fields

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        if len(term) == 11 and term.isdigit():
            return queryset.filter(phone_hash=phone_hash(term)), False
        return super().get_search_results(request, queryset, search_term)
