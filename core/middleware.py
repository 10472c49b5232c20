"""One structured log line per request, with a request id that is echoed to the client; the
client's address behind the proxy; the language of a site without language prefixes;
message storage made only for requests that use it."""

from __future__ import annotations

import logging
import secrets
import time
from functools import partial

from django.conf import settings
from django.conf.urls.i18n import is_language_prefix_patterns_used
from django.contrib.messages.middleware import MessageMiddleware
from django.contrib.messages.storage import default_storage
from django.http import HttpRequest, HttpResponse
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.functional import SimpleLazyObject, empty

logger = logging.getLogger("portal.request")


class RequestLogMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # META, not request.headers: the first read of that builds a dict of every header.
        incoming = request.META.get("HTTP_X_REQUEST_ID", "")
        # Accept a proxy's id only if it is short and printable, so logs cannot be forged.
        request_id = incoming if 0 < len(incoming) <= 64 and incoming.isprintable() else ""
        request.request_id = request_id or secrets.token_hex(16)
        started = time.perf_counter()
        response = self.get_response(request)
        duration_ms = round((time.perf_counter() - started) * 1000, 1)
        response["X-Request-ID"] = request.request_id
        if not logger.isEnabledFor(logging.INFO):
            return response
        user = getattr(request, "user", None)
        logger.info(
            "request",
            extra={
                "request_id": request.request_id,
                "method": request.method,
                "path": request.path,
                "status": response.status_code,
                "duration_ms": duration_ms,
                "user_id": user.pk if user is not None and user.is_authenticated else None,
            },
        )
        return response


class ClientAddressMiddleware:
    """Behind nginx every request comes from nginx: ``REMOTE_ADDR`` is the proxy's address,
    so the per-address limits (axes' lockout, allauth's code limits, ``rate_limited``) would
    count the whole province as one visitor. When the peer is one of
    ``PORTAL_TRUSTED_PROXIES``, ``REMOTE_ADDR`` becomes the client's address taken from
    ``X-Forwarded-For``: the right-most entry that is not a trusted proxy (the left part is
    whatever the client sent, so it is never believed). The peer's own address stays in
    ``META["PORTAL_PEER_ADDR"]``. With no trusted proxies configured nothing changes.

    First in ``MIDDLEWARE``, so every later reader (axes, allauth, logs, audit) agrees.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.trusted = _networks(getattr(settings, "PORTAL_TRUSTED_PROXIES", []))

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self.trusted:
            peer = request.META.get("REMOTE_ADDR", "")
            if _within(peer, self.trusted):
                client = self._client(request.META.get("HTTP_X_FORWARDED_FOR", ""))
                if client:
                    request.META["PORTAL_PEER_ADDR"] = peer
                    request.META["REMOTE_ADDR"] = client
        return self.get_response(request)

    def _client(self, forwarded: str) -> str | None:
        for entry in reversed([part.strip() for part in forwarded.split(",")][:32]):
            address = _address(entry)
            if address is None:
                return None  # a malformed hop: trust nothing left of it
            if not _within(address, self.trusted):
                return address
        return None


def _networks(entries: list[str]) -> list:
    import ipaddress

    return [ipaddress.ip_network(entry.strip(), strict=False) for entry in entries if entry]


def _address(text: str) -> str | None:
    import ipaddress

    try:
        return str(ipaddress.ip_address(text))
    except ValueError:
        return None


def _within(address: str, networks: list) -> bool:
    import ipaddress

    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip.version == net.version and ip in net for net in networks)


class PathlessLocaleMiddleware(LocaleMiddleware):
    """Django's ``LocaleMiddleware`` for a site whose URLs carry no language prefix (no
    ``i18n_patterns``): the language comes from the language cookie or Accept-Language.

    Django's own looks the first segment of every path up as a language, twice per request
    (the ``hebei`` of ``/hebei/…``): each miss raises inside a cache that keeps no misses,
    about 0.2 ms of a 0.8 ms request (profiled for issue 19). Were prefixed URLs ever added,
    this defers to Django's behaviour whole."""

    def __init__(self, get_response):
        super().__init__(get_response)
        self._prefixed = is_language_prefix_patterns_used(settings.ROOT_URLCONF)[0]

    def process_request(self, request: HttpRequest) -> None:
        if self._prefixed or getattr(request, "urlconf", None):
            return super().process_request(request)
        language = translation.get_language_from_request(request, check_path=False)
        translation.activate(language)
        # What get_language() answers now, without its thread-local read (3 µs).
        request.LANGUAGE_CODE = translation.to_language(language)
        return None

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        if self._prefixed or getattr(request, "urlconf", None):
            return super().process_response(request, response)
        patch_vary_headers(response, ("Accept-Language",))
        response.headers.setdefault("Content-Language", translation.get_language())
        return response


class LazyMessageMiddleware(MessageMiddleware):
    """Django's ``MessageMiddleware`` with the storage made on first use.

    Django builds the fallback storage (a cookie signer and the session storage) for every
    request and asks it to store on every response; most requests neither add nor read a
    message, and a storage nobody touched has nothing to store (``BaseStorage.update`` does
    nothing unless messages were read or added), so the response is left as it is.
    """

    def process_request(self, request: HttpRequest) -> None:
        request._messages = SimpleLazyObject(partial(default_storage, request))

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        storage = getattr(request, "_messages", None)
        if isinstance(storage, SimpleLazyObject) and storage._wrapped is empty:
            return response
        return super().process_response(request, response)
