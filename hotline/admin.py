"""The hotline staff's workplace (django-unfold).

Agents see only requests within their region subtree (``accounts.permissions``); every
write — reply, internal note, assign, resolve, bulk actions, a phone caller's request —
goes through ``hotline.services``; every staff view of a request is audited. The list never
counts the whole table: an estimated count from the PostgreSQL planner.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import HttpResponseRedirect
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from unfold.admin import ModelAdmin, TabularInline
from unfold.widgets import UnfoldAdminTextareaWidget

from accounts.permissions import Action, region_scope_q, user_can, user_region_paths
from core.audit import audit_record
from core.db_router import replica_reads
from core.paginators import EstimatedCountPaginator
from hotline.calendar import calendar_year_is_entered
from hotline.models import (
    CalendarDay,
    CannedReply,
    ConsultationBooking,
    ConsultationSlot,
    HotlineRequest,
    HotlineTeamMember,
    Kind,
    RequestAttachment,
    RequestMessage,
    RequestTransition,
    State,
    Tier,
    Topic,
)
from hotline.selectors import canned_reply_list_for_staff
from hotline.services import calendar as calendar_services
from hotline.services import consultations
from hotline.services import requests as services
from hotline.services.canned import canned_reply_save
from hotline.services.cases import hotline_case_create
from regions.models import Region
from regions.selectors import region_tree


def _scoped_regions(user, action=Action.HOTLINE_HANDLE) -> Q:
    query = Q(pk__in=[])
    for path in user_region_paths(user, action):
        query |= Q(path__startswith=path)
    return query


class RegionFilter(admin.SimpleListFilter):
    """Cities first, then the counties of the city in hand: a sidebar of 180 places helps
    nobody, and each link costs a template render on every page of the list."""

    title = _("地区")
    parameter_name = "region"

    def lookups(self, request, model_admin):
        tree = region_tree()
        paths = user_region_paths(request.user, Action.HOTLINE_HANDLE)
        in_scope = {
            node.code: node
            for node in tree.nodes.values()
            if node.level in (Region.Level.CITY, Region.Level.COUNTY)
            and any(node.path.startswith(path) for path in paths)
        }
        tops = sorted(
            (node for node in in_scope.values() if node.parent_code not in in_scope),
            key=lambda node: node.code,
        )
        opened = {tops[0].code} if len(tops) == 1 else set()
        chosen = in_scope.get(self.value() or "")
        if chosen is not None:
            opened |= {chosen.code, chosen.parent_code}
        choices = []
        for top in tops:
            choices.append((top.code, top.name))
            if top.code in opened:
                choices.extend(
                    (code, f"· {tree.nodes[code].name}")
                    for code in top.child_codes
                    if code in in_scope
                )
        return choices

    def queryset(self, request, queryset):
        value = self.value()
        if not value:
            return queryset
        node = region_tree().get(value)
        if node is None:
            return queryset.none()
        return queryset.filter(region__path__startswith=node.path)


class OverdueFilter(admin.SimpleListFilter):
    title = _("超时")
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return [("1", _("已超时"))]

    def queryset(self, request, queryset):
        return queryset.filter(is_overdue=True) if self.value() == "1" else queryset


class MineFilter(admin.SimpleListFilter):
    title = _("承办人")
    parameter_name = "mine"

    def lookups(self, request, model_admin):
        return [("1", _("我承办的")), ("free", _("未分派"))]

    def queryset(self, request, queryset):
        if self.value() == "1":
            return queryset.filter(assignee=request.user)
        if self.value() == "free":
            return queryset.filter(state=State.NEW)
        return queryset


class MessageInline(TabularInline):
    model = RequestMessage
    extra = 0
    can_delete = False
    fields = ("created_at", "kind", "author", "body")
    readonly_fields = fields
    verbose_name_plural = _("沟通记录（内部备注职工看不到）")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("author")


class AttachmentInline(TabularInline):
    model = RequestAttachment
    extra = 0
    can_delete = False
    fields = ("name", "kind", "size", "file", "created_at")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class TransitionInline(TabularInline):
    model = RequestTransition
    extra = 0
    can_delete = False
    fields = ("created_at", "from_state", "to_state", "actor", "note")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")


class BookingInline(TabularInline):
    model = ConsultationBooking
    extra = 0
    can_delete = False
    fields = ("slot", "status", "booked_by", "created_at", "reminded_at")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ServiceErrorsMixin:
    """A form re-validated after a service refused the save: the refusal becomes form
    errors, so the page is rendered again with what was typed (see
    ``HotlineRequestAdmin.changeform_view``)."""

    service_error: ValidationError | None = None
    #: service argument name → form field name
    field_aliases: dict[str, str] = {}

    def add_service_error(self) -> None:
        exc = self.service_error
        if exc is None:
            return
        if hasattr(exc, "error_dict"):
            for name, errors in exc.error_dict.items():
                field = self.field_aliases.get(name, name)
                self.add_error(field if field in self.fields else None, errors)
        else:
            self.add_error(None, exc.messages)


class ServiceRefusalRerenders:
    """For an admin whose forms use ``ServiceErrorsMixin``: a service refusing the save
    (``ValidationError``) rolls the whole POST back (Django runs it in one transaction); the
    same POST is then validated once more with the refusal as form errors, so the page comes
    back with what was typed and the reason next to it — nothing saved, nothing lost.
    ``get_form`` passes ``service_refusal(request)`` to the form class."""

    @staticmethod
    def service_refusal(request) -> ValidationError | None:
        return getattr(request, "_hotline_service_error", None)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ValidationError as exc:
            if request.method != "POST":
                raise
            if self.service_refusal(request) is not None:
                # Refused again outside the form (should not happen): keep the old way out.
                self.message_user(request, " ".join(exc.messages), messages.ERROR)
                return HttpResponseRedirect(request.get_full_path())
            request._hotline_service_error = exc
            return super().changeform_view(request, object_id, form_url, extra_context)


def _warn_calendar_missing(request) -> None:
    """From November on, the next year's holidays should be in: the State Council publishes
    them around then, and without them time limits count only weekends."""
    if not user_can(request.user, Action.HOTLINE_SUPERVISE):
        return
    today = timezone.localdate()
    if today.month < 11 or calendar_year_is_entered(today.year + 1):
        return
    messages.warning(
        request,
        _("%(year)s年节假日安排尚未录入，时限将按普通周末计算") % {"year": today.year + 1},
    )


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
                _scoped_regions(user), level__in=[Region.Level.CITY, Region.Level.COUNTY]
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
        _warn_calendar_missing(request)
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
                from hotline.selectors import consultation_slots_open_for

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
        ok, errors = 0, []
        for item in queryset.select_related("region"):
            try:
                call(item)
                ok += 1
            except ValidationError as exc:
                errors.append(f"{item.number}：{' '.join(exc.messages)}")
        if ok:
            self.message_user(request, done % {"n": ok}, messages.SUCCESS)
        for error in errors[:10]:
            self.message_user(request, error, messages.ERROR)

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


class SupervisorScoped(ModelAdmin):
    def has_module_permission(self, request) -> bool:
        return user_can(request.user, Action.HOTLINE_HANDLE)

    def has_view_permission(self, request, obj=None) -> bool:
        return self.has_module_permission(request)

    def has_add_permission(self, request) -> bool:
        return user_can(request.user, Action.HOTLINE_SUPERVISE)

    def has_change_permission(self, request, obj=None) -> bool:
        return self.has_add_permission(request)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "region":
            kwargs["queryset"] = Region.objects.filter(_scoped_regions(request.user)).order_by(
                "code"
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def _save_via(self, request, call) -> None:
        try:
            call()
        except ValidationError as exc:
            raise ValidationError(exc.messages) from None

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ValidationError as exc:
            self.message_user(request, " ".join(exc.messages), messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())


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
        done = 0
        for booking in queryset:
            try:
                consultations.consultation_cancel(actor=request.user, booking=booking)
                done += 1
            except ValidationError as exc:
                self.message_user(request, " ".join(exc.messages), messages.ERROR)
        if done:
            self.message_user(request, _("已取消 %(n)d 个预约。") % {"n": done}, messages.SUCCESS)


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


class CalendarDayForm(ServiceErrorsMixin, forms.ModelForm):
    """One day, or on the add page a run of days (``last``) of one festival."""

    field_aliases = {"first": "date", "on_date": "date"}

    last = forms.DateField(
        label=_("至（含）"),
        required=False,
        help_text=_("连续放假时填写最后一天，一次录入整段假期；单独一天留空"),
    )

    class Meta:
        model = CalendarDay
        fields = ["date", "last", "kind", "name"]

    def validate_unique(self) -> None:
        """The service says which dates are already entered, for the whole run."""

    def clean(self):
        data = super().clean()
        self.add_service_error()
        return data


@admin.register(CalendarDay)
class CalendarDayAdmin(ServiceRefusalRerenders, ModelAdmin):
    """The State Council's holiday notice, entered by province staff; every hotline
    supervisor may look."""

    form = CalendarDayForm
    list_display = ("date", "weekday", "kind", "name", "updated_by", "updated_at")
    list_filter = ("kind",)
    list_select_related = ("updated_by",)
    date_hierarchy = "date"
    ordering = ("-date",)
    search_fields = ("name",)
    actions = ["delete_selected_days"]

    def has_module_permission(self, request) -> bool:
        return user_can(request.user, Action.HOTLINE_SUPERVISE)

    def has_view_permission(self, request, obj=None) -> bool:
        return self.has_module_permission(request)

    def has_add_permission(self, request) -> bool:
        return calendar_services.calendar_user_can_edit(user=request.user)

    def has_change_permission(self, request, obj=None) -> bool:
        return self.has_add_permission(request)

    def has_delete_permission(self, request, obj=None) -> bool:
        return self.has_add_permission(request)

    def get_actions(self, request):
        actions = super().get_actions(request)
        # Django's own bulk delete would bypass the service.
        actions.pop("delete_selected", None)
        return actions

    @admin.display(description=_("星期"))
    def weekday(self, obj) -> str:
        return "一二三四五六日"[obj.date.weekday()]

    def get_fields(self, request, obj=None):
        return ["date", "last", "kind", "name"] if obj is None else ["date", "kind", "name"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.service_error = self.service_refusal(request)
        return form

    def changelist_view(self, request, extra_context=None):
        if request.method == "GET":
            _warn_calendar_missing(request)
        return super().changelist_view(request, extra_context)

    def save_model(self, request, obj, form, change) -> None:
        data = form.cleaned_data
        if change:
            calendar_services.calendar_day_update(
                actor=request.user,
                day=obj,
                on_date=data.get("date"),
                kind=data.get("kind", ""),
                name=data.get("name", ""),
            )
            return
        created = calendar_services.calendar_days_add(
            actor=request.user,
            first=data.get("date"),
            last=data.get("last"),
            kind=data.get("kind", ""),
            name=data.get("name", ""),
        )
        obj.pk = created[0].pk
        if len(created) > 1:
            self.message_user(
                request,
                _("已录入%(first)s至%(last)s共%(n)d天。")
                % {"first": created[0].date, "last": created[-1].date, "n": len(created)},
                messages.SUCCESS,
            )

    def delete_model(self, request, obj) -> None:
        calendar_services.calendar_day_delete(actor=request.user, day=obj)

    def delete_view(self, request, object_id, extra_context=None):
        try:
            return super().delete_view(request, object_id, extra_context)
        except ValidationError as exc:
            self.message_user(request, " ".join(exc.messages), messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    @admin.action(description=_("删除所选日期"), permissions=["delete"])
    def delete_selected_days(self, request, queryset):
        done = 0
        for day in queryset:
            try:
                calendar_services.calendar_day_delete(actor=request.user, day=day)
                done += 1
            except ValidationError as exc:
                self.message_user(request, " ".join(exc.messages), messages.ERROR)
        if done:
            self.message_user(request, _("已删除 %(n)d 天。") % {"n": done}, messages.SUCCESS)


__all__ = ["HotlineRequestAdmin", "Kind", "Topic"]
