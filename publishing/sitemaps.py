"""sitemap.xml: every region page and every published article."""

from __future__ import annotations

from django.contrib.sitemaps import Sitemap

from publishing.selectors.articles import article_published_qs
from regions.selectors import region_tree


class RegionSitemap(Sitemap):
    changefreq = "daily"
    priority = 0.6

    def items(self):
        tree = region_tree()
        return [node for node in tree.nodes.values() if node.slug_path]

    def location(self, item) -> str:
        return item.url


class ArticleSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.5
    limit = 5000

    def items(self):
        return article_published_qs().order_by("-published_at", "-id").only("id", "updated_at")

    def lastmod(self, item):
        return item.updated_at


SITEMAPS = {"regions": RegionSitemap, "articles": ArticleSitemap}
