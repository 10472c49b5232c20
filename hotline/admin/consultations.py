"""Legal consultations: counsellors' time slots and the bookings made on requests."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from accounts.permissions import Action, region_scope_q, user_can
from hotline.admin.common import SupervisorScoped, bulk_apply
from hotline.models import ConsultationBooking, ConsultationSlot
from hotline.services import consultations


@admin.register(ConsultationSlot)
class ConsultationSlotAdmin(SupervisorScoped):
    list_display = ("starts_at", "ends_at", "counsellor", "place", "region", "is_cancelled")
    list_filter = ("is_cancelled",)
    list_select_related = ("region",)
    fields = ("region", "counsellor", "place", "starts_at", "ends_at")

    def has_add_permission(self, request) -> bool:
        return user_can(request.user, Action.HOTLINE_HANDLE)

    def has_change_permission(self, request, obj=None) -> bool:
        return obj is None and self.has_add_permission(request)

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .filter(region_scope_q(request.user, Action.HOTLINE_HANDLE))
        )

    def save_model(self, request, obj, form, change) -> None:
        data = form.cleaned_data
        slot = consultations.consultation_slot_create(
            actor=request.user,
            region=data["region"],
            counsellor=data["counsellor"],
            place=data["place"],
            starts_at=data["starts_at"],
            ends_at=data["ends_at"],
        )
        obj.pk = slot.pk


@admin.register(ConsultationBooking)
class ConsultationBookingAdmin(SupervisorScoped):
    list_display = ("slot", "request", "status", "booked_by", "created_at", "reminded_at")
    list_filter = ("status",)
    list_select_related = ("slot__region", "request", "booked_by")
    actions = ["cancel_selected"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .filter(region_scope_q(request.user, Action.HOTLINE_HANDLE, field="request__region"))
        )

    @admin.action(description=_("取消预约"))
    def cancel_selected(self, request, queryset):
        bulk_apply(
            self, request, queryset,
            lambda booking: consultations.consultation_cancel(actor=request.user, booking=booking),
            done=_("已取消 %(n)d 个预约。"),
        )  # fmt: skip
