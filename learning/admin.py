"""Authoring in the admin, scoped by region like articles (``Action.CONTENT_PUBLISH``):
courses and lessons, the question bank with its Excel/CSV import, papers and
competitions. Saving and every action go through the services."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.forms.models import BaseInlineFormSet
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _
from unfold.admin import ModelAdmin, TabularInline

from accounts.admin_scope import ScopedAdmin, scoped_regions_q
from accounts.permissions import Action, region_scope_q, user_can
from activities.selectors import points_audit_allowed
from learning.models import (
    Competition,
    CompetitionRound,
    Course,
    Difficulty,
    LearningReward,
    Lesson,
    Paper,
    PaperQuestion,
    PaperRule,
    Question,
    QuestionKind,
    Tag,
)
from learning.services.authoring import (
    PaperItem,
    PaperRuleSpec,
    RoundSpec,
    competition_fields_check,
    competition_rounds_check,
    competition_save,
    paper_fields_check,
    paper_items_check,
    paper_save,
)
from learning.services.courses import course_archive, course_publish, course_save, lesson_save
from learning.services.questions import (
    OPTION_LETTERS,
    _row_to_question,
    question_create,
    question_import,
)
from regions.models import Region


def _scoped_region_queryset(user):
    return Region.objects.filter(scoped_regions_q(user)).order_by("code")


# --- courses -----------------------------------------------------------------------------


class ScopedInline(TabularInline):
    """Rows of a scoped parent (lessons, paper questions, rounds): whoever may edit the
    parent may edit them; Django's per-model permissions are not used for authors."""

    def _may(self, request, obj=None) -> bool:
        region = getattr(obj, "region", None)
        if region is not None:
            return user_can(request.user, Action.CONTENT_PUBLISH, region=region)
        return user_can(request.user, Action.CONTENT_PUBLISH)

    def has_view_permission(self, request, obj=None) -> bool:
        return self._may(request, obj)

    def has_add_permission(self, request, obj=None) -> bool:
        return self._may(request, obj)

    def has_change_permission(self, request, obj=None) -> bool:
        return self._may(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return self._may(request, obj)


class LessonInline(ScopedInline):
    model = Lesson
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    extra = 1
    fields = ("position", "title", "minutes", "body", "video_url", "video_file", "attachment")


@admin.register(Course)
class CourseAdmin(ScopedAdmin):
    list_display = ("title", "category", "region", "status", "published_at")
    list_filter = ("status", "category")
    search_fields = ("title",)
    fields = ("region", "category", "title", "summary", "description", "points")
    inlines = [LessonInline]
    actions = ["publish_selected", "archive_selected"]

    def save_model(self, request, obj, form, change):
        course_save(actor=request.user, course=obj)

    def save_formset(self, request, form, formset, change):
        if formset.model is not Lesson:
            return super().save_formset(request, form, formset, change)
        for lesson in formset.save(commit=False):
            lesson_save(actor=request.user, lesson=lesson)
        for lesson in formset.deleted_objects:
            lesson.delete()
        return None

    def _run(self, request, queryset, service, done_message):
        done = 0
        for course in queryset:
            try:
                service(actor=request.user, course=course)
                done += 1
            except ValidationError as error:
                self.message_user(request, f"{course}：{'；'.join(error.messages)}", messages.ERROR)
        if done:
            self.message_user(request, done_message % {"n": done}, messages.SUCCESS)

    @admin.action(description=_("发布所选课程"))
    def publish_selected(self, request, queryset):
        self._run(request, queryset, course_publish, _("已发布 %(n)d 门课程。"))

    @admin.action(description=_("下线所选课程"))
    def archive_selected(self, request, queryset):
        self._run(request, queryset, course_archive, _("已下线 %(n)d 门课程。"))


# --- questions ---------------------------------------------------------------------------


class QuestionAuthorForm(forms.Form):
    """One question, in the same shape as a row of the import file."""

    region = forms.ModelChoiceField(label=_("所属地区"), queryset=Region.objects.none())
    kind = forms.ChoiceField(label=_("题型"), choices=QuestionKind.choices)
    stem = forms.CharField(label=_("题干"), widget=forms.Textarea(attrs={"rows": 3}))
    answer = forms.CharField(
        label=_("答案"),
        max_length=200,
        help_text=_("选择题填字母（多选如ABD），判断题填“对/错”，填空题多个答案用“|”分隔。"),
    )
    explanation = forms.CharField(
        label=_("解析"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    difficulty = forms.TypedChoiceField(
        label=_("难度"), choices=Difficulty.choices, coerce=int, initial=2
    )
    tags = forms.CharField(label=_("标签"), required=False, help_text=_("多个标签用逗号分隔。"))

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = _scoped_region_queryset(user)
        for letter in OPTION_LETTERS:
            self.fields[f"option_{letter}"] = forms.CharField(
                label=_("选项%(l)s") % {"l": letter}, max_length=300, required=False
            )

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        labels = {
            value: key
            for key, value in {
                "单选": QuestionKind.SINGLE,
                "多选": QuestionKind.MULTIPLE,
                "判断": QuestionKind.TRUE_FALSE,
                "填空": QuestionKind.FILL,
            }.items()
        }
        values = {k: str(v) for k, v in data.items() if k != "region"}
        values["kind"] = labels[data["kind"]]
        values["difficulty"] = str(data["difficulty"])
        try:
            data["parsed"] = _row_to_question(values)
        except ValidationError as error:
            raise forms.ValidationError(error.messages) from error
        return data


class QuestionImportForm(forms.Form):
    region = forms.ModelChoiceField(label=_("所属地区"), queryset=Region.objects.none())
    file = forms.FileField(label=_("题目文件（.xlsx 或 .csv）"))

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = _scoped_region_queryset(user)


class QuestionChangeForm(forms.ModelForm):
    class Meta:
        model = Question
        fields = ("explanation", "difficulty", "tags", "is_active")


@admin.register(Question)
class QuestionAdmin(ScopedAdmin):
    list_display = ("short_stem", "kind", "difficulty", "region", "is_active")
    list_filter = ("kind", "difficulty", "is_active", "tags")
    search_fields = ("stem",)
    form = QuestionChangeForm
    readonly_fields = ("kind", "stem", "choice_summary", "fill_answers", "region")
    fields = (
        "region",
        "kind",
        "stem",
        "choice_summary",
        "fill_answers",
        "explanation",
        "difficulty",
        "tags",
        "is_active",
    )
    change_list_template = "admin/learning/question_changelist.html"

    @admin.display(description=_("题干"))
    def short_stem(self, obj):
        return obj.stem[:40]

    @admin.display(description=_("选项"))
    def choice_summary(self, obj):
        return "；".join(f"{'✔' if c.is_correct else '　'}{c.text}" for c in obj.choices.all())

    def get_urls(self):
        return [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="learning_question_import",
            ),
            path(
                "author/",
                self.admin_site.admin_view(self.author_view),
                name="learning_question_author",
            ),
            *super().get_urls(),
        ]

    def add_view(self, request, form_url="", extra_context=None):
        return redirect("admin:learning_question_author")

    def author_view(self, request):
        if not self.has_add_permission(request):
            return redirect("admin:index")
        form = QuestionAuthorForm(request.POST or None, user=request.user)
        if request.method == "POST" and form.is_valid():
            try:
                question, created = question_create(
                    actor=request.user,
                    region=form.cleaned_data["region"],
                    **form.cleaned_data["parsed"],
                )
            except ValidationError as error:
                form.add_error(None, error.messages)
            else:
                if created:
                    self.message_user(request, _("题目已加入题库。"), messages.SUCCESS)
                else:
                    self.message_user(
                        request, _("题库中已有相同的题目，未重复添加。"), messages.WARNING
                    )
                return redirect("admin:learning_question_change", question.pk)
        context = {
            **self.admin_site.each_context(request),
            "form": form,
            "title": _("编写题目"),
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/learning/question_form.html", context)

    def import_view(self, request):
        if not self.has_add_permission(request):
            return redirect("admin:index")
        form = QuestionImportForm(request.POST or None, request.FILES or None, user=request.user)
        report = None
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            if upload.size > 5 * 1024 * 1024:
                form.add_error("file", _("文件不能超过5MB。"))
            else:
                try:
                    report = question_import(
                        actor=request.user,
                        region=form.cleaned_data["region"],
                        name=upload.name,
                        content=upload.read(),
                    )
                except ValidationError as error:
                    form.add_error("file", error.messages)
        context = {
            **self.admin_site.each_context(request),
            "form": form,
            "report": report,
            "title": _("导入题目"),
            "opts": self.model._meta,
            "headers": [
                "题型",
                "题干",
                *[f"选项{c}" for c in OPTION_LETTERS],
                "答案",
                "解析",
                "难度",
                "标签",
            ],
        }
        return TemplateResponse(request, "admin/learning/question_import.html", context)


@admin.register(Tag)
class TagAdmin(ModelAdmin):
    search_fields = ("name",)

    def has_module_permission(self, request):
        return user_can(request.user, Action.CONTENT_PUBLISH)

    has_view_permission = has_add_permission = has_change_permission = (
        lambda self, request, obj=None: user_can(request.user, Action.CONTENT_PUBLISH)
    )


# --- papers and competitions -------------------------------------------------------------
# One write path: the forms only collect input; paper_save / competition_save validate
# and write. The same checks run during form validation (the last inline formset of the
# page sees the parent and its sibling formsets), so bad input comes back as form errors.


class GroupedInlineFormSet(BaseInlineFormSet):
    """An inline formset that knows the other inline formsets of the same page (``group``,
    a list shared per request) and, when it is the last of them, runs the admin's
    ``check_items`` over the parent and all rows."""

    def __init__(self, *args, group=None, check=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.group = group if group is not None else []
        self.group.append(self)
        self.check = check

    def rows(self) -> list[dict]:
        return [
            form.cleaned_data
            for form in self.forms
            if getattr(form, "cleaned_data", None) and not form.cleaned_data.get("DELETE")
        ]

    def clean(self):
        super().clean()
        if self.check is None or self is not self.group[-1]:
            return
        if any(fs.total_error_count() for fs in self.group[:-1]) or any(
            form.errors for form in self.forms
        ):
            return
        self.check(self.instance, {fs.model: fs.rows() for fs in self.group})


class GroupedAdminMixin:
    """Wires ``GroupedInlineFormSet``s together and turns a late service refusal (a race
    after validation) into a message instead of a 500."""

    def get_formset_kwargs(self, request, obj, inline, prefix):
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        if not hasattr(request, "_learning_formsets"):
            request._learning_formsets = []
        kwargs["group"] = request._learning_formsets
        kwargs["check"] = lambda parent, rows: self.check_items(request, parent, rows)
        return kwargs

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ValidationError as error:
            self.message_user(request, "；".join(error.messages), messages.ERROR)
            return redirect(request.get_full_path())

    def save_model(self, request, obj, form, change):
        # Saved with its rows in save_related, through the service.
        pass

    def _mark_saved(self, formsets) -> None:
        for formset in formsets:  # what construct_change_message reads
            formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []


def _raise_as_form_error(error: ValidationError):
    raise forms.ValidationError(error.messages) from error


def _paper_items(rows) -> tuple[list[PaperItem], list[PaperRuleSpec]]:
    questions = [
        PaperItem(question=r["question"], points=r["points"], position=r["position"])
        for r in rows.get(PaperQuestion, [])
    ]
    rules = [
        PaperRuleSpec(
            tag=r["tag"], count=r["count"], points=r["points"], difficulty=r.get("difficulty")
        )
        for r in rows.get(PaperRule, [])
    ]
    return questions, rules


class PaperAdminForm(forms.ModelForm):
    class Meta:
        model = Paper
        fields = (
            "region",
            "title",
            "mode",
            "time_limit_minutes",
            "max_attempts",
            "pass_score",
            "show_answers",
            "is_published",
        )

    def _post_clean(self):
        super()._post_clean()
        try:
            paper_fields_check(paper=self.instance)
        except ValidationError as error:
            for field, problems in error.message_dict.items():
                if field not in self.errors:
                    self.add_error(field, problems)


class PaperQuestionInline(ScopedInline):
    model = PaperQuestion
    formset = GroupedInlineFormSet
    extra = 0
    autocomplete_fields = ("question",)


class PaperRuleInline(ScopedInline):
    model = PaperRule
    formset = GroupedInlineFormSet
    extra = 0


@admin.register(Paper)
class PaperAdmin(GroupedAdminMixin, ScopedAdmin):
    form = PaperAdminForm
    list_display = ("title", "mode", "time_limit_minutes", "max_attempts", "region", "is_published")
    list_filter = ("mode", "is_published")
    inlines = [PaperQuestionInline, PaperRuleInline]

    def check_items(self, request, obj, rows) -> None:
        questions, rules = _paper_items(rows)
        try:
            paper_items_check(paper=obj, questions=questions, rules=rules)
        except ValidationError as error:
            _raise_as_form_error(error)

    def save_related(self, request, form, formsets, change):
        questions, rules = _paper_items({fs.model: fs.rows() for fs in formsets})
        paper_save(actor=request.user, paper=form.instance, questions=questions, rules=rules)
        self._mark_saved(formsets)


class CompetitionAdminForm(forms.ModelForm):
    class Meta:
        model = Competition
        fields = (
            "region",
            "title",
            "description",
            "organizer",
            "registration_opens_at",
            "registration_closes_at",
            "ends_at",
            "members_only",
            "eligible_region",
            "eligible_trades",
            "first_prizes",
            "second_prizes",
            "third_prizes",
            "award_points",
            "is_published",
        )

    def _post_clean(self):
        # The model's date constraint repeats competition_fields_check; report it once.
        super()._post_clean()
        try:
            competition_fields_check(competition=self.instance)
        except ValidationError as error:
            self._errors.pop("__all__", None)
            for field, problems in error.message_dict.items():
                if field not in self.errors:
                    self.add_error(field, problems)


class CompetitionRoundInline(ScopedInline):
    model = CompetitionRound
    formset = GroupedInlineFormSet
    extra = 0

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "paper":
            kwargs["queryset"] = Paper.objects.filter(
                Q(is_published=True) | region_scope_q(request.user, Action.CONTENT_PUBLISH)
            ).order_by("-created_at")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


def _round_specs(rows) -> list[RoundSpec]:
    return [
        RoundSpec(
            position=r["position"],
            title=r["title"],
            paper=r["paper"],
            opens_at=r["opens_at"],
            closes_at=r["closes_at"],
        )
        for r in rows.get(CompetitionRound, [])
    ]


@admin.register(Competition)
class CompetitionAdmin(GroupedAdminMixin, ScopedAdmin):
    form = CompetitionAdminForm
    list_display = (
        "title",
        "region",
        "registration_opens_at",
        "registration_closes_at",
        "ends_at",
        "awards_issued_at",
    )
    inlines = [CompetitionRoundInline]
    readonly_fields = ("awards_issued_at",)
    actions = ["issue_awards"]

    def check_items(self, request, obj, rows) -> None:
        try:
            competition_rounds_check(actor=request.user, competition=obj, rounds=_round_specs(rows))
        except ValidationError as error:
            _raise_as_form_error(error)

    def save_related(self, request, form, formsets, change):
        rounds = _round_specs({fs.model: fs.rows() for fs in formsets})
        competition_save(actor=request.user, competition=form.instance, rounds=rounds)
        self._mark_saved(formsets)

    @admin.action(description=_("颁发奖项（存入获奖者卡包）"))
    def issue_awards(self, request, queryset):
        from core.outbox import outbox_enqueue
        from learning.tasks import issue_competition_awards

        for competition in queryset:
            if not user_can(request.user, Action.CONTENT_PUBLISH, region=competition.region):
                continue
            from django.utils import timezone

            if timezone.now() < competition.ends_at:
                self.message_user(
                    request, _("%(c)s：竞赛结束后才能颁奖。") % {"c": competition}, messages.ERROR
                )
                continue
            outbox_enqueue(issue_competition_awards, args=[competition.pk])
            self.message_user(
                request, _("%(c)s：正在颁发奖项。") % {"c": competition}, messages.SUCCESS
            )


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
