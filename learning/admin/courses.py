"""Courses and their lessons, saved, published and archived through the services."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.admin_scope import ScopedAdmin
from learning.admin.common import ScopedInline
from learning.models import Course, Lesson
from learning.services.courses import course_archive, course_publish, course_save, lesson_save


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
