"""Whole-page cache of public pages for anonymous visitors (region pages, course catalogue).

A signed-in member, a POST, an htmx request or a visitor with pending messages always gets a
freshly rendered page. For the others the rendered HTML is kept in the cache under the path,
the query string, the visitor's current region, language and large-text choice, and a
*version*: any save or delete of content shown on public pages (regions, articles, courses,
activities, job posts) raises the version, so every cached page is dropped at once; a
bulk ``update()`` that sends no signal is bounded by ``PAGE_CACHE_SECONDS``.

The CSRF token is not cached: the stored HTML carries a placeholder that each response
replaces with the visitor's own token, so no two visitors ever share one.

    @anonymous_page_cache
    def region_detail(request, slugs): ...
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.urls import Resolver404
from django.utils.translation import get_language

from core.headers import vary_on
from core.resolve import resolve_marks

PAGE_CACHE_SECONDS = 60
VERSION_KEY = "pagecache:version"
_PLACEHOLDER = "__PORTAL_CSRF_TOKEN__"
_PLACEHOLDER_BYTES = _PLACEHOLDER.encode("ascii")
_TOKEN_PATTERNS = (
    re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"'),
    re.compile(r'"X-CSRFToken": "([^"]+)"'),
)
#: Content shown on public pages; a change to any of it drops every cached page.
PUBLIC_CONTENT_MODELS = (
    "regions.Region",
    "regions.Article",
    "regions.ServiceEntry",
    "regions.ServiceOverride",
    "learning.Course",
    "activities.Activity",
    "jobs.JobPost",
    # shown on signed-in pages kept by core.memberpage (a course's lessons, 我的's union)
    "learning.Lesson",
    "accounts.UnionOrganization",
)


#: Each process re-reads the version at most this often: a change reaches the other
#: processes within a second, and a cached page costs one cache read instead of two.
LOCAL_VERSION_SECONDS = 1.0
_local: dict = {"version": None, "at": 0.0}


def pagecache_version() -> int:
    now = time.monotonic()
    if _local["version"] is not None and now - _local["at"] < LOCAL_VERSION_SECONDS:
        return _local["version"]
    version = cache.get(VERSION_KEY)
    if version is None:
        # A fresh start (or a flushed cache): a version never used before, so no process
        # serves a page it kept under the old numbering.
        cache.add(VERSION_KEY, time.time_ns() // 1000, timeout=None)
        version = cache.get(VERSION_KEY) or 1
    _local.update(version=version, at=now)
    return version


def pagecache_local_clear() -> None:
    """Forget this process's copies (tests clear the shared cache between tests)."""
    _local["version"] = None
    with _pages_lock:
        _pages.clear()


def pagecache_invalidate(**kwargs) -> None:
    """Drop every cached public page (a new version; old entries expire unused)."""
    pagecache_local_clear()
    # No version yet: nothing is cached under one either.
    with contextlib.suppress(ValueError):
        cache.incr(VERSION_KEY)


for _model in PUBLIC_CONTENT_MODELS:
    post_save.connect(pagecache_invalidate, sender=_model, dispatch_uid=f"pagecache:{_model}")
    post_delete.connect(pagecache_invalidate, sender=_model, dispatch_uid=f"pagecache-d:{_model}")


#: A small copy of the hottest pages in each process (L1) in front of Redis (L2): a hit then
#: costs no network round trip. Keys carry the version, so an invalidation reaches it as
#: soon as the process re-reads the version (LOCAL_VERSION_SECONDS).
LOCAL_PAGES = 256
_pages: OrderedDict[str, tuple[float, tuple[bytes, str]]] = OrderedDict()
_pages_lock = threading.Lock()


def _local_get(key: str) -> tuple[bytes, str] | None:
    with _pages_lock:
        entry = _pages.get(key)
        if entry is None:
            return None
        expires, value = entry
        if expires < time.monotonic():
            del _pages[key]
            return None
        _pages.move_to_end(key)
        return value


def _local_set(key: str, value: tuple[bytes, str], seconds: float) -> None:
    with _pages_lock:
        _pages[key] = (time.monotonic() + seconds, value)
        _pages.move_to_end(key)
        while len(_pages) > LOCAL_PAGES:
            _pages.popitem(last=False)


def _cacheable(request: HttpRequest) -> bool:
    user = getattr(request, "user", None)
    return (
        request.method in ("GET", "HEAD")
        and not (user is not None and user.is_authenticated)
        and not request.META.get("HTTP_HX_REQUEST")
        and "messages" not in request.COOKIES
        and not (hasattr(request, "session") and request.session.get("_messages"))
    )


#: name → function(request) -> str: what else a cached page varies on. Apps register theirs
#: in ``AppConfig.ready`` (regions: the visitor's current region; the site: 大字版), so the
#: kernel knows no app's cookies.
_VARY_ON: dict[str, Callable[[HttpRequest], str]] = {}


def pagecache_vary_on(name: str, part: Callable[[HttpRequest], str]) -> None:
    """Register ``part`` as one more component of every cached page's key (idempotent by
    ``name``). ``part`` must be cheap: it runs on every anonymous request, hit or miss."""
    _VARY_ON[name] = part


