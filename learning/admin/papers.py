"""Papers: fixed question lists or drawing rules, validated with their rows by ``paper_save``."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError

from accounts.admin_scope import ScopedAdmin
from learning.admin.common import (
    GroupedAdminMixin,
    GroupedInlineFormSet,
    ScopedInline,
    raise_as_form_error,
)
from learning.models import Paper, PaperQuestion, PaperRule
from learning.services.authoring import (
    PaperItem,
    PaperRuleSpec,
    paper_fields_check,
    paper_items_check,
    paper_save,
)


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
            raise_as_form_error(error)

    def save_related(self, request, form, formsets, change):
        questions, rules = _paper_items({fs.model: fs.rows() for fs in formsets})
        paper_save(actor=request.user, paper=form.instance, questions=questions, rules=rules)
        self._mark_saved(formsets)
