"""Which region a visitor lands on: their union's, their saved choice, their location."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from accounts.models import Membership
from regions.models import Region
from regions.selectors.tree import RegionNode, region_tree


@dataclass(frozen=True)
class EntryChoice:
    node: RegionNode
    source: str  # "union", "saved", "location"
    detail: str = ""  # the union's name for "union"


def entry_region_from_union(*, user: Any) -> EntryChoice | None:
    """The region of the union of the user's active membership (one query)."""
    if user is None or not user.is_authenticated:
        return None
    row = (
        Membership.objects.filter(user_id=user.pk, status=Membership.Status.ACTIVE)
        .values_list("organization__region__code", "organization__name")
        .first()
    )
    if row is None:
        return None
    node = region_tree().get(row[0])
    return EntryChoice(node=node, source="union", detail=row[1]) if node else None


def entry_region_choose(*, user: Any, saved_codes: list[str | None]) -> EntryChoice | None:
    """The union's region first, then the first saved code that is a region; None means
    the visitor is to be located or asked."""
    choice = entry_region_from_union(user=user)
    if choice is not None:
        return choice
    tree = region_tree()
    for code in saved_codes:
        node = tree.get(code) if code else None
        if node is not None:
            return EntryChoice(node=node, source="saved")
    return None


EARTH_RADIUS_KM = 6371.0088


def _haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi = phi2 - phi1
    dlambda = math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(a))


#: Farther than this from every county, the visitor is not in the covered area.
MAX_DISTANCE_KM = 150.0


def region_nearest_county(*, latitude: float, longitude: float) -> RegionNode | None:
    """The county-level region whose coordinate is nearest (great-circle), from the cached
    tree without a query; None when the point is far outside the province."""
    best: tuple[float, RegionNode] | None = None
    for node in region_tree().nodes.values():
        if node.level != Region.Level.COUNTY:
            continue
        distance = _haversine_km(latitude, longitude, float(node.latitude), float(node.longitude))
        if best is None or distance < best[0]:
            best = (distance, node)
    if best is None or best[0] > MAX_DISTANCE_KM:
        return None
    return best[1]
