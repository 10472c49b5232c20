"""Writes for articles: create, edit and the draft → submitted → published → archived flow.

Every function checks the actor's scope through ``accounts.permissions`` and raises
``ValidationError`` with a Chinese message on refusal or bad input; nothing is saved then.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import nh3
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.translation import gettext as _

from accounts.permissions import Action, user_can
from core.audit import audit_record
from core.search import search_document
from core.uploads import attachment_check, image_check, image_renditions
from regions.models import Article, ArticleAttachment, ArticleTransition, Region

Status = Article.Status

ALLOWED_TAGS = {
    "p", "br", "hr", "strong", "b", "em", "i", "u", "s", "sub", "sup", "span",
    "h2", "h3", "h4", "ul", "ol", "li", "blockquote", "pre", "code",
    "a", "img", "figure", "figcaption", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "width", "height"},
    "th": {"colspan", "rowspan"},
    "td": {"colspan", "rowspan"},
}
URL_SCHEMES = {"http", "https", "mailto", "tel"}


def article_body_sanitise(body: str) -> str:
    """The body with only harmless markup: no script, style, event attributes or
    javascript: links; links get rel="noopener noreferrer"."""
    return nh3.clean(
        body or "",
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    ).strip()


def _tags_normalise(tags: str | list[str]) -> str:
    if isinstance(tags, str):
        for sep in ("，", "、", ";", "；", " "):
            tags = tags.replace(sep, ",")
        tags = tags.split(",")
    cleaned: list[str] = []
    for tag in tags:
        tag = tag.strip()[:20]
        if tag and tag not in cleaned:
            cleaned.append(tag)
    result = ",".join(cleaned[:10])
    if len(result) > 200:
        raise ValidationError(_("标签太多了，请精简。"))
    return result


def _require_scope(actor: Any, region: Region) -> None:
    if not user_can(actor, Action.CONTENT_PUBLISH, region=region):
        raise ValidationError(
            _("您只能在自己负责的地区（及其下辖地区）编辑内容，无权操作“%(region)s”。")
            % {"region": region.name}
        )


def article_approval_region(*, article: Article) -> Region:
    """The region whose editors may publish ``article``: its city when it is a county
    article and ``REGIONS_COUNTY_NEEDS_CITY_APPROVAL`` is on, else its own region."""
    region = article.region
    if settings.REGIONS_COUNTY_NEEDS_CITY_APPROVAL and region.level == Region.Level.COUNTY:
        return region.parent
    return region


def article_may_publish(*, user: Any, article: Article) -> bool:
    return user_can(user, Action.CONTENT_PUBLISH, region=article_approval_region(article=article))


def _require_publisher(actor: Any, article: Article) -> None:
    if not article_may_publish(user=actor, article=article):
        approver = article_approval_region(article=article)
        raise ValidationError(
            _("这篇文章需要由%(region)s的编辑审核发布，请先提交审核。") % {"region": approver.name}
        )


def _transition(article: Article, *, to: str, actor: Any, note: str = "") -> None:
    ArticleTransition.objects.create(
        article=article,
        from_status=article.status if article.pk and article.status != to else "",
        to_status=to,
        actor=actor if actor is not None and actor.is_authenticated else None,
        note=note,
    )


def _rebuild_search(article: Article) -> None:
    article.search_document = search_document(
        article.title, article.summary, article.tags.replace(",", " "), strip_tags(article.body)
    )


def _cover_apply(article: Article, cover) -> None:
    """Check the upload and keep it on the (saved) article with its renditions."""
    image_check(cover)
    stem = uuid.uuid4().hex
    article.cover_renditions = image_renditions(upload=cover, stem=stem)
    cover.name = f"{stem}.{cover.name.rsplit('.', 1)[-1].lower()[:5]}" if cover.name else stem
    article.cover = cover


def _validate_fields(article: Article) -> None:
    if not article.title.strip():
        raise ValidationError(_("请填写标题。"))
    if not strip_tags(article.body).strip():
        raise ValidationError(_("正文不能为空（不允许的标签和脚本已被去除）。"))
    article.full_clean(exclude=["cover", "author", "region"])


@transaction.atomic
def article_create(
    *,
    actor: Any,
    region: Region,
    kind: str,
    title: str,
    body: str,
    summary: str = "",
    tags: str | list[str] = "",
    cover=None,
    publish_at: datetime | None = None,
) -> Article:
    """A new draft in ``region``.

    Preconditions: the actor may publish in ``region`` (or above it).
    Side effects: body sanitised, search document built, cover renditions written,
    a "draft" transition recorded.
    """
    _require_scope(actor, region)
    if kind not in Article.Kind.values:
        raise ValidationError(_("未知的文章类型。"))
    article = Article(
        region=region,
        kind=kind,
        title=(title or "").strip(),
        summary=(summary or "").strip(),
        body=article_body_sanitise(body),
        tags=_tags_normalise(tags),
        publish_at=publish_at,
        author=actor if actor is not None and actor.is_authenticated else None,
    )
    _rebuild_search(article)
    _validate_fields(article)
    if cover:
        _cover_apply(article, cover)
    article.save()
    _transition(article, to=Status.DRAFT, actor=actor, note=_("创建草稿"))
    return article


EDITABLE_FIELDS = ("region", "kind", "title", "summary", "body", "tags", "publish_at")


@transaction.atomic
def article_update(*, actor: Any, article: Article, cover=None, **changes: Any) -> Article:
    """Change the given fields (``EDITABLE_FIELDS``) and optionally the cover.

    Preconditions: not archived; the actor is in scope of the old and new region; a
    published article is edited only by someone who may publish it.
    """
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError(_("不能修改这些字段：%(f)s") % {"f": "、".join(sorted(unknown))})
    article = (
        Article.objects.select_for_update(of=("self",))
        .select_related("region__parent")
        .get(pk=article.pk)
    )
    if article.status == Status.ARCHIVED:
        raise ValidationError(_("已归档的文章不能修改。"))
    _require_scope(actor, article.region)
    if "region" in changes and changes["region"].pk != article.region_id:
        _require_scope(actor, changes["region"])
    if article.status in (Status.PUBLISHED, Status.SCHEDULED):
        _require_publisher(actor, article)
    for field, value in changes.items():
        if field == "body":
            value = article_body_sanitise(value)
        elif field == "tags":
            value = _tags_normalise(value)
        elif field in ("title", "summary"):
            value = (value or "").strip()
        setattr(article, field, value)
    if article.status in (Status.PUBLISHED, Status.SCHEDULED) and "region" in changes:
        _require_publisher(actor, article)
    _rebuild_search(article)
    _validate_fields(article)
    update_fields = [*changes, "search_document", "updated_at"]
    if cover:
        _cover_apply(article, cover)
        update_fields += ["cover", "cover_renditions"]
    article.updated_at = timezone.now()
    article.save(update_fields=update_fields)
    return article


def _locked(article: Article) -> Article:
    return (
        Article.objects.select_for_update(of=("self",))
        .select_related("region__parent")
        .get(pk=article.pk)
    )


def _set_status(article: Article, *, to: str, actor: Any, note: str = "", **fields: Any) -> None:
    _transition(article, to=to, actor=actor, note=note)
    article.status = to
    for name, value in fields.items():
        setattr(article, name, value)
    article.updated_at = timezone.now()
    article.save(update_fields=["status", "updated_at", *fields])


@transaction.atomic
def article_submit(*, actor: Any, article: Article) -> Article:
    """draft → submitted, for the approving editors (see ``article_approval_region``)."""
    article = _locked(article)
    _require_scope(actor, article.region)
    if article.status != Status.DRAFT:
        raise ValidationError(_("只有草稿可以提交审核。"))
    _set_status(article, to=Status.SUBMITTED, actor=actor, note=_("提交审核"))
    return article


@transaction.atomic
def article_publish(
    *, actor: Any, article: Article, publish_at: datetime | None = None, now: datetime | None = None
) -> Article:
    """draft/submitted → published now, or → scheduled when ``publish_at`` (or the article's
    own publish time) lies in the future; the beat task publishes it then.

    Preconditions: the actor may publish it (a county article may need its city).
    Side effects: a transition; region pages of the subtree are dropped from the cache
    (signal); an audit entry.
    """
    article = _locked(article)
    if article.status not in (Status.DRAFT, Status.SUBMITTED, Status.SCHEDULED):
        raise ValidationError(_("这篇文章当前状态不能发布。"))
    _require_publisher(actor, article)
    now = now or timezone.now()
    when = publish_at or article.publish_at
    if when is not None and when > now:
        _set_status(
            article,
            to=Status.SCHEDULED,
            actor=actor,
            note=_("定时于 %(t)s 发布")
            % {"t": timezone.localtime(when).strftime("%Y-%m-%d %H:%M")},
            publish_at=when,
        )
    else:
        _set_status(article, to=Status.PUBLISHED, actor=actor, note=_("发布"), published_at=now)
    audit_record(actor=actor, action="regions.article_publish", target=article)
    return article


@transaction.atomic
def article_publish_scheduled(*, article_id: int, now: datetime | None = None) -> bool:
    """Publish a scheduled article whose time has come; idempotent (False if not due or
    no longer scheduled). Called by the beat task ``publishing.tasks.publish_due_articles``."""
    now = now or timezone.now()
    article = (
        Article.objects.select_for_update(of=("self",))
        .filter(pk=article_id, status=Status.SCHEDULED, publish_at__lte=now)
        .first()
    )
    if article is None:
        return False
    _set_status(
        article,
        to=Status.PUBLISHED,
        actor=None,
        note=_("定时发布"),
        published_at=article.publish_at,
    )
    return True


@transaction.atomic
def article_return(*, actor: Any, article: Article, reason: str = "") -> Article:
    """submitted/scheduled → draft: the approver sends it back with a reason."""
    article = _locked(article)
    if article.status not in (Status.SUBMITTED, Status.SCHEDULED):
        raise ValidationError(_("只有待审核或待发布的文章可以退回。"))
    _require_publisher(actor, article)
    _set_status(article, to=Status.DRAFT, actor=actor, note=(reason or _("退回修改"))[:200])
    return article


@transaction.atomic
def article_archive(*, actor: Any, article: Article) -> Article:
    """published (or any earlier state) → archived: off the region pages, feeds and search."""
    article = _locked(article)
    if article.status == Status.ARCHIVED:
        raise ValidationError(_("这篇文章已经归档。"))
    _require_scope(actor, article.region)
    _set_status(article, to=Status.ARCHIVED, actor=actor, note=_("归档"))
    audit_record(actor=actor, action="regions.article_archive", target=article)
    return article


@transaction.atomic
def article_attachment_add(*, actor: Any, article: Article, upload) -> ArticleAttachment:
    """Attach a checked file (PDF, DOCX, XLSX, JPG, PNG by content) to an article."""
    article = _locked(article)
    _require_scope(actor, article.region)
    if article.status == Status.ARCHIVED:
        raise ValidationError(_("已归档的文章不能添加附件。"))
    kind = attachment_check(upload)
    name = (upload.name or "附件").rsplit("/", 1)[-1][:120]
    upload.name = f"{uuid.uuid4().hex}.{kind}"
    return ArticleAttachment.objects.create(
        article=article, file=upload, name=name, kind=kind, size=upload.size
    )


def article_read_register(*, article_id: int) -> None:
    """Count one read of a published article, atomically in the database (no lost updates
    under concurrent readers); a single UPDATE needs no transaction of its own."""
    Article.objects.filter(pk=article_id, status=Status.PUBLISHED).update(
        read_count=F("read_count") + 1
    )
