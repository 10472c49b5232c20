"""Articles that province, city and county unions publish on their region pages."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Article(models.Model):
    """News, notices, typical cases and policy explainers of one region.

    Written only through ``publishing.services.articles``: the body is sanitised, the search
    document rebuilt and each status change recorded as an ``ArticleTransition`` there.
    """

    class Kind(models.TextChoices):
        NEWS = "news", _("新闻动态")
        NOTICE = "notice", _("通知公告")
        CASE = "case", _("典型案例")
        POLICY = "policy", _("政策解读")

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        SUBMITTED = "submitted", _("待审核")
        SCHEDULED = "scheduled", _("待定时发布")
        PUBLISHED = "published", _("已发布")
        ARCHIVED = "archived", _("已归档")

    region = models.ForeignKey(
        "regions.Region", verbose_name=_("地区"), on_delete=models.PROTECT, related_name="articles"
    )
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices, default=Kind.NEWS)
    title = models.CharField(_("标题"), max_length=120)
    summary = models.CharField(_("摘要"), max_length=300, blank=True)
    body = models.TextField(_("正文"), blank=True)
    tags = models.CharField(
        _("标签"), max_length=200, blank=True, help_text=_("多个标签用逗号分隔")
    )
    cover = models.ImageField(_("封面图"), upload_to="articles/covers/%Y/%m/", blank=True)
    #: Resized copies of the cover: {"320": "articles/renditions/…-320.webp", …}
    cover_renditions = models.JSONField(_("封面缩略图"), default=dict, blank=True, editable=False)
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    publish_at = models.DateTimeField(
        _("定时发布时间"), null=True, blank=True, help_text=_("留空则审核通过后立即发布")
    )
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("作者"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    read_count = models.PositiveIntegerField(_("阅读数"), default=0, editable=False)
    #: Title, summary, tags and body segmented by rjieba and joined by spaces
    #: (core.search); PostgreSQL indexes it with GIN over to_tsvector('simple', …).
    search_document = models.TextField(_("检索文本"), blank=True, editable=False)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("更新时间"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("文章")
        verbose_name_plural = _("文章")
        ordering = ["-published_at", "-id"]
        indexes = [
            models.Index(fields=["region", "status", "kind", "-published_at"]),
            models.Index(fields=["status", "publish_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="published") | models.Q(published_at__isnull=False),
                name="regions_article_published_has_time",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="scheduled") | models.Q(publish_at__isnull=False),
                name="regions_article_scheduled_has_time",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("publishing:article_detail", kwargs={"pk": self.pk})

    @property
    def tag_list(self) -> list[str]:
        return [tag for tag in self.tags.split(",") if tag]

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED


class ArticleAttachment(models.Model):
    article = models.ForeignKey(
        Article, verbose_name=_("文章"), on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(_("文件"), upload_to="articles/attachments/%Y/%m/")
    name = models.CharField(_("文件名"), max_length=120)
    kind = models.CharField(_("文件类型"), max_length=10)
    size = models.PositiveIntegerField(_("大小（字节）"))
    created_at = models.DateTimeField(_("上传时间"), default=timezone.now)

    class Meta:
        verbose_name = _("附件")
        verbose_name_plural = _("附件")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class ArticleTransition(models.Model):
    """One step of an article's workflow: who moved it from which status to which, when.
    Append-only."""

    article = models.ForeignKey(
        Article, verbose_name=_("文章"), on_delete=models.CASCADE, related_name="transitions"
    )
    from_status = models.CharField(
        _("原状态"), max_length=10, choices=Article.Status.choices, blank=True
    )
    to_status = models.CharField(_("新状态"), max_length=10, choices=Article.Status.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    note = models.CharField(_("说明"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("时间"), default=timezone.now)

    class Meta:
        verbose_name = _("流转记录")
        verbose_name_plural = _("流转记录")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.from_status or '-'} → {self.to_status}"
