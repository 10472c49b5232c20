"""Admin for union staff and employers, scoped by accounts.permissions; actions call services."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from unfold.admin import ModelAdmin

from accounts.permissions import Action, region_scope_q, user_can
from jobs import services
from jobs.models import Application, Employer, JobPost, Occupation, OccupationTitle, Resume
from jobs.selectors import (
    application_list_for_manager,
    employers_for_user,
    job_post_list_for_manager,
    resume_list_for_viewer,
)
from regions.models import Region


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


class _JobsStaffAdmin(ModelAdmin):
    """Open to union staff who moderate jobs somewhere (``accounts.permissions``); rows are
    limited to their scope by ``get_queryset``, so an object outside it is a 404."""

    def has_module_permission(self, request) -> bool:
        return user_can(request.user, Action.JOBS_MODERATE)

    def has_view_permission(self, request, obj=None) -> bool:
        return user_can(request.user, Action.JOBS_MODERATE)


@admin.register(Employer)
class EmployerAdmin(_JobsStaffAdmin):
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

    def save_related(self, request, form, formsets, change):
        """The accounts picked here get (or lose) the employer role through the service."""
        users = list(form.cleaned_data.get("users") or [])
        super().save_related(request, form, formsets, change)
        services.employer_set_users(actor=request.user, employer=form.instance, users=users)

    def has_add_permission(self, request) -> bool:
        return user_can(request.user, Action.JOBS_MODERATE)

    def has_change_permission(self, request, obj=None) -> bool:
        if obj is None:
            return user_can(request.user, Action.JOBS_MODERATE)
        return user_can(request.user, Action.JOBS_MODERATE, region=obj.region)

    @admin.action(description=_("核验所选单位"))
    def verify(self, request, queryset):
        _run(
            self,
            request,
            queryset,
            lambda e: services.employer_verify(actor=request.user, employer=e),
            _("已核验 %(n)s 家单位。"),
        )


class JobPostAdminForm(forms.ModelForm):
    """Union staff post on an employer's behalf: the fields are checked by the service's
    own rules (Chinese messages on the fields), and saving goes through ``job_post_create``."""

    skills = forms.CharField(
        label=_("技能要求"), required=False, help_text=_("多个请用逗号或顿号分隔")
    )
    certificates = forms.CharField(
        label=_("必备证书"), required=False, help_text=_("多个请用逗号或顿号分隔")
    )

    class Meta:
        model = JobPost
        fields = ["employer", *services.POST_FIELDS]

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.request = request
        if "employer" in self.fields:
            self.fields["employer"].queryset = employers_for_user(user=request.user)
        if "region" in self.fields:
            self.fields["region"].queryset = Region.objects.filter(
                path__startswith="100000/130000/",
                level__in=[Region.Level.CITY, Region.Level.COUNTY],
            ).order_by("code")

    def _post_clean(self):
        # The service validates (and the database constraints back it); the model's own
        # full_clean would only repeat it with less helpful messages.
        try:
            services.job_post_validate(data=self.cleaned_data)
        except ValidationError as exc:
            self._update_errors(exc)
        employer, region = self.cleaned_data.get("employer"), self.cleaned_data.get("region")
        if (
            employer
            and region
            and not services.job_post_may_create(
                actor=self.request.user, employer=employer, region=region
            )
        ):
            self.add_error("region", _("您无权在该地区为该单位发布岗位。"))


@admin.register(JobPost)
class JobPostAdmin(_JobsStaffAdmin):
    list_display = [
        "title",
        "occupation",
        "occupation_confidence",
        "employer",
        "region",
        "pay_min",
        "pay_max",
        "status",
        "valid_until",
    ]
    list_filter = ["status", "employment_type"]
    search_fields = ["title", "employer__name"]
    readonly_fields = [
        "occupation",
        "occupation_confidence",
        "occupation_source",
        "status",
        "published_at",
        "created_by",
        "takedown_reason",
    ]
    exclude = ["search_document"]
    actions = ["publish", "take_down"]
    form = JobPostAdminForm

    def get_queryset(self, request):
        return job_post_list_for_manager(user=request.user)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)

        class RequestForm(form):
            def __init__(self, *args, **kw):
                super().__init__(*args, request=request, **kw)

        return RequestForm

    def has_add_permission(self, request):
        return user_can(request.user, Action.JOBS_MODERATE)

    def has_change_permission(self, request, obj=None):
        return False  # edits go through the post pages and the actions (checked, audited)

    def save_model(self, request, obj, form, change):
        """Adding creates the post through ``job_post_create`` (a draft: publish it with the
        action, which checks the employer is verified)."""
        data = {k: form.cleaned_data.get(k) for k in services.POST_FIELDS}
        try:
            post = services.job_post_create(
                actor=request.user, employer=form.cleaned_data["employer"], **data
            )
        except ValidationError as exc:
            self.message_user(request, "；".join(exc.messages), messages.ERROR)
            raise
        obj.pk = post.pk
        obj.refresh_from_db()

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
class ApplicationAdmin(_JobsStaffAdmin):
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
class ResumeAdmin(_JobsStaffAdmin):
    """Union staff browse the résumés open to them in their region (the same rule as the
    employers' pages: ``resume_list_for_viewer``); phone numbers masked."""

    list_display = ["member", "phone", "titles", "region", "experience_years", "match_state"]
    list_filter = ["match_state", "education"]
    fields = [
        "member",
        "phone",
        "region",
        "titles",
        "expected_pay",
        "employment_types",
        "certificates",
        "skills",
        "experience_years",
        "education",
        "summary",
        "visibility",
        "occupations",
        "occupation_source",
        "match_state",
        "match_missing",
        "matched_at",
        "matched_by",
    ]
    readonly_fields = fields

    def get_queryset(self, request):
        return resume_list_for_viewer(user=request.user)

    @admin.display(description=_("会员"))
    def member(self, obj):
        name = obj.user.display_name or ""
        return f"{name[:1]}**" if name else "—"

    @admin.display(description=_("手机号"))
    def phone(self, obj):
        return obj.user.masked_phone

    @admin.display(description=_("期望职位"))
    def titles(self, obj):
        return "、".join(obj.desired_titles)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Occupation)
