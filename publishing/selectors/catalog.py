"""The effective services of a region: entries of the region and its ancestors, with the
nearest override on the way deciding whether each is hidden and where it goes."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.cache import cache
from django.urls import NoReverseMatch, reverse

from regions.models import ServiceEntry, ServiceOverride
from regions.selectors.tree import RegionNode


@dataclass(frozen=True)
class EffectiveService:
    id: int
    title: str
    icon: str
    description: str
    url: str
    audience: str
    audience_label: str
    layer: str  # "national", "province", "local"
    region_code: str
    order: int


def _layer(depth: int) -> str:
    return {0: "national", 1: "province"}.get(depth, "local")


CATALOG_CACHE_KEY = "publishing:service-catalog:v1"
CATALOG_CACHE_SECONDS = 6 * 3600


def service_catalog() -> tuple[list[dict], list[tuple]]:
    """Every active entry and every override, read in two queries and cached: a few
    hundred rows for the whole province, shared by all region pages."""
    catalog = cache.get(CATALOG_CACHE_KEY)
    if catalog is None:
        entries = list(
            ServiceEntry.objects.filter(is_active=True).values(
                "id", "title", "icon", "description", "link_url", "module", "audience",
                "order", "region__code",
            )
        )  # fmt: skip
        overrides = list(
            ServiceOverride.objects.values_list("entry_id", "region__code", "hidden", "order")
        )
        catalog = (entries, overrides)
        cache.set(CATALOG_CACHE_KEY, catalog, CATALOG_CACHE_SECONDS)
    return catalog


def service_catalog_invalidate() -> None:
    cache.delete(CATALOG_CACHE_KEY)


def service_list_for_region(*, node: RegionNode) -> list[EffectiveService]:
    """At most two queries (none once the catalog is cached), whatever the number of
    entries and levels.

    An entry defined at level L shows on every page at or below L. An override at a
    region R on the path (L < R ≤ this region) hides or reorders it; the deepest wins.
    Sorted by the effective order, then national before provincial before local.
    """
    codes = node.path.strip("/").split("/")
    depth_of = {code: depth for depth, code in enumerate(codes)}
    all_entries, all_overrides = service_catalog()
    entries = [e for e in all_entries if e["region__code"] in depth_of]
    nearest: dict[int, tuple[int, bool, int | None]] = {}
    for entry_id, code, hidden, order in all_overrides:
        depth = depth_of.get(code)
        if depth is None:
            continue
        if entry_id not in nearest or depth > nearest[entry_id][0]:
            nearest[entry_id] = (depth, hidden, order)
    audience_labels = dict(ServiceEntry.Audience.choices)
    result = []
    for entry in entries:
        entry_depth = depth_of[entry["region__code"]]
        order = entry["order"]
        override = nearest.get(entry["id"])
        if override is not None and override[0] > entry_depth:
            if override[1]:
                continue
            if override[2] is not None:
                order = override[2]
        if entry["module"]:
            try:
                url = reverse(entry["module"])
            except NoReverseMatch:  # a module removed since the entry was saved
                continue
        else:
            url = entry["link_url"]
        result.append(
            EffectiveService(
                id=entry["id"],
                title=entry["title"],
                icon=entry["icon"],
                description=entry["description"],
                url=url,
                audience=entry["audience"],
                audience_label=str(audience_labels.get(entry["audience"], "")),
                layer=_layer(entry_depth),
                region_code=entry["region__code"],
                order=order,
            )
        )
    result.sort(key=lambda s: (s.order, depth_of[s.region_code], s.id))
    return result
