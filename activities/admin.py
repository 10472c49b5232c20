"""Staff work in the admin: campaigns, activities and mall items of their region subtree,
claims, sign-ups and orders in it. Scope comes from ``accounts.permissions``
(``Action.ACTIVITIES_MANAGE``); order actions call the same services as everywhere else."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.http import HttpRequest, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from unfold.admin import ModelAdmin

from accounts.permissions import Action, region_scope_q, user_can, user_region_paths
from activities import services
from activities.models import Activity, Campaign, Claim, MallItem, Order, PointsEntry, Signup
from activities.services.catalog import managed_item_save
from regions.models import Region


def _may_manage(request: HttpRequest) -> bool:
    return user_can(request.user, Action.ACTIVITIES_MANAGE)


class _ScopedAdmin(ModelAdmin):
    region_field = "region"
    editable = True
    # A link typed without a scheme is taken as https (Django 6's default, asked for now).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def has_module_permission(self, request):
        return _may_manage(request)

    def has_view_permission(self, request, obj=None):
        return _may_manage(request)

    def has_add_permission(self, request):
        return self.editable and _may_manage(request)

    def has_change_permission(self, request, obj=None):
        return self.editable and _may_manage(request)

    def has_delete_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        return queryset.filter(
            region_scope_q(request.user, Action.ACTIVITIES_MANAGE, field=self.region_field)
        )

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        user = request.user

        class ScopedForm(form):
            def clean(self):
                cleaned = super().clean()
                region = cleaned.get("region")
                if region is not None and not user_can(
                    user, Action.ACTIVITIES_MANAGE, region=region
                ):
                    self.add_error("region", gettext("您无权在该地区管理活动和福利。"))
                return cleaned

        return ScopedForm

    def save_model(self, request, obj, form, change):
        # One write path: the same service any other caller uses.
        managed_item_save(obj=obj, actor=request.user)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "region":
            paths = user_region_paths(request.user, Action.ACTIVITIES_MANAGE)
            scope = Q(pk__in=[])
            for path in paths:
                scope |= Q(path__startswith=path)
            kwargs["queryset"] = Region.objects.filter(scope).order_by("path")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Campaign)
class CampaignAdmin(_ScopedAdmin):
    list_display = ["title", "kind", "region", "starts_at", "ends_at", "stock", "total_stock"]
    list_filter = ["kind", "published"]
    search_fields = ["title"]
    actions = ["export_claims"]
    exclude = ["stock"]

    def get_readonly_fields(self, request, obj=None):
        # Stock moves only through claims once the campaign exists.
        return ["total_stock"] if obj is not None else []

    @admin.action(description=_("导出领取记录（CSV）"))
    def export_claims(self, request, queryset):
        campaign = queryset.first()
        url = reverse("activities:staff_claims_csv")
        if queryset.count() == 1 and campaign is not None:
            url += f"?campaign={campaign.pk}"
        return HttpResponseRedirect(url)


@admin.register(Claim)
class ClaimAdmin(_ScopedAdmin):
    region_field = "campaign__region"
    editable = False
    list_display = ["campaign", "user", "claimed_at", "redeemed_at", "redeemed_by"]
    list_filter = ["campaign"]
    list_select_related = ["campaign", "user", "redeemed_by"]


@admin.register(Activity)
class ActivityAdmin(_ScopedAdmin):
    list_display = ["title", "kind", "region", "starts_at", "capacity", "published"]
    list_filter = ["kind", "published"]
    search_fields = ["title"]


@admin.register(Signup)
class SignupAdmin(_ScopedAdmin):
    region_field = "activity__region"
    editable = False
    list_display = ["activity", "user", "status", "created_at", "checked_in_at"]
    list_filter = ["status"]
    list_select_related = ["activity", "user"]


@admin.register(MallItem)
class MallItemAdmin(_ScopedAdmin):
    list_display = ["title", "points_price", "stock", "region", "active"]
    list_filter = ["active"]


@admin.register(Order)
class OrderAdmin(_ScopedAdmin):
    region_field = "item__region"
    editable = False
    list_display = ["pk", "item", "user", "points", "status", "created_at", "handled_by"]
    list_filter = ["status"]
    list_select_related = ["item", "user", "handled_by"]
    actions = ["mark_ready", "mark_collected", "cancel_and_refund", "export_orders"]

    def has_fulfil_permission(self, request):
        return _may_manage(request)

    def _run(self, request, queryset, call, done: str) -> None:
        ok = 0
        for order in queryset.select_related("item__region"):
            try:
                call(order)
            except ValidationError as error:
                self.message_user(
                    request, f"#{order.pk}：{'；'.join(error.messages)}", messages.ERROR
                )
            else:
                ok += 1
        if ok:
            self.message_user(request, done % {"n": ok}, messages.SUCCESS)

    @admin.action(description=_("备货完成，通知领取"), permissions=["fulfil"])
    def mark_ready(self, request, queryset):
        self._run(
            request,
            queryset,
            lambda o: services.mall_order_mark_ready(order=o, staff=request.user),
            gettext("%(n)s 个订单已备货。"),
        )

    @admin.action(description=_("会员已领取"), permissions=["fulfil"])
    def mark_collected(self, request, queryset):
        self._run(
            request,
            queryset,
            lambda o: services.mall_order_mark_collected(order=o, staff=request.user),
            gettext("%(n)s 个订单已领取。"),
        )

    @admin.action(description=_("取消订单并退回积分"), permissions=["fulfil"])
    def cancel_and_refund(self, request, queryset):
        self._run(
            request,
            queryset,
            lambda o: services.mall_order_cancel(
                order=o, actor=request.user, reason=gettext("工作人员取消")
            ),
            gettext("%(n)s 个订单已取消，积分已退回。"),
        )

    @admin.action(description=_("导出兑换订单（CSV）"), permissions=["fulfil"])
    def export_orders(self, request, queryset):
        return HttpResponseRedirect(reverse("activities:staff_orders_csv"))


@admin.register(PointsEntry)
class PointsEntryAdmin(ModelAdmin):
    """The ledger is append-only: nobody edits or deletes a row here; only provincial
    administrators (superusers) read it across members."""

    list_display = ["user", "amount", "balance_after", "reason", "source", "created_at"]
    list_filter = ["source"]
    search_fields = ["user__phone", "idempotency_key"]
    list_select_related = ["user"]

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
