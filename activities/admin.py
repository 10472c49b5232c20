"""Staff work in the admin: campaigns, activities and mall items of their region subtree,
claims, sign-ups and orders in it. Scope comes from ``accounts.permissions``
(``Action.ACTIVITIES_MANAGE``); order actions call the same services as everywhere else."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.http import HttpRequest, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from unfold.admin import ModelAdmin, TabularInline

from accounts.permissions import Action, region_scope_q, user_can, user_region_paths
from activities import selectors, services
from activities.models import (
    Activity,
    Campaign,
    CampaignQuota,
    Claim,
    MallItem,
    MallItemQuota,
    Order,
    PointsEntry,
    Signup,
)
from activities.services.catalog import managed_item_save
from activities.services.mall import RESTOCK_MAX
from activities.services.quotas import (
    CAMPAIGN_QUOTAS,
    MALL_ITEM_QUOTAS,
    QuotaKind,
    regional_quota_rows_check,
)
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
            kwargs["queryset"] = _scoped_regions(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


def _scoped_regions(user) -> models.QuerySet:
    paths = user_region_paths(user, Action.ACTIVITIES_MANAGE)
    scope = Q(pk__in=[])
    for path in paths:
        scope |= Q(path__startswith=path)
    return Region.objects.filter(scope).order_by("path")


class QuotaFormSet(forms.BaseInlineFormSet):
    """Checks the whole set of regional quotas (nesting, within the owner's region and
    total) with the service's own check, so bad input comes back as a form error."""

    quota_kind: QuotaKind

    def rows(self) -> list[tuple[Region, int]]:
        return [
            (form.cleaned_data["region"], form.cleaned_data["quota"])
            for form in self.forms
            if form.cleaned_data
            and not form.cleaned_data.get("DELETE")
            and form.cleaned_data.get("region") is not None
            and form.cleaned_data.get("quota") is not None
        ]

    def clean(self):
        super().clean()
        if any(form.errors for form in self.forms):
            return
        for form in self.forms:
            kept = form.cleaned_data and not form.cleaned_data.get("DELETE")
            quota = form.cleaned_data.get("quota") if kept else None
            if not form.instance.pk or quota is None:
                continue
            # The instance already holds the typed quota; what was taken is the saved
            # quota minus the (read-only) stock left.
            claimed = form.initial["quota"] - form.instance.stock
            if quota < claimed:
                raise forms.ValidationError(
                    str(self.quota_kind.below_taken)
                    % {"region": form.cleaned_data["region"].name, "claimed": claimed}
                )
        try:
            regional_quota_rows_check(kind=self.quota_kind, owner=self.instance, rows=self.rows())
        except ValidationError as error:
            raise forms.ValidationError(error.messages) from None


class CampaignQuotaFormSet(QuotaFormSet):
    quota_kind = CAMPAIGN_QUOTAS


class MallItemQuotaFormSet(QuotaFormSet):
    quota_kind = MALL_ITEM_QUOTAS


