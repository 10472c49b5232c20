"""Reads for regions. The tree snapshot lives in ``tree``; articles, the services matrix,
region pages and the entry region in their own modules."""

from regions.selectors.tree import (
    TREE_CACHE_KEY,
    TREE_CACHE_SECONDS,
    RegionNode,
    RegionTree,
    region_exists,
    region_get,
    region_ids_within,
    region_list,
    region_node_get_by_code,
    region_node_get_by_slugs,
    region_tree,
    region_tree_invalidate,
    region_tree_local_clear,
)

__all__ = [
    "TREE_CACHE_KEY",
    "TREE_CACHE_SECONDS",
    "RegionNode",
    "RegionTree",
    "region_exists",
    "region_get",
    "region_ids_within",
    "region_list",
    "region_node_get_by_code",
    "region_node_get_by_slugs",
    "region_tree",
    "region_tree_invalidate",
    "region_tree_local_clear",
]
