"""Canned replies (常用回复): supervisors keep them, agents pick them on the reply form."""

from __future__ import annotations

from django.contrib import admin

from hotline.admin.common import SupervisorScoped
from hotline.models import CannedReply
from hotline.selectors import canned_reply_list_for_staff
from hotline.services.canned import canned_reply_save


@admin.register(CannedReply)
class CannedReplyAdmin(SupervisorScoped):
    list_display = ("title", "topic", "region", "is_public")
    list_filter = ("topic", "is_public")
    list_select_related = ("region",)
    fields = ("title", "topic", "region", "is_public", "body")

    def get_queryset(self, request):
        return canned_reply_list_for_staff(user=request.user)

    def save_model(self, request, obj, form, change) -> None:
        data = form.cleaned_data
        saved = canned_reply_save(
            actor=request.user,
            title=data["title"],
            body=data["body"],
            topic=data.get("topic") or "",
            region=data.get("region"),
            is_public=data.get("is_public", True),
            reply=obj if change else None,
        )
        obj.pk = saved.pk
