"""职工互助保障 in the admin: plans (created through the service), enrolments (confirm the
premium received), claims with the review form (approve an amount, refuse, pay)."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from unfold.widgets import UnfoldAdminTextareaWidget

from accounts.permissions import Action, organization_scope_q, user_can, user_region_paths
from aid.admin.common import AidScoped, ReadOnlyInline, bulk_apply
from aid.models import ClaimDocument, ClaimStatus, MutualClaim, MutualEnrolment, MutualPlan
from aid.services import mutual as services
from regions.models import Region


@admin.register(MutualPlan)
class MutualPlanAdmin(AidScoped):
    list_display = ("name", "year", "kind", "premium", "cover_limit", "region", "is_open")
    list_filter = ("year", "kind", "is_open")
    list_select_related = ("region",)
    fields = ("name", "year", "kind", "region", "premium", "cover_limit", "description", "is_open")
    actions = ["close_selected"]

    @admin.action(description=_("停止参保（已参保的保障不受影响）"))
    def close_selected(self, request, queryset):
        bulk_apply(
            self,
            request,
            queryset,
            lambda plan: services.mutual_plan_close(actor=request.user, plan=plan, request=request),
            done=_("已停止 %(n)d 个计划的参保。"),
        )

    def has_add_permission(self, request) -> bool:
        return user_can(request.user, Action.AID_APPROVE)

    def has_change_permission(self, request, obj=None) -> bool:
        return obj is None and self.has_add_permission(request)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("region")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "region":
            kwargs["queryset"] = Region.objects.filter(_region_scope(request.user)).order_by("code")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change) -> None:
        data = form.cleaned_data
        plan = services.mutual_plan_create(
            actor=request.user,
            name=data["name"],
            year=data["year"],
            kind=data["kind"],
            region=data["region"],
            premium=data["premium"],
            cover_limit=data["cover_limit"],
            description=data.get("description", ""),
            is_open=data.get("is_open", True),
            request=request,
        )
        obj.pk = plan.pk


def _region_scope(user) -> Q:
    query = Q(pk__in=[])
    for path in user_region_paths(user, Action.AID_APPROVE):
        query |= Q(path__startswith=path)
    return query


@admin.register(MutualEnrolment)
class MutualEnrolmentAdmin(AidScoped):
    list_display = (
        "member",
        "plan",
        "status",
        "payer",
        "employer_name",
        "organization",
        "committed_total",
        "cover_limit",
        "created_at",
    )
    list_filter = ("status", "payer", "plan")
    list_select_related = ("member", "plan", "organization")
    readonly_fields = (
        "plan",
        "member",
        "organization",
        "region",
        "payer",
        "employer_name",
        "status",
        "premium",
        "cover_limit",
        "committed_total",
        "starts_on",
        "ends_on",
        "paid_at",
        "confirmed_by",
        "created_at",
    )
    actions = ["confirm_payment"]

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .filter(organization_scope_q(request.user, Action.AID_VERIFY))
        )

    @admin.action(description=_("确认已缴费（保障生效）"))
    def confirm_payment(self, request, queryset):
        bulk_apply(
            self,
            request,
            queryset,
            lambda e: services.mutual_enrolment_confirm_payment(
                actor=request.user, enrolment=e, request=request
            ),
            done=_("已确认 %(n)d 份参保缴费。"),
        )


class ClaimDocumentInline(ReadOnlyInline):
    model = ClaimDocument
    fields = ("name", "kind", "size", "file", "created_at")
    readonly_fields = fields


class ReviewForm(forms.ModelForm):
    decision = forms.ChoiceField(label=_("审核"), required=False)
    amount = forms.DecimalField(
        label=_("核准金额（元）"), required=False, max_digits=10, decimal_places=2
    )
    note = forms.CharField(
        label=_("审核意见 / 不予理赔的理由"),
        required=False,
        widget=UnfoldAdminTextareaWidget(attrs={"rows": 3}),
    )

    class Meta:
        model = MutualClaim
        fields: list[str] = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        choices = {
            ClaimStatus.SUBMITTED: [("approve", _("审核通过")), ("refuse", _("不予理赔"))],
            ClaimStatus.APPROVED: [("pay", _("登记已赔付"))],
        }.get(self.instance.status, [])
        self.fields["decision"].choices = [("", "—"), *choices]


@admin.register(MutualClaim)
class MutualClaimAdmin(AidScoped):
    form = ReviewForm
    list_display = (
        "number_display",
        "member",
        "plan",
        "status",
        "amount_claimed",
        "approved_amount",
        "incident_date",
        "created_at",
    )
    list_filter = ("status",)
    list_select_related = ("enrolment__member", "enrolment__plan")
    inlines = [ClaimDocumentInline]
    readonly_fields = (
        "number_display",
        "enrolment",
        "status",
        "incident_date",
        "amount_claimed",
        "cover_limit",
        "remaining",
        "description",
        "approved_amount",
        "review_note",
        "reviewed_by",
        "reviewed_at",
        "paid_at",
        "created_at",
    )
    fieldsets = (
        (None, {"fields": readonly_fields}),
        (_("审核"), {"fields": ("decision", "amount", "note")}),
    )

    @admin.display(description=_("理赔号"), ordering="id")
    def number_display(self, obj):
        return obj.number

    @admin.display(description=_("参保职工"))
    def member(self, obj):
        return obj.enrolment.member

    @admin.display(description=_("保障计划"))
    def plan(self, obj):
        return obj.enrolment.plan

    @admin.display(description=_("剩余保障额度（元）"))
    def remaining(self, obj):
        return obj.enrolment.remaining_cover

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .filter(
                organization_scope_q(
                    request.user, Action.AID_VERIFY, field="enrolment__organization"
                )
            )
            .select_related("enrolment__member", "enrolment__plan")
        )

    def save_model(self, request, obj, form, change) -> None:
        data = form.cleaned_data
        decision = data.get("decision")
        if decision == "approve":
            services.mutual_claim_approve(
                actor=request.user,
                claim=obj,
                amount=data.get("amount"),
                note=data.get("note") or "",
                request=request,
            )
        elif decision == "refuse":
            services.mutual_claim_refuse(
                actor=request.user, claim=obj, reason=data.get("note") or "", request=request
            )
        elif decision == "pay":
            services.mutual_claim_pay(actor=request.user, claim=obj, request=request)

    def save_related(self, request, form, formsets, change) -> None:
        """The documents are read-only: nothing to save."""
