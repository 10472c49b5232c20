"""The admin for city and county editors: each sees and edits only their region subtree
(``accounts.permissions``); saving and every workflow action go through the services."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from unfold.admin import TabularInline
from unfold.widgets import UnfoldAdminTextareaWidget

from accounts.admin_scope import ScopedAdmin
from accounts.permissions import Action, user_can
from core.uploads import attachment_check, image_check
from publishing.services.articles import (
    EDITABLE_FIELDS,
    article_archive,
    article_attachment_add,
    article_body_sanitise,
    article_create,
    article_may_publish,
    article_publish,
    article_return,
    article_submit,
    article_update,
)
from publishing.services.catalog import (
    ENTRY_FIELDS,
    service_entry_create,
    service_entry_update,
    service_override_set,
)
from regions.models import (
    Article,
    ArticleAttachment,
    ArticleTransition,
    ServiceEntry,
    ServiceOverride,
)

# --- articles ---------------------------------------------------------------------------


class ArticleAdminForm(forms.ModelForm):
    request_user = None  # set by ScopedAdmin.get_form

    class Meta:
        model = Article
        fields = ("region", "kind", "title", "summary", "body", "tags", "cover", "publish_at")
        widgets = {"body": UnfoldAdminTextareaWidget(attrs={"rows": 16})}

    def clean_cover(self):
        cover = self.cleaned_data.get("cover")
        if cover and hasattr(cover, "content_type"):  # a new upload, not the stored file
            image_check(cover)
        return cover

    def clean_body(self):
        body = article_body_sanitise(self.cleaned_data.get("body", ""))
        if not body:
            raise ValidationError(_("正文不能为空（不允许的标签和脚本已被去除）。"))
        return body

    def clean_region(self):
        region = self.cleaned_data.get("region")
        if region is not None and not user_can(
            self.request_user, Action.CONTENT_PUBLISH, region=region
        ):
            raise ValidationError(_("您只能在自己负责的地区（及其下辖地区）发布内容。"))
        return region

    def clean(self):
        cleaned = super().clean()
        article = self.instance
        if article.pk and article.status == Article.Status.ARCHIVED:
            raise ValidationError(_("已归档的文章不能修改。"))
        if (
            article.pk
            and article.status in (Article.Status.PUBLISHED, Article.Status.SCHEDULED)
            and not article_may_publish(user=self.request_user, article=article)
        ):
            raise ValidationError(_("已发布的文章只能由有发布权限的编辑修改。"))
        return cleaned


class AttachmentForm(forms.ModelForm):
    class Meta:
        model = ArticleAttachment
        fields = ("file",)

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload and hasattr(upload, "content_type"):
            attachment_check(upload)
        return upload


class AttachmentInline(TabularInline):
    model = ArticleAttachment
    form = AttachmentForm
    extra = 1
    fields = ("file", "name", "kind", "size")
    readonly_fields = ("name", "kind", "size")

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_add_permission(self, request, obj=None) -> bool:
        return obj is not None and user_can(request.user, Action.CONTENT_PUBLISH, region=obj.region)

    def has_delete_permission(self, request, obj=None) -> bool:
        return self.has_add_permission(request, obj)

    def has_view_permission(self, request, obj=None) -> bool:
        return True


class TransitionInline(TabularInline):
    model = ArticleTransition
    extra = 0
    fields = ("created_at", "from_status", "to_status", "actor", "note")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_view_permission(self, request, obj=None) -> bool:
        return True


def _run(modeladmin, request, queryset, service, done_text, **kwargs) -> None:
    done = 0
    for article in queryset.select_related("region__parent"):
        try:
            service(actor=request.user, article=article, **kwargs)
            done += 1
        except ValidationError as exc:
            modeladmin.message_user(
                request, f"《{article.title}》：{'；'.join(exc.messages)}", messages.ERROR
            )
    if done:
        modeladmin.message_user(request, done_text % {"n": done}, messages.SUCCESS)


@admin.register(Article)
class ArticleAdmin(ScopedAdmin):
    form = ArticleAdminForm
    list_display = (
        "title", "kind", "region", "status", "publish_at", "published_at", "read_count",
        "preview_link",
    )  # fmt: skip
    list_filter = ("status", "kind")
    search_fields = ("title", "summary", "tags")
    readonly_fields = ("status", "published_at", "read_count", "author", "preview_link")
    inlines = [AttachmentInline, TransitionInline]
    actions = ["submit_selected", "publish_selected", "return_selected", "archive_selected"]
    date_hierarchy = "created_at"

    def get_fields(self, request, obj=None):
        fields = ["region", "kind", "title", "summary", "body", "tags", "cover", "publish_at"]
        return [*fields, "status", "published_at", "read_count", "author", "preview_link"]

    @admin.display(description=_("预览"))
    def preview_link(self, obj) -> str:
        if not obj or not obj.pk:
            return "-"
        return format_html(
            '<a href="{}" target="_blank" rel="noopener">{}</a>',
            reverse("publishing:article_preview", kwargs={"pk": obj.pk}),
            _("预览"),
        )

    def save_model(self, request, obj, form, change) -> None:
        data = form.cleaned_data
        cover = data.get("cover") if "cover" in form.changed_data else None
        if cover is False:  # "clear" ticked: keep the cover, the service never drops it
            cover = None
        if change:
            changes = {f: data[f] for f in form.changed_data if f in EDITABLE_FIELDS}
            article = article_update(actor=request.user, article=obj, cover=cover, **changes)
        else:
            article = article_create(
                actor=request.user,
                region=data["region"],
                kind=data["kind"],
                title=data["title"],
                summary=data.get("summary", ""),
                body=data["body"],
                tags=data.get("tags", ""),
                cover=cover,
                publish_at=data.get("publish_at"),
            )
        obj.pk = article.pk
        obj.status = article.status

    def save_formset(self, request, form, formset, change) -> None:
        if formset.model is not ArticleAttachment:
            return super().save_formset(request, form, formset, change)
        article = form.instance
        deleted = formset.deleted_forms if formset.can_delete else []
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        for inline_form in deleted:
            if inline_form.instance.pk:
                inline_form.instance.delete()
                formset.deleted_objects.append(inline_form.instance)
        for inline_form in formset.forms:
            if inline_form in deleted or not inline_form.has_changed():
                continue
            upload = inline_form.cleaned_data.get("file")
            if upload and not inline_form.instance.pk:
                formset.new_objects.append(
                    article_attachment_add(actor=request.user, article=article, upload=upload)
                )
        return None

    @admin.action(description=_("提交审核"))
    def submit_selected(self, request, queryset):
        _run(self, request, queryset, article_submit, _("已提交 %(n)d 篇文章。"))

    @admin.action(description=_("审核发布（到定时发布时间自动上线）"))
    def publish_selected(self, request, queryset):
        _run(self, request, queryset, article_publish, _("已发布或排期 %(n)d 篇文章。"))

    @admin.action(description=_("退回修改"))
    def return_selected(self, request, queryset):
        _run(self, request, queryset, article_return, _("已退回 %(n)d 篇文章。"))

    @admin.action(description=_("归档"))
    def archive_selected(self, request, queryset):
        _run(self, request, queryset, article_archive, _("已归档 %(n)d 篇文章。"))


# --- services matrix --------------------------------------------------------------------


class ServiceEntryForm(forms.ModelForm):
    request_user = None

    class Meta:
        model = ServiceEntry
        fields = ("region", *ENTRY_FIELDS, "is_active")

    def clean_region(self):
        region = self.cleaned_data.get("region")
        if region is not None and not user_can(
            self.request_user, Action.CONTENT_PUBLISH, region=region
        ):
            raise ValidationError(_("您只能管理自己负责地区的服务入口。"))
        return region


@admin.register(ServiceEntry)
class ServiceEntryAdmin(ScopedAdmin):
    form = ServiceEntryForm
    list_display = ("title", "region", "icon", "audience", "order", "is_active")
    list_filter = ("audience", "is_active", "region__level")
    search_fields = ("title", "description")
    ordering = ("region__code", "order", "id")

    def save_model(self, request, obj, form, change) -> None:
        data = form.cleaned_data
        try:
            if change:
                changes = {
                    f: data[f] for f in form.changed_data if f in (*ENTRY_FIELDS, "is_active")
                }
                entry = service_entry_update(actor=request.user, entry=obj, **changes)
            else:
                entry = service_entry_create(
                    actor=request.user,
                    region=data["region"],
                    **{f: data[f] for f in ENTRY_FIELDS},
                )
        except ValidationError as exc:
            # The form checked scope and the model constraints already; this is a race.
            self.message_user(request, "；".join(exc.messages), messages.ERROR)
            return
        obj.pk = entry.pk


class ServiceOverrideForm(forms.ModelForm):
    request_user = None

    class Meta:
        model = ServiceOverride
        fields = ("region", "entry", "hidden", "order")

    def clean(self):
        cleaned = super().clean()
        region, entry = cleaned.get("region"), cleaned.get("entry")
        if region is None or entry is None:
            return cleaned
        if not user_can(self.request_user, Action.CONTENT_PUBLISH, region=region):
            raise ValidationError(_("您只能调整自己负责地区的服务入口。"))
        if entry.region_id == region.pk or not region.path.startswith(entry.region.path):
            raise ValidationError(_("只能调整从上级继承来的服务入口。"))
        if not cleaned.get("hidden") and cleaned.get("order") is None:
            raise ValidationError(_("请勾选“隐藏”或填写新的排序。"))
        return cleaned


@admin.register(ServiceOverride)
class ServiceOverrideAdmin(ScopedAdmin):
    form = ServiceOverrideForm
    list_display = ("entry", "region", "hidden", "order")
    list_filter = ("hidden",)
    list_select_related = ("entry", "region")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "entry":
            kwargs["queryset"] = ServiceEntry.objects.select_related("region").filter(
                region__level__in=["country", "province", "city"]
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change) -> None:
        data = form.cleaned_data
        override = service_override_set(
            actor=request.user,
            region=data["region"],
            entry=data["entry"],
            hidden=data["hidden"],
            order=data.get("order"),
        )
        if override is not None:
            obj.pk = override.pk
