"""The admin lists imports (uploading and confirming happen on the staff pages, which the
list links to), the exchange API's call log and the change feed. Read-only: every write
goes through the services."""

from __future__ import annotations

from django.conf import settings
from django.contrib import admin
from django.http import HttpRequest
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from unfold.admin import ModelAdmin

from accounts.permissions import Action, region_scope_q, user_can
from datahub.models import ExchangeCallLog, MemberChange, RosterImport


def _may_import(request: HttpRequest) -> bool:
    return user_can(request.user, Action.DATAHUB_IMPORT)


def _province_wide(request: HttpRequest) -> bool:
    return user_can(request.user, Action.DATAHUB_IMPORT, region=settings.PORTAL_DEFAULT_REGION_CODE)


class _ReadOnly(ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(RosterImport)
class RosterImportAdmin(_ReadOnly):
    list_display = [
        "id",
        "original_name",
        "region",
        "status",
        "accepted_count",
        "merged_count",
        "unchanged_count",
        "rejected_count",
        "created_by",
        "created_at",
        "staff_page",
    ]
    list_filter = ["status", "kind"]
    search_fields = ["original_name", "file_sha256"]
    list_select_related = ["region", "created_by"]
    exclude = ["file", "headers", "mapping"]

    def has_module_permission(self, request):
        return _may_import(request)

    def has_view_permission(self, request, obj=None):
        return _may_import(request)

    def has_add_permission(self, request, obj=None):
        return _may_import(request)

    def add_view(self, request, form_url="", extra_context=None):
        # Uploading (with the column mapping step and the progress bar) is a staff page.
        return redirect("datahub:import_list")

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .filter(region_scope_q(request.user, Action.DATAHUB_IMPORT))
        )

    @admin.display(description=_("导入页面"))
    def staff_page(self, obj: RosterImport) -> str:
        return format_html(
            '<a href="{}">{}</a>', reverse("datahub:import_detail", args=[obj.pk]), _("查看")
        )

    def get_view_on_site_url(self, obj=None):
        return reverse("datahub:import_detail", args=[obj.pk]) if obj else None

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "title": _("名册导入（在“数据归集”页面上传）")}
        return super().changelist_view(request, extra_context)


@admin.register(ExchangeCallLog)
class ExchangeCallLogAdmin(_ReadOnly):
    list_display = ["created_at", "client_id", "method", "path", "status_code", "result_count"]
    list_filter = ["status_code", "method"]
    search_fields = ["client_id", "path", "request_id"]

    def has_module_permission(self, request):
        return _province_wide(request)

    def has_view_permission(self, request, obj=None):
        return _province_wide(request)


@admin.register(MemberChange)
class MemberChangeAdmin(_ReadOnly):
    list_display = ["id", "txid", "user_id", "kind", "source", "source_ref", "created_at"]
    list_filter = ["kind", "source"]

    def has_module_permission(self, request):
        return _province_wide(request)

    def has_view_permission(self, request, obj=None):
        return _province_wide(request)
