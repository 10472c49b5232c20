"""The content of a region page, cached per region; the cache is dropped for the regions
an article or service change affects (``regions.signals``)."""

from __future__ import annotations

from typing import Any

from django.core.cache import cache

from publishing.selectors.articles import article_cards_for_region
from publishing.selectors.catalog import service_list_for_region
from regions.selectors.tree import RegionNode, region_tree

PAGE_CACHE_SECONDS = 15 * 60


def _key(code: str) -> str:
    return f"publishing:page:v1:{code}"


def region_page_content(*, node: RegionNode) -> dict[str, Any]:
    """Services, news and notices, typical cases and policy explainers of a region page.

    One query when cold (three if the shared services catalog is cold too), none when
    cached, however much content exists."""
    key = _key(node.code)
    content = cache.get(key)
    if content is None:
        content = {
            "services": service_list_for_region(node=node),
            **article_cards_for_region(node=node),
        }
        cache.set(key, content, PAGE_CACHE_SECONDS)
    return content


def region_pages_invalidate(*, region_path: str) -> None:
    """Drop the cached pages that show content of the region at ``region_path``: the
    region, everything below it (inheritance) and everything above it (subtree lists)."""
    codes = [
        node.code
        for node in region_tree().nodes.values()
        if node.path.startswith(region_path) or region_path.startswith(node.path)
    ]
    if codes:
        cache.delete_many([_key(code) for code in codes])
