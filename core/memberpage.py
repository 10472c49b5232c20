"""Whole-page cache of a signed-in member's own pages (issue 19): 我的, a region page, a course.

Each member has a *generation* in the cache: any write to what their pages show (their user
row, identity, union membership, wallet, consents, enrolments and lesson progress, a notice)
sets a new one, so every page kept for them is dropped at once. A page is kept under the
member's id and its key (path, query, language, region, 大字版 and the public pages' version
of ``core.pagecache``: an edited course or region drops it too) together with the generation
it was rendered under, and served only while that generation is still the member's. One
round trip reads both (``get_many``), so a change made by any process shows on the next
request, never after a delay.

- Another user never sees it: the key carries the member's id and a hit must be theirs.
- The CSRF token is not kept: a placeholder takes its place and each response gets the
  session's own token (valid after a sign-in rotated the secret); a CSP nonce the page used
  likewise gets this response's nonce, which the CSP header then names.
- Responses stay personal: ``Cache-Control: private, no-store`` (and ``Vary: Cookie``).
- A page with messages, an htmx request, a POST or an error response is never kept or served.
- A write changes the generation before its transaction commits and again after, so a page
  rendered meanwhile from the old rows is never served. A bulk ``update()`` sends no signal:
  the services that use one call ``member_pages_forget`` themselves; anything else is bounded
  by ``MEMBER_PAGE_SECONDS``, as is what merely changes with time.

    @login_required
    @member_page_cache
    def me_home(request): ...
"""

from __future__ import annotations

import functools
import hashlib
import time
from collections.abc import Callable

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers
from django.utils.http import http_date

from core.pagecache import (
    page_kept,
    page_tokens_fill,
    pagecache_vary_parts,
    pagecache_version,
    view_marks,
)

MEMBER_PAGE_SECONDS = 120
#: A generation outlives every page kept under it; when it is gone a new one starts.
GENERATION_SECONDS = 24 * 3600
_NONCE_PLACEHOLDER = "__PORTAL_CSP_NONCE__"
_NONCE_PLACEHOLDER_BYTES = _NONCE_PLACEHOLDER.encode("ascii")

#: Model → how to find the member its rows belong to (a field path from the row).
MEMBER_CONTENT_MODELS = {
    "accounts.User": "pk",
    "accounts.DigitalIdentity": "user_id",
    "accounts.Membership": "user_id",
    "accounts.Credential": "user_id",
    "accounts.ConsentRecord": "user_id",
    "learning.Enrollment": "user_id",
    "learning.LessonProgress": "enrollment.user_id",
}


def _generation_key(user_id: int) -> str:
    return f"memberpage:gen:{user_id}"


def member_pages_forget(user_id: int | None) -> None:
    """Drop every page kept for member ``user_id``: now, and again once the caller's
    transaction commits (a page rendered in between saw the old rows)."""
    if user_id is None:
        return
    key = _generation_key(user_id)

    def renew() -> None:
        cache.set(key, time.time_ns(), GENERATION_SECONDS)

    renew()
    transaction.on_commit(renew)


def _owner(instance, path: str) -> int | None:
    value = instance
    for part in path.split("."):
        value = getattr(value, part, None)
        if value is None:
            return None
    return value


def _forget_owner(sender, instance, **kwargs) -> None:
    path = MEMBER_CONTENT_MODELS.get(sender._meta.label)
    if path is not None:
        member_pages_forget(_owner(instance, path))


for _model in MEMBER_CONTENT_MODELS:
    post_save.connect(_forget_owner, sender=_model, dispatch_uid=f"memberpage:{_model}")
    post_delete.connect(_forget_owner, sender=_model, dispatch_uid=f"memberpage-d:{_model}")


def _cacheable(request: HttpRequest) -> bool:
    user = getattr(request, "user", None)
    return user is not None and user.is_authenticated and _may_keep(request)


def _may_keep(request: HttpRequest, *, session: bool = True) -> bool:
    return (
        request.method in ("GET", "HEAD")
        and not request.META.get("HTTP_HX_REQUEST")
        and "messages" not in request.COOKIES
        and not (session and request.session.get("_messages"))
    )


#: Where ``member_page_prefetch_keys`` leaves what it will read, for the view's decorator.
_PREFETCH_ATTR = "_memberpage_prefetch"


