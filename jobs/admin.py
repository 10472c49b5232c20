"""Admin for union staff and employers, scoped by accounts.permissions; actions call services."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from unfold.admin import ModelAdmin

from accounts.permissions import Action, region_scope_q
from jobs import services
from jobs.models import Application, Employer, JobPost, Resume
from jobs.selectors import application_list_for_manager, job_post_list_for_manager


def _run(modeladmin, request, queryset, call, done: str) -> None:
    count = 0
    for obj in queryset:
        try:
            call(obj)
            count += 1
        except ValidationError as exc:
            modeladmin.message_user(request, f"{obj}：{'；'.join(exc.messages)}", messages.ERROR)
    if count:
        modeladmin.message_user(request, done % {"n": count}, messages.SUCCESS)


@admin.register(Employer)
class EmployerAdmin(ModelAdmin):
    list_display = ["name", "region", "contact_name", "verified_at"]
    search_fields = ["name", "credit_code"]
    readonly_fields = ["verified_at", "verified_by"]
    autocomplete_fields = ["users"]
    actions = ["verify"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .filter(region_scope_q(request.user, Action.JOBS_MODERATE))
            .select_related("region")
        )

    @admin.action(description=_("核验所选单位"))
    def verify(self, request, queryset):
        _run(
            self,
            request,
            queryset,
            lambda e: services.employer_verify(actor=request.user, employer=e),
            _("已核验 %(n)s 家单位。"),
        )


@admin.register(JobPost)
class JobPostAdmin(ModelAdmin):
    list_display = ["title", "employer", "region", "pay_min", "pay_max", "status", "valid_until"]
    list_filter = ["status", "employment_type"]
    search_fields = ["title", "employer__name"]
    readonly_fields = ["occupation", "status", "published_at", "created_by", "takedown_reason"]
    exclude = ["search_document"]
    actions = ["publish", "take_down"]

    def get_queryset(self, request):
        return job_post_list_for_manager(user=request.user)

    def has_add_permission(self, request):
        return False  # posts are created through the service (pay, expiry, scope checks)

    def has_change_permission(self, request, obj=None):
        return False  # changes go through the actions, so every write is checked and audited

    @admin.action(description=_("发布所选岗位"))
    def publish(self, request, queryset):
        _run(
            self,
            request,
            queryset,
            lambda p: services.job_post_publish(actor=request.user, post=p),
            _("已发布 %(n)s 个岗位。"),
        )

    @admin.action(description=_("下架所选岗位"))
    def take_down(self, request, queryset):
        _run(
            self,
            request,
            queryset,
            lambda p: services.job_post_take_down(
                actor=request.user, post=p, reason=str(_("工会审核下架"))
            ),
            _("已下架 %(n)s 个岗位。"),
        )


@admin.register(Application)
class ApplicationAdmin(ModelAdmin):
    list_display = ["user", "post", "status", "created_at", "interview_at"]
    list_filter = ["status"]
    readonly_fields = [f.name for f in Application._meta.fields]

    def get_queryset(self, request):
        return application_list_for_manager(user=request.user)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Resume)
class ResumeAdmin(ModelAdmin):
    """Résumés are the members' own: staff see only whether matching is stuck."""

    list_display = ["user", "match_state", "matched_at", "updated_at"]
    list_filter = ["match_state"]
    fields = ["user", "match_state", "match_missing", "matched_at"]
    readonly_fields = fields

    def get_queryset(self, request):
        qs = super().get_queryset(request).select_related("user")
        return qs if request.user.is_superuser else qs.none()

    def has_add_permission(self, request):
        return False