class _QuotaInline(TabularInline):
    """Regional quotas: staff set the cap; what is taken and left is shown, never typed
    (only claims and orders move it)."""

    extra = 0
    fields = ["region", "quota", "claimed_display", "stock"]
    readonly_fields = ["claimed_display", "stock"]

    def _may(self, request, obj=None) -> bool:
        if obj is not None and obj.region_id is not None:
            return user_can(request.user, Action.ACTIVITIES_MANAGE, region=obj.region)
        return _may_manage(request)

    def has_view_permission(self, request, obj=None):
        return self._may(request, obj)

    def has_add_permission(self, request, obj=None):
        return self._may(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._may(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._may(request, obj)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("region")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "region":
            kwargs["queryset"] = _scoped_regions(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class CampaignQuotaInline(_QuotaInline):
    model = CampaignQuota
    formset = CampaignQuotaFormSet
    verbose_name = _("地区配额")
    verbose_name_plural = _("地区配额（如：廊坊市300份，其中三河市100份）")

    @admin.display(description=_("已领取"))
    def claimed_display(self, obj):
        return obj.claimed if obj.pk else "—"


class MallItemQuotaInline(_QuotaInline):
    model = MallItemQuota
    formset = MallItemQuotaFormSet
    verbose_name = _("地区库存")
    verbose_name_plural = _("地区库存（如：石家庄市200件，唐山市150件；商品库存为全省总数）")

    @admin.display(description=_("已兑换"))
    def claimed_display(self, obj):
        return obj.claimed if obj.pk else "—"


class _QuotaOwnerAdmin(_ScopedAdmin):
    """An owner of regional quotas: the inline's whole set is saved through the service,
    which moves each region's remaining stock by the change of its quota in SQL."""

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("quotas__region")

    def _quota_summary(self, obj) -> str:
        quotas = sorted(obj.quotas.all(), key=lambda q: q.region.path)
        return "；".join(f"{q.region.name} {q.claimed}/{q.quota}" for q in quotas) or "—"

    def save_formset(self, request, form, formset, change):
        if not isinstance(formset, QuotaFormSet):
            return super().save_formset(request, form, formset, change)
        # One write path: the same service any other caller uses.
        services.regional_quotas_set(
            kind=formset.quota_kind, owner=form.instance, quotas=formset.rows(), actor=request.user
        )
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        return None


@admin.register(Campaign)
class CampaignAdmin(_QuotaOwnerAdmin):
    list_display = [
        "title",
        "kind",
        "region",
        "starts_at",
        "ends_at",
        "stock",
        "total_stock",
        "quota_summary",
    ]
    list_filter = ["kind", "published"]
    search_fields = ["title"]
    actions = ["export_claims"]
    exclude = ["stock"]
    inlines = [CampaignQuotaInline]

    @admin.display(description=_("各地区 已领/配额"))
    def quota_summary(self, obj):
        return self._quota_summary(obj)

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


class MallItemForm(forms.ModelForm):
    restock = forms.IntegerField(
        label=_("补充库存"),
        required=False,
        min_value=1,
        max_value=RESTOCK_MAX,
        help_text=_("在当前库存上增加的件数；兑换会自动扣减库存，这里不必改动库存数。"),
    )
    # No Meta: the admin's form factory adds the model and the fields it shows.


@admin.register(MallItem)
class MallItemAdmin(_QuotaOwnerAdmin):
    form = MallItemForm
    list_display = ["title", "points_price", "stock", "quota_summary", "region", "active"]
    list_filter = ["active"]
    inlines = [MallItemQuotaInline]

    def get_readonly_fields(self, request, obj=None):
        # Once the item exists its stock moves by orders and by "补充库存", never by typing
        # a number over what orders have taken since the page was opened.
        return ["stock"] if obj is not None else []

    def get_exclude(self, request, obj=None):
        return ["restock"] if obj is None else []

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        add = form.cleaned_data.get("restock")
        if change and add:
            try:
                services.mall_item_restock(item=obj, add=add, actor=request.user)
            except ValidationError as error:
                # The form has checked the count and the region scope: not expected.
                self.message_user(request, "；".join(error.messages), messages.ERROR)
            else:
                self.message_user(
                    request,
                    gettext("已补充 %(n)s 件，当前库存 %(stock)s。")
                    % {"n": add, "stock": obj.stock},
                    messages.SUCCESS,
                )

    @admin.display(description=_("各地区 已兑/配额"))
    def quota_summary(self, obj):
        return self._quota_summary(obj)


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
    """The ledger is append-only: nobody edits or deletes a row here; only province
    administrators (``Action.POINTS_AUDIT``) read it across members."""

    list_display = [
        "user",
        "amount",
        "balance_after",
        "reason",
        "source",
        "created_at",
        "expires_at",
    ]
    list_filter = ["source"]
    search_fields = ["user__phone", "idempotency_key"]
    list_select_related = ["user"]

    def has_module_permission(self, request):
        return selectors.points_audit_allowed(user=request.user)

    def has_view_permission(self, request, obj=None):
        return selectors.points_audit_allowed(user=request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
