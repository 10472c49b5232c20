"""The learning rewards ledger, for whoever may audit points."""

from __future__ import annotations

from django.contrib import admin
from unfold.admin import ModelAdmin

from activities.selectors import points_audit_allowed
from learning.models import LearningReward


@admin.register(LearningReward)
class LearningRewardAdmin(ModelAdmin):
    list_display = ("user", "reason", "points", "description", "created_at", "credited_at")
    list_filter = ("reason",)
    list_select_related = ("user",)

    # Every member's points events: province administrators only (accounts.permissions).
    def has_module_permission(self, request):
        return points_audit_allowed(user=request.user)

    def has_view_permission(self, request, obj=None):
        return points_audit_allowed(user=request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