class OccupationAdmin(_JobsStaffAdmin):
    """The national classification as loaded (``manage.py load_occupations``): read-only."""

    list_display = ["code", "name", "minor_group", "medium_group"]
    search_fields = ["code", "name", "aliases"]
    list_filter = ["major_group"]
    readonly_fields = ["code", "name", "aliases", "minor_group", "medium_group", "major_group"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(OccupationTitle)
class OccupationTitleAdmin(_JobsStaffAdmin):
    """How titles are read: learned from the posts every night, or corrected here by staff.
    Saving a title sets it as a staff correction (``occupation_title_correct``): the learning
    never overwrites it, and the posts and résumés with that title are re-mapped now."""

    list_display = ["title", "occupation", "source", "confidence", "posts", "updated_at"]
    list_filter = ["source"]
    search_fields = ["title", "occupation__name", "occupation__code"]
    autocomplete_fields = ["occupation"]
    fields = ["title", "occupation"]

    def has_add_permission(self, request):
        return user_can(request.user, Action.JOBS_MODERATE)

    def has_change_permission(self, request, obj=None):
        return user_can(request.user, Action.JOBS_MODERATE)

    def has_delete_permission(self, request, obj=None):
        return user_can(request.user, Action.JOBS_MODERATE)

    def save_model(self, request, obj, form, change):
        try:
            changed = services.occupation_title_correct(
                actor=request.user,
                title=form.cleaned_data["title"],
                occupation=form.cleaned_data["occupation"],
            )
        except ValidationError as exc:
            self.message_user(request, "；".join(exc.messages), messages.ERROR)
            raise
        saved = OccupationTitle.objects.get(title=services.clean_occupation_title(obj.title))
        obj.pk = saved.pk
        self.message_user(request, _("已更正，%(n)s 个岗位或简历已重新对应。") % {"n": changed})
