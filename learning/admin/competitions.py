"""Competitions (冀高一筹) and their rounds, through ``competition_save``; awards issued
in the background."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.admin_scope import ScopedAdmin
from accounts.permissions import Action, region_scope_q, user_can
from core.outbox import outbox_enqueue
from learning.admin.common import (
    GroupedAdminMixin,
    GroupedInlineFormSet,
    ScopedInline,
    raise_as_form_error,
)
from learning.models import Competition, CompetitionRound, Paper
from learning.services.authoring import (
    RoundSpec,
    competition_fields_check,
    competition_rounds_check,
    competition_save,
)


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
            raise_as_form_error(error)

    def save_related(self, request, form, formsets, change):
        rounds = _round_specs({fs.model: fs.rows() for fs in formsets})
        competition_save(actor=request.user, competition=form.instance, rounds=rounds)
        self._mark_saved(formsets)

    @admin.action(description=_("颁发奖项（存入获奖者卡包）"))
    def issue_awards(self, request, queryset):
        for competition in queryset:
            if not user_can(request.user, Action.CONTENT_PUBLISH, region=competition.region):
                continue
            if timezone.now() < competition.ends_at:
                self.message_user(
                    request, _("%(c)s：竞赛结束后才能颁奖。") % {"c": competition}, messages.ERROR
                )
                continue
            # In the background: a big competition's awards would hold the request.
            outbox_enqueue("learning.tasks.issue_competition_awards", args=[competition.pk])
            self.message_user(
                request, _("%(c)s：正在颁发奖项。") % {"c": competition}, messages.SUCCESS
            )