def pagecache_vary_parts(request: HttpRequest) -> list[str]:
    """What a cached page is keyed on besides its owner: path, query, language, and the
    registered parts (region, 大字版)."""
    return [
        request.path,
        request.META.get("QUERY_STRING", ""),
        get_language() or "",
        *(part(request) for _, part in sorted(_VARY_ON.items())),
    ]


def page_tokens_strip(html: str) -> str:
    """The rendered page with its CSRF token replaced by the placeholder (kept in the cache)."""
    for pattern in _TOKEN_PATTERNS:
        match = pattern.search(html)
        if match:
            html = html.replace(match.group(1), _PLACEHOLDER)
    return html


def page_tokens_fill(content: bytes, request: HttpRequest) -> bytes:
    """A cached page (bytes, as kept: no decoding and encoding again on each hit, a tenth of
    a region page's time) with this visitor's own CSRF token in place of the placeholder."""
    if _PLACEHOLDER_BYTES not in content:
        return content
    return content.replace(_PLACEHOLDER_BYTES, get_token(request).encode("ascii"))


def page_kept(html: str, charset: str) -> bytes:
    """What a page cache keeps of a rendered page: its token stripped, in its charset."""
    return page_tokens_strip(html).encode(charset)


def _key(request: HttpRequest) -> str:
    raw = "|".join(pagecache_vary_parts(request))
    digest = hashlib.sha256(raw.encode()).hexdigest()[:32]
    # "b": pages are kept as bytes (entries of the str format are never read)
    return f"pagecache:b:{pagecache_version()}:{digest}"


def _hit(request: HttpRequest) -> HttpResponse | None:
    """The cached page for this visitor, with their own CSRF token, or None."""
    key = _key(request)
    hit = _local_get(key)
    if hit is None:
        hit = cache.get(key)
        if hit is not None:
            _local_set(key, hit, PAGE_CACHE_SECONDS / 2)
    if hit is None:
        return None
    content, content_type = hit
    response = HttpResponse(page_tokens_fill(content, request), content_type=content_type)
    response["X-Page-Cache"] = "hit"
    return response


def anonymous_page_cache(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not _cacheable(request):
            return view(request, *args, **kwargs)
        response = _hit(request)
        if response is not None:
            return response
        key = _key(request)
        response = view(request, *args, **kwargs)
        if (
            response.status_code == 200
            and not getattr(response, "streaming", False)
            and not response.cookies
            and "text/html" in response.get("Content-Type", "")
        ):
            if hasattr(response, "render") and not response.is_rendered:
                response.render()
            kept = page_kept(response.content.decode(response.charset), response.charset)
            cache.set(key, (kept, response["Content-Type"]), PAGE_CACHE_SECONDS)
            _local_set(key, (kept, response["Content-Type"]), PAGE_CACHE_SECONDS / 2)
            response["X-Page-Cache"] = "miss"
        return response

    wrapped.anonymous_page_cache = True  # found by AnonymousPageCacheMiddleware
    return wrapped


class AnonymousPageCacheMiddleware:
    """Serves a cached public page to a visitor who cannot be signed in, before the
    middleware that only matters to someone who is (authentication, messages, the session
    timeout, the staff and consent gates, allauth, axes): a hit then costs what the site's
    outer layers cost (request log, HTTPS and security headers, CSP, language, CSRF
    cookie), and no URL-specific work beyond the resolve.

    Only for GET/HEAD without a session cookie (nobody is signed in without one), without a
    messages cookie and not from htmx, and only for a view under ``@anonymous_page_cache``:
    anything else, and every miss, goes down the chain, where the decorator renders and
    keeps the page. Must come after the CSRF middleware (its response sets the token's
    cookie), the language and the session middleware (the key reads both), and before
    authentication. ``Vary: Cookie`` is added as the full path adds it, so no shared
    cache keeps this page for a signed-in visitor.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (
            request.method in ("GET", "HEAD")
            and settings.SESSION_COOKIE_NAME not in request.COOKIES
            and "messages" not in request.COOKIES
            and not request.META.get("HTTP_HX_REQUEST")
            and _cached_view(request)
        ):
            response = _hit(request)
            if response is not None:
                vary_on(response, "Cookie")
                return response
        return self.get_response(request)


def _cached_view(request: HttpRequest) -> bool:
    return "anonymous_page_cache" in view_marks(request)


#: The attributes the page caches set on the views they wrap.
_MARKS = ("anonymous_page_cache", "member_page_cache")


def view_marks(request: HttpRequest) -> frozenset[str]:
    """Which page caches (``_MARKS``) wrap the view at the request's path, before the
    handler resolves it (from ``core.resolve``'s memo: resolving a region page walks most
    of the patterns, a fifth of a cached page's time, issue 19)."""
    urlconf = getattr(request, "urlconf", None) or settings.ROOT_URLCONF
    try:
        return resolve_marks(request.path_info, urlconf, _MARKS)
    except Resolver404:
        return frozenset()
