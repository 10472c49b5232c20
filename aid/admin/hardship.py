"""困难职工帮扶 in the admin: the list of applications in the staff's scope, and on each
the decision form — 核实, 审批, 不予批准, 登记发放, 年度复核 — whichever the status allows."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from unfold.widgets import UnfoldAdminTextareaWidget

from accounts.permissions import Action, organization_scope_q
from aid.admin.common import AidScoped, ReadOnlyInline
from aid.models import (
    AidForm,
    HardshipApplication,
    HardshipDisbursement,
    HardshipDocument,
    HardshipStatus,
    HardshipStep,
)
from aid.services import hardship as services
from core.audit import audit_record

S = HardshipStatus
#: decision → the statuses it is offered in
DECISIONS = [
    ("verify", _("核实属实，报市总工会审批"), {S.SUBMITTED}),
    ("approve", _("批准帮扶"), {S.VERIFIED}),
    ("refuse", _("不予批准（须写明理由）"), {S.SUBMITTED, S.VERIFIED}),
    ("disburse", _("登记发放"), {S.APPROVED}),
    ("recheck_continue", _("复核：仍属困难，继续帮扶"), {S.RECHECK_DUE}),
    ("recheck_close", _("复核：已脱困，结束帮扶"), {S.RECHECK_DUE}),
]


class DecisionForm(forms.ModelForm):
    decision = forms.ChoiceField(label=_("办理"), required=False)
    note = forms.CharField(
        label=_("意见 / 理由"),
        required=False,
        widget=UnfoldAdminTextareaWidget(attrs={"rows": 3}),
    )
    amount = forms.DecimalField(
        label=_("金额（元）"), required=False, max_digits=10, decimal_places=2
    )
    aid_form = forms.ChoiceField(
        label=_("帮扶形式"), choices=[("", "—"), *AidForm.choices], required=False
    )
    disbursed_on = forms.DateField(
        label=_("发放日期（默认今天）"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    class Meta:
        model = HardshipApplication
        fields: list[str] = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        status = self.instance.status
        self.fields["decision"].choices = [("", "—")] + [
            (key, label) for key, label, allowed in DECISIONS if status in allowed
        ]


class DocumentInline(ReadOnlyInline):
    model = HardshipDocument
    fields = ("name", "kind", "size", "file", "created_at")
    readonly_fields = fields
    verbose_name_plural = _("证明材料")


class StepInline(ReadOnlyInline):
    model = HardshipStep
    fields = ("created_at", "from_status", "to_status", "actor", "note")
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")


class DisbursementInline(ReadOnlyInline):
    model = HardshipDisbursement
    fields = ("disbursed_on", "form", "amount", "recorded_by", "note")
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("recorded_by")


@admin.register(HardshipApplication)
class HardshipApplicationAdmin(AidScoped):
    form = DecisionForm
    list_display = (
        "number_display",
        "member",
        "status",
        "reason",
        "organization",
        "region",
        "approved_amount",
        "created_at",
        "recheck_due",
    )
    list_filter = ("status", "reason")
    list_select_related = ("member", "organization", "region")
    list_per_page = 50
    ordering = ("-created_at", "-id")
    search_fields = ("=id",)
    search_help_text = _("按申请号数字查找")
    inlines = [DocumentInline, StepInline, DisbursementInline]
    readonly_fields = (
        "number_display",
        "status",
        "member",
        "organization",
        "region",
        "reason",
        "family_size",
        "monthly_income",
        "per_capita",
        "family_situation",
        "phone",
        "verify_note",
        "verified_by",
        "verified_at",
        "approved_form",
        "approved_amount",
        "decided_by",
        "decided_at",
        "refusal_reason",
        "recheck_due",
        "created_at",
    )
    fieldsets = (
        (None, {"fields": readonly_fields}),
        (_("办理"), {"fields": ("decision", "note", "amount", "aid_form", "disbursed_on")}),
    )

    @admin.display(description=_("申请号"), ordering="id")
    def number_display(self, obj):
        return obj.number

    @admin.display(description=_("人均月收入（元）"))
    def per_capita(self, obj):
        return obj.per_capita_income

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .filter(organization_scope_q(request.user, Action.AID_VERIFY))
            .select_related("member", "organization", "region", "region__parent")
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if request.method == "GET":
            obj = self.get_object(request, object_id)
            if obj is not None:  # family and income details are personal data: audited
                audit_record(
                    actor=request.user, action="aid.hardship.view", target=obj, request=request
                )
        return super().change_view(request, object_id, form_url, extra_context)

    def save_model(self, request, obj, form, change) -> None:
        data = form.cleaned_data
        decision = data.get("decision")
        note = data.get("note") or ""
        common = {"actor": request.user, "application": obj, "request": request}
        if decision == "verify":
            services.hardship_application_verify(note=note, **common)
        elif decision == "approve":
            services.hardship_application_approve(
                amount=data.get("amount"), form=data.get("aid_form") or "", note=note, **common
            )
        elif decision == "refuse":
            services.hardship_application_refuse(reason=note, **common)
        elif decision == "disburse":
            services.hardship_disburse(
                amount=data.get("amount"),
                form=data.get("aid_form") or obj.approved_form,
                disbursed_on=data.get("disbursed_on"),
                note=note,
                **common,
            )
        elif decision in ("recheck_continue", "recheck_close"):
            services.hardship_application_recheck(
                still_in_hardship=decision == "recheck_continue",
                note=note,
                amount=data.get("amount"),
                form=data.get("aid_form") or "",
                **common,
            )

    def save_related(self, request, form, formsets, change) -> None:
        """The inlines are read-only: nothing to save."""


@admin.register(HardshipDisbursement)
class HardshipDisbursementAdmin(AidScoped):
    """帮扶记录: every payment, read-only (recorded from the application's page)."""

    list_display = ("disbursed_on", "application", "form", "amount", "recorded_by")
    list_filter = ("form",)
    list_select_related = ("application", "recorded_by")
    readonly_fields = (
        "application",
        "form",
        "amount",
        "disbursed_on",
        "note",
        "recorded_by",
        "created_at",
    )

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .filter(
                organization_scope_q(
                    request.user, Action.AID_VERIFY, field="application__organization"
                )
            )
        )
