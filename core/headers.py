"""The response's security headers in one pass (issue 19).

``SecurityHeadersMiddleware`` does what Django's ``SecurityMiddleware`` and
``XFrameOptionsMiddleware`` and the site's django-csp middleware (``PortalCSPMiddleware``) did
as three layers, from the same settings and with the same rules:

- plain http is redirected to https (``SECURE_SSL_REDIRECT``, ``SECURE_SSL_HOST``,
  ``SECURE_REDIRECT_EXEMPT``) before anything else runs;
- ``Strict-Transport-Security`` on https responses, ``X-Content-Type-Options``,
  ``Referrer-Policy``, ``Cross-Origin-Opener-Policy`` and ``X-Frame-Options``, each only where
  the response has not set its own (``@xframe_options_exempt`` is honoured);
- the Content-Security-Policy of ``core.security``: the header of a response no view changed is
  built once per path prefix; a nonce, a report-only policy or ``@csp_update`` and friends go
  through django-csp itself.

Measured by instruction count (callgrind, the trivial view of ``/bench/ceiling``), the three
layers cost about a quarter of the full middleware chain: each header went through the
response's validation on every request, the settings were read again, two lazy objects were
made. Here each header value is validated once, by Django's own ``ResponseHeaders``, and
written as it is. Django's deploy checks of these settings still run (``core.checks``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import partial
from typing import Any

from csp.middleware import CheckableLazyObject
from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.utils.cache import patch_vary_headers

from core.security import PortalCSPMiddleware, checked_headers, csp_plain_header


def _referrer_policy(value: Any) -> str:
    # As SecurityMiddleware: a comma-separated string or an iterable of values.
    if isinstance(value, str):
        return ",".join(part.strip() for part in value.split(","))
    return ",".join(value)


class SecurityHeadersMiddleware:
    """In ``MIDDLEWARE`` where ``SecurityMiddleware`` stood (before the session, so that the
    https redirect comes first and every response, the page cache's included, gets the
    headers)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.csp = PortalCSPMiddleware(get_response)
        self.redirect = settings.SECURE_SSL_REDIRECT
        self.redirect_host = settings.SECURE_SSL_HOST
        self.exempt = [re.compile(r) for r in settings.SECURE_REDIRECT_EXEMPT]
        hsts = {}
        if settings.SECURE_HSTS_SECONDS:
            value = f"max-age={settings.SECURE_HSTS_SECONDS}"
            if settings.SECURE_HSTS_INCLUDE_SUBDOMAINS:
                value += "; includeSubDomains"
            if settings.SECURE_HSTS_PRELOAD:
                value += "; preload"
            hsts["Strict-Transport-Security"] = value
        self.https_only = checked_headers(hsts)
        always = {}
        if settings.SECURE_CONTENT_TYPE_NOSNIFF:
            always["X-Content-Type-Options"] = "nosniff"
        if settings.SECURE_REFERRER_POLICY:
            always["Referrer-Policy"] = _referrer_policy(settings.SECURE_REFERRER_POLICY)
        if settings.SECURE_CROSS_ORIGIN_OPENER_POLICY:
            always["Cross-Origin-Opener-Policy"] = settings.SECURE_CROSS_ORIGIN_OPENER_POLICY
        self.always = checked_headers(always)
        frame = {"X-Frame-Options": settings.X_FRAME_OPTIONS.upper()}
        (self.frame_options,) = checked_headers(frame)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        secure = request.is_secure()
        if (
            self.redirect
            and not secure
            and not any(pattern.search(request.path.lstrip("/")) for pattern in self.exempt)
        ):
            host = self.redirect_host or request.get_host()
            response = HttpResponsePermanentRedirect(f"https://{host}{request.get_full_path()}")
            # As SecurityMiddleware's own response gets its headers (not the inner layers').
            store = response.headers._store
            for name, pair in self.always:
                store.setdefault(name, pair)
            return response
        # django-csp's: a nonce asked for while the page renders goes into the header.
        request.csp_nonce = CheckableLazyObject(partial(self.csp._make_nonce, request))
        response = self.get_response(request)
        return self.respond(request, response, secure=secure)

    def respond(
        self, request: HttpRequest, response: HttpResponse, *, secure: bool
    ) -> HttpResponse:
        policy = csp_plain_header(self.csp, request, response)
        if policy is None:
            response = self.csp.process_response(request, response)
        else:
            if policy:
                response.headers._store[policy[0]] = policy[1]
            request.csp_nonce = _NONCE_TOO_LATE
        store = response.headers._store
        if secure:
            for name, pair in self.https_only:
                store.setdefault(name, pair)
        for name, pair in self.always:
            store.setdefault(name, pair)
        if not getattr(response, "xframe_options_exempt", False):
            store.setdefault(*self.frame_options)
        return response


def _nonce_too_late() -> None:
    PortalCSPMiddleware._csp_nonce_post_response()


#: What ``request.csp_nonce`` is once the header is written (as django-csp leaves it): reading
#: it raises. It holds nothing of a request, so one serves all.
_NONCE_TOO_LATE = CheckableLazyObject(_nonce_too_late)


def vary_on(response: HttpResponse, name: str) -> None:
    """``patch_vary_headers(response, (name,))``. ``name`` is a header name the code chose,
    not input. A response without ``Vary`` yet gets it without the parsing; one with a
    ``Vary`` seen before gets what Django's parsing made of that value and name then (a page
    varies on Cookie and Accept-Language: each second name was a dozen calls, issue 19)."""
    store = response.headers._store
    current = store.get("vary")
    if current is None:
        store["vary"] = ("Vary", name)
        return
    key = (current[1], name)
    known = _VARY_JOINED.get(key)
    if known is None:
        patch_vary_headers(response, (name,))
        # Only short values: a view's own long Vary is parsed each time, never kept.
        if len(current[1]) <= _VARY_LENGTH:
            if len(_VARY_JOINED) >= _VARY_MAX:
                _VARY_JOINED.clear()
            _VARY_JOINED[key] = store["vary"]
        return
    store["vary"] = known


#: (the response's Vary, a name added) → the Vary header Django's ``patch_vary_headers`` made
#: of them, as the response keeps it. A pure function of the two; bounded, emptied when full.
_VARY_JOINED: dict[tuple[str, str], tuple[str, str]] = {}
_VARY_MAX = 256
_VARY_LENGTH = 200
