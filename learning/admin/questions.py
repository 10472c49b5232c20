"""The question bank: authoring, the Excel/CSV import, and tags."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _
from unfold.admin import ModelAdmin

from accounts.admin_scope import ScopedAdmin
from accounts.permissions import Action, user_can
from learning.admin.common import scoped_region_queryset
from learning.models import Difficulty, Question, QuestionKind, Tag
from learning.services.questions import (
    OPTION_LETTERS,
    _row_to_question,
    question_create,
    question_import,
)
from regions.models import Region

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
        self.fields["region"].queryset = scoped_region_queryset(user)
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
        self.fields["region"].queryset = scoped_region_queryset(user)


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
