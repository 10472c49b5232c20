"""The main navigation: module entries that exist.

Each entry names a URL. An entry whose URL does not resolve yet (its module has not been
built) is left out, so the menu never leads to a page that is not there.
"""

from __future__ import annotations

from functools import cache

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

NAV_ENTRIES = [
    ("home", _("首页"), "home"),
    ("regions", _("地区"), "publishing:choose"),
    ("learning", _("冀工学堂"), "learning:index"),
    ("hotline", _("12351"), "hotline:index"),
    ("jobs", _("就业"), "jobs:index"),
    ("activities", _("活动"), "activities:index"),
    ("aid", _("帮扶"), "aid:index"),
    ("account", _("我的"), "accounts:me"),
    ("insights", _("数据"), "insights:dashboard"),
]
#: Entries only union staff see (the page itself still checks the permission: 404 if none).
STAFF_ENTRIES = {"insights"}


@cache
def _resolved_entries() -> tuple[tuple[str, object, str], ...]:
    entries = []
    for key, label, url_name in NAV_ENTRIES:
        try:
            entries.append((key, label, reverse(url_name)))
        except NoReverseMatch:
            continue
    return tuple(entries)


def nav_items(request: HttpRequest) -> list[dict]:
    path = request.path
    items = []
    user = getattr(request, "user", None)
    is_staff = bool(user is not None and user.is_authenticated and user.is_staff)
    for key, label, url in _resolved_entries():
        if key in STAFF_ENTRIES and not is_staff:
            continue
        active = path == url if url == "/" else path.startswith(url)
        items.append({"key": key, "label": label, "url": url, "active": active})
    return items
