"""Officers' work in the admin: union organisations, 入会 applications, 转会 requests and
memberships, each limited to the officer's review scope (``accounts.permissions``).

Officers hold no Django model permissions: every ``has_*_permission`` answers from
``user_can(user, Action.MEMBERSHIP_REVIEW)``. Objects outside the scope are a 404, like
everywhere else. Decisions go through the same services as the member pages and the API;
rejecting asks for a reason on an intermediate page.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest
from django.template.response import TemplateResponse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from unfold.admin import ModelAdmin
from unfold.contrib.filters.admin import AutocompleteSelectFilter

from accounts.membership_forms import DecisionReasonForm
from accounts.models import Membership, MembershipApplication, TransferRequest, UnionOrganization
from accounts.permissions import Action, user_can
from accounts.selectors import membership as selectors
from accounts.services import membership as services
from accounts.services.unions import union_organization_create
from core.paginators import EstimatedCountPaginator


def _may_review(request: HttpRequest, obj=None) -> bool:
    return user_can(request.user, Action.MEMBERSHIP_REVIEW)


class _ScopedAdmin(ModelAdmin):
    """Visible to anyone who may review memberships somewhere; rows limited to the scope by
    ``get_queryset``; an object outside it is a 404, not a redirect that confirms it."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return _may_review(request)

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return _may_review(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_review_permission(self, request: HttpRequest) -> bool:
        return _may_review(request)

    def _require_in_scope(self, request: HttpRequest, object_id: str | None) -> None:
        if object_id and self.get_object(request, unquote(object_id)) is None:
            raise Http404(gettext("没有找到该记录。"))

    def change_view(self, request, object_id, form_url="", extra_context=None):
        self._require_in_scope(request, object_id)
        return super().change_view(request, object_id, form_url, extra_context)

    def history_view(self, request, object_id, extra_context=None):
        self._require_in_scope(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def _run(self, request: HttpRequest, queryset, call, done_message: str) -> None:
        """Apply one service call per selected row, each in its own transaction, and report
        successes and refusals (in Chinese) separately."""
        done = 0
        for obj in queryset:
            try:
                call(obj)
            except (ValidationError, PermissionDenied) as exc:
                text = " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
                self.message_user(request, f"{obj}：{text}", messages.ERROR)
            else:
                done += 1
        if done:
            self.message_user(request, done_message % {"count": done}, messages.SUCCESS)

    def _reason_step(self, request: HttpRequest, queryset, *, action: str, title: str, call):
        """First show a page asking for the reason; on its submission run ``call(obj,
        reason)`` for each row. Returns the page, or None to go back to the list."""
        form = DecisionReasonForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            reason = form.cleaned_data["reason"]
            self._run(
                request,
                queryset,
                lambda obj: call(obj, reason),
                gettext("已驳回 %(count)d 条。"),
            )
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": title,
            "opts": self.model._meta,
            "queryset": queryset,
            "form": form,
            "action": action,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "accounts/membership_admin_reason.html", context)


@admin.register(UnionOrganization)
class UnionOrganizationAdmin(_ScopedAdmin):
    list_display = ("name", "kind", "region", "parent", "accepts_applications")
    list_filter = ("kind", "accepts_applications")
    search_fields = ("name", "employer_name", "trades", "credit_code")
    fields = (
        "name",
        "kind",
        "parent",
        "region",
        "employer_name",
        "credit_code",
        "trades",
        "accepts_applications",
    )

    def get_queryset(self, request: HttpRequest):
        return selectors.union_organization_list_for_reviewer(user=request.user)

    def get_readonly_fields(self, request: HttpRequest, obj=None):
        # The place in the tree is fixed at creation (paths of everything below depend on it).
        return ("name", "kind", "parent", "region") if obj is not None else ()

    def has_add_permission(self, request: HttpRequest) -> bool:
        return _may_review(request)

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return _may_review(request)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "parent":
            kwargs["queryset"] = selectors.union_organization_list_for_reviewer(user=request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        if obj is not None:
            return form
        user = request.user

        class CreateThroughService(form):
            def _post_clean(self):
                # The service validates and saves (it computes the path); the plain model
                # validation would pass a row without one. add_view rolls back on errors.
                if self._errors:
                    return
                data = self.cleaned_data
                parent = data.get("parent")
                if parent is None and not user.is_superuser:
                    self.add_error("parent", gettext("请选择您负责范围内的上级工会。"))
                    return
                try:
                    self.instance = union_organization_create(
                        name=data.get("name") or "",
                        kind=data.get("kind"),
                        region=data.get("region"),
                        parent=parent,
                        employer_name=data.get("employer_name") or "",
                        credit_code=data.get("credit_code") or "",
                        trades=data.get("trades") or "",
                        accepts_applications=data.get("accepts_applications", True),
                    )
                except ValidationError as exc:
                    self.add_error(None, exc.messages)

        return CreateThroughService

    def save_model(self, request, obj, form, change):
        if change:
            obj.save(
                update_fields=["employer_name", "credit_code", "trades", "accepts_applications"]
            )
        # New organisations were saved by the service in the form's validation.

    def save_form(self, request, form, change):
        return form.instance if not change else super().save_form(request, form, change)

    def add_view(self, request, form_url="", extra_context=None):
        # Creating through the service happens during validation; one transaction keeps a
        # form refused afterwards from leaving a row behind.
        with transaction.atomic():
            response = super().add_view(request, form_url, extra_context)
            if request.method == "POST" and response.status_code != 302:
                transaction.set_rollback(True)
        return response

    def save_related(self, request, form, formsets, change):
        return None


@admin.register(MembershipApplication)
class MembershipApplicationAdmin(_ScopedAdmin):
    list_display = (
        "user",
        "organization",
        "occupation",
        "employment_form",
        "status",
        "submitted_at",
        "decided_at",
    )
    list_filter = ("status", "employment_form", ("organization", admin.RelatedOnlyFieldListFilter))
    search_fields = ("user__phone", "user__display_name", "employer", "occupation")
    date_hierarchy = "submitted_at"
    readonly_fields = (
        "user",
        "organization",
        "employer",
        "occupation",
        "employment_form",
        "status",
        "submitted_at",
        "decided_at",
        "decided_by",
        "decision_reason",
        "membership",
    )
    fields = readonly_fields
    actions = ("approve_selected", "reject_selected")

    def get_queryset(self, request: HttpRequest):
        return selectors.membership_application_list_for_reviewer(user=request.user)

    @admin.action(description=_("通过所选入会申请"), permissions=("review",))
    def approve_selected(self, request, queryset):
        self._run(
            request,
            queryset,
            lambda obj: services.membership_application_approve(
                application=obj, officer=request.user
            ),
            gettext("已通过 %(count)d 份入会申请，电子会员卡已发放。"),
        )

    @admin.action(description=_("驳回所选入会申请（需填写理由）"), permissions=("review",))
    def reject_selected(self, request, queryset):
        return self._reason_step(
            request,
            queryset,
            action="reject_selected",
            title=gettext("驳回入会申请"),
            call=lambda obj, reason: services.membership_application_reject(
                application=obj, officer=request.user, reason=reason
            ),
        )


@admin.register(TransferRequest)
class TransferRequestAdmin(_ScopedAdmin):
    list_display = (
        "user",
        "from_organization",
        "to_organization",
        "status",
        "requested_at",
        "released_at",
        "completed_at",
    )
    list_filter = (
        "status",
        ("to_organization", admin.RelatedOnlyFieldListFilter),
        ("from_membership__organization", admin.RelatedOnlyFieldListFilter),
    )
    search_fields = ("user__phone", "user__display_name", "employer")
    readonly_fields = (
        "user",
        "from_membership",
        "to_organization",
        "employer",
        "occupation",
        "employment_form",
        "reason",
        "status",
        "requested_at",
        "released_at",
        "released_by",
        "completed_at",
        "accepted_by",
        "decision_reason",
        "to_membership",
    )
    fields = readonly_fields
    actions = ("release_selected", "accept_selected", "reject_selected")

    def get_queryset(self, request: HttpRequest):
        return selectors.transfer_request_list_for_reviewer(user=request.user)

    @admin.display(description=_("转出工会"))
    def from_organization(self, obj: TransferRequest) -> str:
        return obj.from_membership.organization.name

    @admin.action(description=_("同意转出（原工会）"), permissions=("review",))
    def release_selected(self, request, queryset):
        self._run(
            request,
            queryset,
            lambda obj: services.transfer_release(transfer=obj, officer=request.user),
            gettext("已同意转出 %(count)d 份转会申请。"),
        )

    @admin.action(description=_("接收入会（新工会），完成转会"), permissions=("review",))
    def accept_selected(self, request, queryset):
        self._run(
            request,
            queryset,
            lambda obj: services.transfer_accept(transfer=obj, officer=request.user),
            gettext("已接收 %(count)d 名会员，转会完成。"),
        )

    @admin.action(description=_("驳回所选转会申请（需填写理由）"), permissions=("review",))
    def reject_selected(self, request, queryset):
        return self._reason_step(
            request,
            queryset,
            action="reject_selected",
            title=gettext("驳回转会申请"),
            call=lambda obj, reason: services.transfer_reject(
                transfer=obj, officer=request.user, reason=reason
            ),
        )


@admin.register(Membership)
class MembershipAdmin(_ScopedAdmin):
    """Read-only: memberships start and end only through approvals and transfers."""

    list_display = ("user", "organization", "status", "employment_form", "started_at", "ended_at")
    # 9,000 unions at province scale: chosen by typing, not listed (nor found by a DISTINCT
    # over 500,000 memberships as RelatedOnlyFieldListFilter would).
    list_filter = ("status", "employment_form", ("organization", AutocompleteSelectFilter))
    list_filter_submit = True
    search_fields = ("user__phone", "user__display_name", "employer", "occupation")
    paginator = EstimatedCountPaginator
    show_full_result_count = False
    # unfold renders a list cell by cell: 50 rows, not 100, halve the page's time.
    list_per_page = 50
    readonly_fields = (
        "user",
        "organization",
        "status",
        "employer",
        "occupation",
        "employment_form",
        "started_at",
        "ended_at",
        "end_reason",
    )
    fields = readonly_fields

    def get_queryset(self, request: HttpRequest):
        return selectors.membership_list_for_reviewer(user=request.user)