def member_page_prefetch_keys(request: HttpRequest, *, user_id: int) -> list[str]:
    """The cache keys a kept page of this request reads (the member's generation and the
    page), or ``[]`` when the path's view is not one or the request would not be served
    from one. Lets the authentication middleware read them in the same round trip as
    the member's user row (``member_page_prefetched`` hands the values over)."""
    # No look at the session here (it may not be read yet): _cacheable checks it again.
    if "member_page_cache" not in view_marks(request) or not _may_keep(request, session=False):
        return []
    keys = [_generation_key(user_id), _page_key(request, user_id)]
    setattr(request, _PREFETCH_ATTR, (user_id, keys, None))
    return keys


def member_page_prefetched(request: HttpRequest, *, found: dict) -> None:
    """Hand the values read for ``member_page_prefetch_keys`` to the view's decorator."""
    user_id, keys, _found = getattr(request, _PREFETCH_ATTR)
    setattr(request, _PREFETCH_ATTR, (user_id, keys, {k: found[k] for k in keys if k in found}))


def _read(request: HttpRequest) -> tuple[str, str, dict]:
    """The generation and page keys of this request and what the cache holds under them:
    read together with the user row when the middleware prefetched them, else now."""
    user_id = request.user.pk
    prefetched = getattr(request, _PREFETCH_ATTR, None)
    if prefetched is not None and prefetched[0] == user_id and prefetched[2] is not None:
        (generation_key, key), found = prefetched[1], prefetched[2]
        return generation_key, key, found
    generation_key, key = _generation_key(user_id), _page_key(request, user_id)
    return generation_key, key, cache.get_many([generation_key, key])


def _queued_messages(request: HttpRequest) -> bool:
    """Whether the view added messages (shown on the next page, never to be kept)."""
    storage = getattr(request, "_messages", None)
    return bool(getattr(storage, "_queued_messages", None))


def _page_key(request: HttpRequest, user_id: int) -> str:
    raw = "|".join([str(user_id), str(pagecache_version()), *pagecache_vary_parts(request)])
    # "b": pages are kept as bytes (entries of the str format are never read)
    return f"memberpage:b:{user_id}:{hashlib.sha256(raw.encode()).hexdigest()[:32]}"


def _personal(response: HttpResponse) -> HttpResponse:
    add_never_cache_headers(response)  # includes "private" and "no-store"
    return response


@functools.cache
def _never_cache_control() -> str:
    blank = HttpResponse()
    add_never_cache_headers(blank)
    return blank["Cache-Control"]


def _personal_hit(response: HttpResponse) -> HttpResponse:
    """``_personal`` for a response made here, which has no caching headers yet: Django's
    own ``Cache-Control`` of ``add_never_cache_headers`` (worked out once) and ``Expires``
    now, without parsing and rebuilding the header twice (a fiftieth of a hit)."""
    response.headers["Expires"] = http_date()
    response.headers["Cache-Control"] = _never_cache_control()
    return response


def member_page_cache(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Serve a signed-in member's page from their cache while nothing it shows changed."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not _cacheable(request):
            return view(request, *args, **kwargs)
        generation_key, key, found = _read(request)
        generation = found.get(generation_key)
        if generation is None:
            # None yet (or evicted): start one; nothing kept under an older one matches it.
            cache.add(generation_key, time.time_ns(), GENERATION_SECONDS)
            generation = cache.get(generation_key)
        kept = found.get(key)
        if generation is not None and kept is not None and kept[0] == generation:
            _generation, content, content_type = kept
            content = page_tokens_fill(content, request)
            if _NONCE_PLACEHOLDER_BYTES in content:
                nonce = str(request.csp_nonce).encode("ascii")
                content = content.replace(_NONCE_PLACEHOLDER_BYTES, nonce)
            response = HttpResponse(content, content_type=content_type)
            response["X-Page-Cache"] = "hit"
            return _personal_hit(response)
        response = view(request, *args, **kwargs)
        if (
            generation is not None
            and response.status_code == 200
            and not getattr(response, "streaming", False)
            and not response.cookies
            and "text/html" in response.get("Content-Type", "")
            and not _queued_messages(request)
        ):
            if hasattr(response, "render") and not response.is_rendered:
                response.render()
            html = response.content.decode(response.charset)
            nonce = getattr(request, "_csp_nonce", None)
            if nonce:
                html = html.replace(nonce, _NONCE_PLACEHOLDER)
            content = page_kept(html, response.charset)
            cache.set(key, (generation, content, response["Content-Type"]), MEMBER_PAGE_SECONDS)
            response["X-Page-Cache"] = "miss"
        return _personal(response)

    wrapped.member_page_cache = True  # found by member_page_prefetch_keys
    return wrapped
