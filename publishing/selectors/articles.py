"""Reads of articles: what the public may see, what an editor may preview, search."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.files.storage import default_storage
from django.db.models import F, Q, QuerySet, Window
from django.db.models.functions import RowNumber
from django.http import Http404
from django.utils import timezone

from accounts.permissions import Action, region_scope_q, user_can
from core.search import search_filter
from regions.models import Article
from regions.selectors.tree import RegionNode

PAGE_KINDS = {
    "news": (Article.Kind.NEWS, Article.Kind.NOTICE),
    "cases": (Article.Kind.CASE,),
    "policies": (Article.Kind.POLICY,),
}


@dataclass(frozen=True)
class ArticleCard:
    """What a list shows of an article; plain data, so region pages can be cached."""

    id: int
    title: str
    summary: str
    kind: str
    kind_label: str
    region_name: str
    published_at: datetime | None
    cover_url: str

    @property
    def url(self) -> str:
        from django.urls import reverse

        return reverse("publishing:article_detail", kwargs={"pk": self.id})


def _cover_url(renditions: dict | None, size: str = "640") -> str:
    name = (renditions or {}).get(size)
    return default_storage.url(name) if name else ""


def _cards(rows: list[dict[str, Any]]) -> list[ArticleCard]:
    labels = dict(Article.Kind.choices)
    return [
        ArticleCard(
            id=row["id"],
            title=row["title"],
            summary=row["summary"],
            kind=row["kind"],
            kind_label=str(labels[row["kind"]]),
            region_name=row["region__name"],
            published_at=row["published_at"],
            cover_url=_cover_url(row["cover_renditions"], "320"),
        )
        for row in rows
    ]


CARD_FIELDS = (
    "id", "title", "summary", "kind", "region__name", "published_at", "cover_renditions",
)  # fmt: skip


def article_published_qs() -> QuerySet[Article]:
    return Article.objects.filter(status=Article.Status.PUBLISHED)


def region_articles_q(node: RegionNode) -> Q:
    """Articles that belong on ``node``'s page: its own and its subtree's, and those of the
    regions above it (a county page shows its city's and the province's notices)."""
    ancestors = node.path.strip("/").split("/")[:-1]
    return Q(region__path__startswith=node.path) | Q(region__code__in=ancestors)


def article_cards_for_region(*, node: RegionNode, limit: int = 6) -> dict[str, list[ArticleCard]]:
    """The latest ``limit`` published articles of each list of a region page
    (``PAGE_KINDS``), in one query: a window ranks the rows within each kind."""
    rows = list(
        article_published_qs()
        .filter(region_articles_q(node))
        .annotate(
            kind_rank=Window(
                RowNumber(),
                partition_by=[F("kind")],
                order_by=[F("published_at").desc(), F("id").desc()],
            )
        )
        .filter(kind_rank__lte=limit)
        .values(*CARD_FIELDS)
    )
    rows.sort(key=lambda row: (row["published_at"], row["id"]), reverse=True)
    return {
        name: _cards([row for row in rows if row["kind"] in kinds][:limit])
        for name, kinds in PAGE_KINDS.items()
    }


def article_search(
    *,
    query: str = "",
    region_path: str | None = None,
    kind: str | None = None,
) -> QuerySet[Article]:
    """Published articles, optionally within a region subtree and of one kind, matching
    every term of ``query`` (Chinese segmented: core.search) when one is given."""
    articles = article_published_qs().select_related("region")
    if region_path:
        articles = articles.filter(region__path__startswith=region_path)
    if kind:
        articles = articles.filter(kind=kind)
    if query.strip():
        return search_filter(articles, query=query)
    return articles.order_by("-published_at", "-id")


def article_cards(articles: QuerySet[Article]) -> list[ArticleCard]:
    return _cards(list(articles.values(*CARD_FIELDS)))


def article_get_published(*, pk: int) -> Article:
    article = (
        article_published_qs()
        .select_related("region")
        .prefetch_related("attachments")
        .filter(pk=pk)
        .first()
    )
    if article is None:
        raise Http404("no such article")
    return article


def article_get_for_preview(*, user: Any, pk: int) -> Article:
    """Any status, for an editor whose scope covers the article's region; Http404 for a
    missing article and for one outside the editor's scope alike."""
    article = (
        Article.objects.select_related("region")
        .prefetch_related("attachments", "transitions__actor")
        .filter(pk=pk)
        .first()
    )
    if article is None or not user_can(user, Action.CONTENT_PUBLISH, region=article.region):
        raise Http404("no such article")
    return article


def article_list_for_editor(*, user: Any) -> QuerySet[Article]:
    return Article.objects.filter(region_scope_q(user, Action.CONTENT_PUBLISH)).select_related(
        "region", "author"
    )


def article_ids_due(*, now: datetime | None = None) -> list[int]:
    now = now or timezone.now()
    return list(
        Article.objects.filter(status=Article.Status.SCHEDULED, publish_at__lte=now)
        .order_by("publish_at")
        .values_list("id", flat=True)[:500]
    )


def article_cover_url(article: Article, size: str = "1280") -> str:
    return _cover_url(article.cover_renditions, size)
