"""The union staff's workplace for the 劳模工匠 register: city and county staff record and
correct the honours of their region (``CONTENT_PUBLISH`` scope); whether a profile is public
is the member's choice alone, so it is shown here, never edited."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from accounts.admin_scope import ScopedAdmin
from honours.models import Honour
from honours.selectors import honour_list_for_staff
from honours.services import honour_save


@admin.register(Honour)
class HonourAdmin(ScopedAdmin):
    list_display = ("name", "title", "user", "kind", "level", "year", "region", "public_display")
    list_filter = ("kind", "level", "year")
    search_fields = ("name", "title", "employer", "occupation")
    raw_id_fields = ("user",)
    readonly_fields = ("consented_at", "recorded_by", "recorded_at")
    fields = (
        "user", "name", "kind", "level", "title", "year", "region", "employer", "occupation",
        "story", "consented_at", "recorded_by", "recorded_at",
    )  # fmt: skip

    def get_queryset(self, request):
        return honour_list_for_staff(user=request.user)

    @admin.display(description=_("公开展示"), boolean=True)
    def public_display(self, obj: Honour) -> bool:
        return obj.is_public

    def save_model(self, request, obj, form, change) -> None:
        honour_save(honour=obj, actor=request.user)
