"""Reads for regions.

Pages need the tree on every request (header, breadcrumb, switcher, filters; an admin page
asks for it a dozen times), so it is read once into an immutable snapshot kept in the cache,
and each process keeps the snapshot in memory too: unpickling it from Redis cost ~2 ms a
time. A change to any region drops the snapshot and its version (see ``regions.signals``);
a process notices a new version within ``LOCAL_TREE_SECONDS``.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.cache import cache
from django.db.models import QuerySet
from django.http import Http404
from django.urls import reverse

from regions.models import Region

TREE_CACHE_KEY = "regions:tree:v1"
TREE_CACHE_SECONDS = 6 * 3600
TREE_VERSION_KEY = "regions:tree:version"
#: How long a process trusts its own copy before asking the cache for the version again.
LOCAL_TREE_SECONDS = 1.0
_local: dict = {"tree": None, "version": None, "at": 0.0}


@dataclass(frozen=True)
class RegionNode:
    code: str
    name: str
    short_name: str
    level: str
    parent_code: str | None
    slug: str
    latitude: Decimal
    longitude: Decimal
    slug_path: tuple[str, ...]
    path: str
    child_codes: tuple[str, ...] = field(default=())

    @property
    def level_label(self) -> str:
        return Region.Level(self.level).label

    @property
    def url(self) -> str:
        if not self.slug_path:
            return reverse("home")
        return reverse("publishing:detail", kwargs={"slugs": "/".join(self.slug_path)})


@dataclass(frozen=True)
class RegionTree:
    nodes: dict[str, RegionNode]
    by_slug_path: dict[tuple[str, ...], str]
    root_code: str | None

    def get(self, code: str) -> RegionNode | None:
        return self.nodes.get(code)

    def children(self, node: RegionNode) -> list[RegionNode]:
        return [self.nodes[code] for code in node.child_codes]

    def ancestors(self, node: RegionNode) -> list[RegionNode]:
        """From the root down to the parent of ``node``."""
        chain = []
        current = node
        while current.parent_code:
            current = self.nodes[current.parent_code]
            chain.append(current)
        return list(reversed(chain))

    def is_within(self, node: RegionNode, ancestor: RegionNode) -> bool:
        return node.code == ancestor.code or ancestor in self.ancestors(node)


def _build_tree() -> RegionTree:
    rows = list(
        Region.objects.order_by("code").values_list(
            "code", "name", "short_name", "level", "parent__code", "slug", "latitude", "longitude"
        )
    )
    parent_of = {row[0]: row[4] for row in rows}
    slug_of = {row[0]: row[5] for row in rows}
    children: dict[str, list[str]] = {}
    for code, parent in parent_of.items():
        if parent:
            children.setdefault(parent, []).append(code)

    def code_path(code: str) -> str:
        chain = [code]
        while parent_of.get(chain[-1]):
            chain.append(parent_of[chain[-1]])
        return "/".join(reversed(chain)) + "/"

    def slug_path(code: str) -> tuple[str, ...]:
        chain = []
        while parent_of.get(code):  # the root contributes no slug: it is "/"
            chain.append(slug_of[code])
            code = parent_of[code]
        return tuple(reversed(chain))

    nodes = {}
    root_code = None
    for code, name, short_name, level, parent, slug, lat, lon in rows:
        if parent is None:
            root_code = code
        nodes[code] = RegionNode(
            code=code,
            name=name,
            short_name=short_name,
            level=level,
            parent_code=parent,
            slug=slug,
            latitude=lat,
            longitude=lon,
            slug_path=slug_path(code),
            path=code_path(code),
            child_codes=tuple(children.get(code, ())),
        )
    by_slug_path = {node.slug_path: code for code, node in nodes.items()}
    return RegionTree(nodes=nodes, by_slug_path=by_slug_path, root_code=root_code)


def region_tree() -> RegionTree:
    now = time.monotonic()
    local = _local["tree"]
    if local is not None and now - _local["at"] < LOCAL_TREE_SECONDS:
        return local
    version = cache.get(TREE_VERSION_KEY)
    if local is not None and version is not None and version == _local["version"]:
        _local["at"] = now
        return local
    tree = cache.get(TREE_CACHE_KEY) if version is not None else None
    if tree is None:
        tree = _build_tree()
        if version is None:
            # First after a change (or a flushed cache): a version never used before; if
            # another process got there first, take its version.
            cache.add(TREE_VERSION_KEY, uuid.uuid4().hex, TREE_CACHE_SECONDS)
            version = cache.get(TREE_VERSION_KEY)
        cache.set(TREE_CACHE_KEY, tree, TREE_CACHE_SECONDS)
    _local.update(tree=tree, version=version, at=now)
    return tree


def region_tree_local_clear() -> None:
    """Forget this process's copy (tests, and a change made by this process)."""
    _local.update(tree=None, version=None, at=0.0)


def region_tree_invalidate() -> None:
    region_tree_local_clear()
    cache.delete_many([TREE_CACHE_KEY, TREE_VERSION_KEY])


def region_node_get_by_slugs(*, slugs: Sequence[str]) -> RegionNode:
    """The region at a readable path such as ("hebei", "langfang"); Http404 if none."""
    code = region_tree().by_slug_path.get(tuple(slugs))
    if code is None:
        raise Http404("no such region")
    return region_tree().nodes[code]


def region_node_get_by_code(*, code: str) -> RegionNode | None:
    return region_tree().get(code)


def region_list(*, parent_code: str | None = None, level: str | None = None) -> QuerySet[Region]:
    regions = Region.objects.select_related("parent").order_by("code")
    if parent_code:
        regions = regions.filter(parent__code=parent_code)
    if level:
        regions = regions.filter(level=level)
    return regions


def region_ids_within(*, path: str) -> list[int]:
    """Ids of the region at ``path`` and every region below it (a county has one, a city a
    few dozen): for filters the planner can match against a foreign-key index."""
    return list(Region.objects.filter(path__startswith=path).values_list("id", flat=True))


def region_get(*, code: str) -> Region:
    region = Region.objects.select_related("parent").filter(code=code).first()
    if region is None:
        raise Http404("no such region")
    return region


def region_exists(*, code: str) -> bool:
    return region_tree().get(code) is not None
