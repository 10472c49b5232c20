"""The installable app (PWA): the web app manifest, the service worker and the offline page.

The service worker is served from the site root (``/sw.js``), not from ``/static/``: a
worker controls only the paths under its own URL, and the shell must cover every page. Its
text changes whenever a precached file does (the cache version is a digest of them, and in
production the hashed static names are in it), so a deploy updates every installed copy.
"""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

#: The union red of portal.css (--red) and its page background (--bg).
THEME_COLOR = "#c8161d"
BACKGROUND_COLOR = "#f6f7f9"
ICONS = [
    ("img/pwa/icon-192.png", "192x192", "any"),
    ("img/pwa/icon-512.png", "512x512", "any"),
    ("img/pwa/icon-maskable-512.png", "512x512", "maskable"),
]
#: What the service worker stores when it installs: enough to draw the offline page.
SHELL_STATIC = [
    "css/portal.css",
    "js/pwa.js",
    "img/favicon.svg",
    "img/icons.svg",
    "img/pwa/icon-192.png",
]


@require_GET
def manifest(request: HttpRequest) -> JsonResponse:
    data = {
        "id": "/",
        "name": _("职工之家·河北"),
        "short_name": _("职工之家"),
        "description": _(
            "河北省总工会职工服务：入会转会、冀工学堂、12351热线、就业服务、活动福利。"
        ),
        "lang": "zh-CN",
        "dir": "ltr",
        "start_url": "/?source=pwa",
        "scope": "/",
        "display": "standalone",
        "orientation": "portrait",
        "theme_color": THEME_COLOR,
        "background_color": BACKGROUND_COLOR,
        "categories": ["government", "education", "business"],
        "icons": [
            {"src": static(path), "sizes": sizes, "type": "image/png", "purpose": purpose}
            for path, sizes, purpose in ICONS
        ],
    }
    response = JsonResponse(
        data, content_type="application/manifest+json", json_dumps_params={"ensure_ascii": False}
    )
    response["Cache-Control"] = "public, max-age=3600"
    return response


def _file_digest(path: str) -> str:
    """Unhashed names (development) still change the version when the file changes."""
    if settings.STATIC_MANIFEST:
        return ""
    found = finders.find(path)
    if not found:
        return ""
    with open(found, "rb") as handle:
        return hashlib.sha256(handle.read()).hexdigest()


def _shell() -> tuple[list[str], str]:
    offline = reverse("pwa_offline")
    urls = [offline, *(static(path) for path in SHELL_STATIC)]
    digest = hashlib.sha256()
    for path in SHELL_STATIC:
        digest.update(f"{static(path)}:{_file_digest(path)}\n".encode())
    digest.update(render_to_string("pwa/offline.html").encode())
    digest.update(render_to_string("pwa/sw.js", {"version": ""}).encode())
    return urls, digest.hexdigest()[:16]


@lru_cache(maxsize=1)
def _shell_deployed() -> tuple[list[str], str]:
    return _shell()  # hashed names never change while the process lives


@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    urls, version = _shell_deployed() if settings.STATIC_MANIFEST else _shell()
    body = render_to_string(
        "pwa/sw.js",
        {
            "version": version,
            "precache": json.dumps(urls),
            "offline_url": reverse("pwa_offline"),
            "static_url": settings.STATIC_URL,
            "icon": static("img/pwa/icon-192.png"),
            "default_title": json.dumps(_("职工之家·河北"), ensure_ascii=False),
            "notices_url": reverse("accounts:notices"),
        },
    )
    response = HttpResponse(body, content_type="application/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/"
    # The browser checks for a new worker on every visit; a stale copy would keep old caches.
    response["Cache-Control"] = "no-cache"
    return response


@require_GET
def offline(request: HttpRequest) -> HttpResponse:
    """The page the service worker shows when the network is off. Kept and shown to anyone
    on the device, so it carries nobody's data (no session, no CSRF token)."""
    response = HttpResponse(render_to_string("pwa/offline.html"))
    response["Cache-Control"] = "no-cache"
    return response
