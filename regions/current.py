"""The visitor's current region: chosen on the region switcher, remembered in the session
and a cookie, else the province. Every app that shows "your region" asks here."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest

from regions.selectors import RegionNode, region_tree

CURRENT_REGION_SESSION_KEY = "current_region_code"
CURRENT_REGION_COOKIE = "region"


def current_region_for(request: HttpRequest) -> RegionNode | None:
    """The region the visitor chose (session, then the remembered cookie), else the province."""
    tree = region_tree()
    for code in (
        request.session.get(CURRENT_REGION_SESSION_KEY) if hasattr(request, "session") else None,
        request.COOKIES.get(CURRENT_REGION_COOKIE),
        settings.PORTAL_DEFAULT_REGION_CODE,
    ):
        node = tree.get(code) if code else None
        if node is not None:
            return node
    return None


def current_region_code(request: HttpRequest) -> str:
    """The current region's code for the page cache's key (registered in ``RegionsConfig``)."""
    if (
        settings.SESSION_COOKIE_NAME not in request.COOKIES
        and CURRENT_REGION_COOKIE not in request.COOKIES
    ):
        # Neither a session nor a remembered region: the default, without reading the tree.
        return settings.PORTAL_DEFAULT_REGION_CODE
    node = current_region_for(request)
    return node.code if node is not None else ""
