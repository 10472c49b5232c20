"""The admin lists imports (uploading and confirming happen on the staff pages, which the
list links to), the exchange API's call log and the change feed. Read-only: every write
goes through the services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.http import HttpRequest
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from unfold.admin import ModelAdmin
from unfold.decorators import action, display

from accounts.oidc import oidc_client_secret_rotate
from accounts.oidc_admin import client_credentials_message
from accounts.permissions import Action, region_scope_q, user_can
from datahub.models import ExchangeCallLog, ExchangeClient, MemberChange, RosterImport, WorkRecord
from datahub.registry import work_database_choices, work_database_get
from datahub.services.exchange import (
    EXCHANGE_SCOPES,
    exchange_client_register,
    exchange_client_update,
    exchange_scopes_clean,
)


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
        "database",
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
    list_filter = ["status", "kind", "database"]
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


class ExchangeClientForm(forms.ModelForm):
    scopes = forms.MultipleChoiceField(
        label=_("授权范围"),
        choices=[(scope, f"{scope}：{label}") for scope, label in EXCHANGE_SCOPES.items()],
        widget=forms.CheckboxSelectMultiple,
        help_text=_("只授予对方系统确实需要的范围；完整身份证号须有依据并经审批。"),
    )

    class Meta:
        model = ExchangeClient
        fields = ("name",)
        labels = {"name": _("系统名称")}
        help_texts = {"name": _("如“全国总工会会员实名制数据交换平台”。")}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.instance._state.adding and not self.is_bound:
            self.initial["scopes"] = self.instance.get_scopes()

    def clean_scopes(self) -> list[str]:
        return exchange_scopes_clean(self.cleaned_data["scopes"])


@admin.register(ExchangeClient)
class ExchangeClientAdmin(ModelAdmin):
    """Trusted systems of the exchange API. Registered, renamed and given scopes through the
    datahub services (audited); the secret is shown once, on registration or rotation."""

    form = ExchangeClientForm
    list_display = ["name", "id", "scope_list", "created_at"]
    search_fields = ["id", "name"]
    actions = ["rotate_secret"]

    def _may_manage(self, request: HttpRequest) -> bool:
        return user_can(request.user, Action.EXCHANGE_MANAGE)

    def has_module_permission(self, request):
        return self._may_manage(request)

    def has_view_permission(self, request, obj=None):
        return self._may_manage(request)

    def has_add_permission(self, request):
        return self._may_manage(request)

    def has_change_permission(self, request, obj=None):
        return self._may_manage(request)

    def has_delete_permission(self, request, obj=None):
        # Revoking a system is rotating its secret (and taking its scopes away); the row and
        # its call log stay.
        return False

    def get_fields(self, request: HttpRequest, obj: ExchangeClient | None = None) -> list[str]:
        return ["id", "name", "scopes", "created_at"] if obj is not None else ["name", "scopes"]

    def get_readonly_fields(self, request: HttpRequest, obj: ExchangeClient | None = None):
        return ("id", "created_at") if obj is not None else ()

    @display(description=_("授权范围"))
    def scope_list(self, obj: ExchangeClient) -> str:
        return "、".join(obj.get_scopes())

    def save_model(self, request: HttpRequest, obj: ExchangeClient, form: Any, change: bool):
        # The form has run the services' checks (exchange_scopes_clean, a required name).
        scopes = form.cleaned_data["scopes"]
        if change:
            exchange_client_update(
                actor=request.user, client=obj, name=obj.name, scopes=scopes, request=request
            )
            return
        client, secret = exchange_client_register(
            name=obj.name, scopes=scopes, actor=request.user, request=request
        )
        obj.pk = client.pk
        obj.refresh_from_db()
        obj._state.adding = False
        self._show_secret(request, client, secret)

    def _show_secret(self, request: HttpRequest, client: ExchangeClient, secret: str) -> None:
        self.message_user(request, client_credentials_message(client, secret), messages.WARNING)

    @action(description=_("重新生成客户端密钥（旧密钥立即失效）"))
    def rotate_secret(self, request: HttpRequest, queryset) -> None:
        for client in queryset:
            secret = oidc_client_secret_rotate(client=client)
            self._show_secret(request, client, secret)


class _DatabaseFilter(admin.SimpleListFilter):
    title = _("工作数据库")
    parameter_name = "database"

    def lookups(self, request, model_admin):
        return work_database_choices(stored_only=True)

    def queryset(self, request, queryset):
        return queryset.filter(database=self.value()) if self.value() else queryset


@admin.register(WorkRecord)
class WorkRecordAdmin(_ReadOnly):
    """The stored work databases' rows, each with its lineage; staff see their region's
    subtree only. Rows change only by import (``datahub.services.works``)."""

    list_display = [
        "database_name",
        "summary",
        "region",
        "source_link",
        "source_line",
        "updated_at",
    ]
    list_filter = [_DatabaseFilter]
    list_select_related = ["region", "source_import"]
    list_per_page = 50
    show_full_result_count = False
    readonly_fields = ["database", "key", "region", "data", "source_import", "source_line",
                       "created_at", "updated_at"]  # fmt: skip

    def has_module_permission(self, request):
        return _may_import(request)

    def has_view_permission(self, request, obj=None):
        if obj is not None:
            return (
                user_can(request.user, Action.DATAHUB_IMPORT, region=obj.region)
                if obj.region_id
                else _province_wide(request)
            )
        return _may_import(request)

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .filter(region_scope_q(request.user, Action.DATAHUB_IMPORT))
        )

    @admin.display(description=_("工作数据库"), ordering="database")
    def database_name(self, obj: WorkRecord) -> str:
        database = work_database_get(obj.database)
        return database.name if database else obj.database

    @admin.display(description=_("内容"))
    def summary(self, obj: WorkRecord) -> str:
        return "，".join(str(v) for v in list(obj.data.values())[:4])[:80]

    @admin.display(description=_("来源批次"))
    def source_link(self, obj: WorkRecord) -> str:
        if obj.source_import_id is None:
            return "—"
        return format_html(
            '<a href="{}">#{}</a>',
            reverse("datahub:import_detail", args=[obj.source_import_id]),
            obj.source_import_id,
        )
