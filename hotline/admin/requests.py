"""The hotline staff's workplace (django-unfold): the request list and change page.

Agents see only requests within their region subtree (``accounts.permissions``); every
write — reply, internal note, assign, resolve, bulk actions, a phone caller's request —
goes through ``hotline.services``; every staff view of a request is audited. The list never
counts the whole table: an estimated count from the PostgreSQL planner.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from unfold.admin import ModelAdmin
from unfold.widgets import UnfoldAdminTextareaWidget

from accounts.permissions import Action, region_scope_q, user_can
from core.audit import audit_record
from core.db_router import replica_reads
from core.paginators import EstimatedCountPaginator
from hotline.admin.common import (
    ServiceErrorsMixin,
    ServiceRefusalRerenders,
    bulk_apply,
    scoped_regions,
    warn_calendar_missing,
)
from hotline.admin.filters import MineFilter, OverdueFilter, RegionFilter
from hotline.admin.inlines import AttachmentInline, BookingInline, MessageInline, TransitionInline
from hotline.models import CannedReply, ConsultationSlot, HotlineRequest, State, Tier
from hotline.selectors import canned_reply_list_for_staff, consultation_slots_open_for
from hotline.services import consultations
from hotline.services import requests as services
from hotline.services.cases import hotline_case_create
from regions.models import Region


class ReplyForm(ServiceErrorsMixin, forms.ModelForm):
    """The change page: a reply (or an internal note) with an optional canned reply, and
    what it does to the request."""

    field_aliases = {"body": "reply"}

    canned = forms.ModelChoiceField(
        label=_("常用回复"), queryset=CannedReply.objects.none(), required=False,
        help_text=_("选择后其内容加在答复末尾"),
    )  # fmt: skip
    reply = forms.CharField(
        label=_("答复内容"), widget=UnfoldAdminTextareaWidget(attrs={"rows": 5}), required=False
    )
    reply_action = forms.ChoiceField(
        label=_("答复后"),
        choices=[
            ("reply", _("继续办理")),
            ("ask", _("请职工补充材料（暂停计时）")),
            ("resolve", _("办结")),
        ],
        initial="reply",
    )
    internal = forms.BooleanField(label=_("仅内部备注（职工看不到）"), required=False)
    slot = forms.ModelChoiceField(
        label=_("预约法律咨询时段"), queryset=ConsultationSlot.objects.none(), required=False
    )

    class Meta:
        model = HotlineRequest
        fields: list[str] = []

    def clean(self):
        data = super().clean()
        body = (data.get("reply") or "").strip()
        if data.get("canned"):
            body = f"{body}\n{data['canned'].body}".strip()
        data["reply"] = body
        if body and self.instance.state == State.CLOSED:
            raise ValidationError(_("诉求已关闭，不能再回复。如需继续办理，请先重新打开。"))
        self.add_service_error()
        return data


class CallerForm(ServiceErrorsMixin, forms.ModelForm):
    """The add page: a request for a caller on the phone."""

    def clean(self):
        data = super().clean()
        self.add_service_error()
        return data

    class Meta:
        model = HotlineRequest
        fields = [
            "caller_name",
            "caller_phone",
            "kind",
            "topic",
            "tier",
            "region",
            "title",
            "description",
        ]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["caller_name"].required = True
        self.fields["caller_phone"].required = True
        if user is not None:
            self.fields["region"].queryset = Region.objects.filter(
                scoped_regions(user), level__in=[Region.Level.CITY, Region.Level.COUNTY]
            ).order_by("code")


@admin.register(HotlineRequest)
class HotlineRequestAdmin(ServiceRefusalRerenders, ModelAdmin):
    list_display = (
        "number_display", "title", "state", "topic", "region", "assignee", "created_at",
        "due_display",
    )  # fmt: skip
    list_filter = ("state", "topic", "kind", RegionFilter, OverdueFilter, MineFilter)
    list_select_related = ("region", "assignee")
    list_per_page = 50
    show_full_result_count = False
    paginator = EstimatedCountPaginator
    ordering = ("-created_at", "-id")
    search_fields = ("=id", "=caller_phone")
    search_help_text = _("按编号数字或来电号码查找")
    inlines = [MessageInline, AttachmentInline, BookingInline, TransitionInline]
    actions = ["assign_to_me", "start_selected", "resolve_selected", "make_case", "tier_difficult"]
    readonly_fields = (
        "number_display", "state", "kind", "topic", "tier", "region", "title", "description",
        "member", "caller_name", "caller_phone", "channel", "assignee", "created_at",
        "first_response_due", "resolution_due", "first_response_at", "resolved_at", "is_overdue",
        "rating", "rating_comment", "case_article",
    )  # fmt: skip

    # --- access -------------------------------------------------------------------------
    def has_module_permission(self, request) -> bool:
        return user_can(request.user, Action.HOTLINE_HANDLE)

    def has_view_permission(self, request, obj=None) -> bool:
        if obj is not None:
            return user_can(request.user, Action.HOTLINE_HANDLE, region=obj.region)
        return self.has_module_permission(request)

    has_add_permission = has_module_permission

    def has_change_permission(self, request, obj=None) -> bool:
        return self.has_view_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def changelist_view(self, request, extra_context=None):
        """The list (a GET) reads from the replica when one is configured; actions (POST)
        stay on the primary. Rendered inside, as the template evaluates the queryset."""
        if request.method != "GET":
            return super().changelist_view(request, extra_context)
        warn_calendar_missing(request)
        with replica_reads():
            response = super().changelist_view(request, extra_context)
            if hasattr(response, "render"):
                response.render()
        return response

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .filter(region_scope_q(request.user, Action.HOTLINE_HANDLE))
            .select_related("region", "assignee")
        )

    # --- display ------------------------------------------------------------------------
    @admin.display(description=_("编号"), ordering="-id")
    def number_display(self, obj) -> str:
        return obj.number

    @admin.display(description=_("办结时限"))
    def due_display(self, obj) -> str:
        if obj.resolution_due is None or not obj.is_open:
            return "—"
        due = timezone.localtime(obj.resolution_due).strftime("%m-%d")
        if obj.is_overdue:
            return format_html('<strong style="color:#b42318">{} {}</strong>', due, _("超时"))
        return due

    # --- forms --------------------------------------------------------------------------
    def get_form(self, request, obj=None, change=False, **kwargs):
        service_error = self.service_refusal(request)
        if obj is None:
            user = request.user

            class Form(CallerForm):
                def __init__(self, *args, **kw):
                    super().__init__(*args, user=user, **kw)

            Form.service_error = service_error
            return Form

        user = request.user

        class Form(ReplyForm):
            def __init__(self, *args, **kw):
                super().__init__(*args, **kw)
                self.fields["canned"].queryset = canned_reply_list_for_staff(user=user)
                ids = [s.pk for s in consultation_slots_open_for(request=obj)]
                self.fields["slot"].queryset = ConsultationSlot.objects.filter(pk__in=ids)

        Form.service_error = service_error
        return Form

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return [(None, {"fields": CallerForm.Meta.fields})]
        return [
            (_("诉求"), {"fields": [
                "number_display", "state", "kind", "topic", "tier", "region", "title",
                "description", "member", "caller_name", "caller_phone", "channel", "assignee",
            ]}),
            (_("时限与评价"), {"fields": [
                "created_at", "first_response_due", "resolution_due", "first_response_at",
                "resolved_at", "is_overdue", "rating", "rating_comment", "case_article",
            ]}),
            (_("答复"), {"fields": ["canned", "reply", "reply_action", "internal", "slot"]}),
        ]  # fmt: skip

    def get_readonly_fields(self, request, obj=None):
        return () if obj is None else self.readonly_fields

    def get_inlines(self, request, obj):
        return self.inlines if obj is not None else []

    # --- audit every staff view -----------------------------------------------------------
    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, object_id)
        if obj is not None and request.method == "GET":
            audit_record(
                actor=request.user, action="hotline.view_request", target=obj, request=request
            )
        return super().change_view(request, object_id, form_url, extra_context)

    # --- writes through the services ------------------------------------------------------
    def save_model(self, request, obj, form, change) -> None:
        data = form.cleaned_data
        if not change:
            created = services.hotline_request_open_for_caller(
                agent=request.user,
                caller_name=data["caller_name"],
                caller_phone=data["caller_phone"],
                kind=data["kind"],
                topic=data["topic"],
                tier=data["tier"],
                title=data["title"],
                description=data["description"],
                region=data["region"],
            )
            obj.pk = created.pk
            obj.created_at = created.created_at
            return
        if data.get("reply") and obj.state == State.NEW and not data.get("internal"):
            services.hotline_request_assign(actor=request.user, request=obj, agent=request.user)
        # Booking first: a consultation booked with the answer that resolves the request is
        # the usual way of 办结 a legal question, while the booking service (rightly) refuses
        # a request that is already resolved. Both run in the admin's one transaction.
        if data.get("slot"):
            consultations.consultation_book(actor=request.user, request=obj, slot=data["slot"])
        if data.get("reply"):
            services.hotline_reply(
                actor=request.user,
                request=obj,
                body=data["reply"],
                internal=bool(data.get("internal")),
                action=data.get("reply_action") or "reply",
            )

    def save_related(self, request, form, formsets, change) -> None:
        return None  # inlines are read-only; nothing to save

    # --- bulk actions: the same services, one request at a time ---------------------------
    def _run(self, request, queryset, call, done) -> None:
        bulk_apply(
            self, request, queryset.select_related("region"), call,
            done=done, label=lambda item: item.number,
        )  # fmt: skip

    @admin.action(description=_("分派给我"))
    def assign_to_me(self, request, queryset):
        self._run(
            request, queryset,
            lambda r: services.hotline_request_assign(
                actor=request.user, request=r, agent=request.user
            ),
            _("已认领 %(n)d 条诉求。"),
        )  # fmt: skip

    @admin.action(description=_("开始办理"))
    def start_selected(self, request, queryset):
        self._run(
            request, queryset,
            lambda r: services.hotline_request_start(actor=request.user, request=r),
            _("%(n)d 条诉求开始办理。"),
        )  # fmt: skip

    @admin.action(description=_("办结"))
    def resolve_selected(self, request, queryset):
        self._run(
            request, queryset,
            lambda r: services.hotline_request_resolve(actor=request.user, request=r),
            _("已办结 %(n)d 条诉求。"),
        )  # fmt: skip

    @admin.action(description=_("调整为疑难事项（班长）"))
    def tier_difficult(self, request, queryset):
        self._run(
            request, queryset,
            lambda r: services.hotline_request_set_tier(
                actor=request.user, request=r, tier=Tier.DIFFICULT
            ),
            _("已调整 %(n)d 条诉求的时限等级。"),
        )  # fmt: skip

    @admin.action(description=_("整理为典型案例（匿名化后提交审核）"))
    def make_case(self, request, queryset):
        self._run(
            request, queryset,
            lambda r: hotline_case_create(actor=request.user, request=r),
            _("已生成 %(n)d 篇典型案例草稿并提交审核。"),
        )  # fmt: skip
