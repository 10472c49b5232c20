"""Per-region RSS 2.0 and Atom feeds of published articles: /feeds/<code>/rss/."""

from __future__ import annotations

from django.contrib.syndication.views import Feed
from django.http import Http404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from publishing.selectors.articles import article_published_qs, region_articles_q
from regions.selectors import RegionNode, region_tree

FEED_SIZE = 30


class RegionRssFeed(Feed):
    def get_object(self, request, code: str) -> RegionNode:
        node = region_tree().get(code)
        if node is None:
            raise Http404("no such region")
        return node

    def title(self, obj: RegionNode) -> str:
        return _("%(region)s · 职工之家·河北") % {"region": obj.name}

    def link(self, obj: RegionNode) -> str:
        return obj.url

    def description(self, obj: RegionNode) -> str:
        return _("%(region)s工会的新闻、通知公告、典型案例和政策解读。") % {"region": obj.name}

    def items(self, obj: RegionNode):
        return (
            article_published_qs()
            .filter(region_articles_q(obj))
            .select_related("region")
            .order_by("-published_at", "-id")[:FEED_SIZE]
        )

    def item_title(self, item) -> str:
        return item.title

    def item_description(self, item) -> str:
        return item.summary or item.body[:300]

    def item_link(self, item) -> str:
        return reverse("publishing:article_detail", kwargs={"pk": item.pk})

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.updated_at

    def item_categories(self, item) -> list[str]:
        return [item.get_kind_display(), item.region.name, *item.tag_list]


class RegionAtomFeed(RegionRssFeed):
    feed_type = Atom1Feed

    def subtitle(self, obj: RegionNode) -> str:
        return self.description(obj)
