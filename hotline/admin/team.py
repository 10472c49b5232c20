"""The hotline teams: who answers which region's requests (and which topics)."""

from __future__ import annotations

from django.contrib import admin

from accounts.permissions import Action, region_scope_q
from hotline.admin.common import SupervisorScoped
from hotline.models import HotlineTeamMember


@admin.register(HotlineTeamMember)
class HotlineTeamMemberAdmin(SupervisorScoped):
    list_display = ("user", "region", "topics", "is_active")
    list_filter = ("is_active",)
    list_select_related = ("user", "region")
    autocomplete_fields = ()
    raw_id_fields = ("user",)

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .filter(region_scope_q(request.user, Action.HOTLINE_SUPERVISE))
        )
