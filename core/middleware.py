"""One structured log line per request, with a request id that is echoed to the client; the
client's address behind the proxy; the language of a site without language prefixes;
message storage made only for requests that use it; Django's session and common middleware
with their usual case made cheap (issue 19)."""

from __future__ import annotations

import logging
import secrets
import time
from functools import partial

from django.conf import settings
from django.conf.urls.i18n import is_language_prefix_patterns_used
from django.contrib.messages.middleware import MessageMiddleware
from django.contrib.messages.storage import default_storage
from django.contrib.sessions.middleware import SessionMiddleware as DjangoSessionMiddleware
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.middleware.common import CommonMiddleware
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.functional import SimpleLazyObject, empty

from core.headers import vary_on
from core.security import checked_headers

logger = logging.getLogger("portal.request")


class RequestLogMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self._line = type(self).__call__.__code__.co_firstlineno

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # META, not request.headers: the first read of that builds a dict of every header.
        incoming = request.META.get("HTTP_X_REQUEST_ID", "")
        # Accept a proxy's id only if it is short and printable, so logs cannot be forged.
        request_id = incoming if 0 < len(incoming) <= 64 and incoming.isprintable() else ""
        request.request_id = request_id or secrets.token_hex(16)
        started = time.perf_counter()
        response = self.get_response(request)
        duration_ms = round((time.perf_counter() - started) * 1000, 1)
        if request_id:
            response["X-Request-ID"] = request_id  # the proxy's: checked as any header
        else:
            # our own 32 hex digits need no check: written as the response keeps headers
            response.headers._store["x-request-id"] = ("X-Request-ID", request.request_id)
        if not logger.isEnabledFor(logging.INFO):
            return response
        user = getattr(request, "user", None)
        fields = {
            "request_id": request.request_id,
            "method": request.method,
            "path": request.path,
            "status": response.status_code,
            "duration_ms": duration_ms,
            "user_id": user.pk if user is not None and user.is_authenticated else None,
        }
        # logger.info("request", extra=fields), without logging's walk up the stack to find
        # the caller (findCaller) on every request: the caller is this method.
        record = logger.makeRecord(
            logger.name, logging.INFO, __file__, self._line, "request", (), None, "__call__", fields
        )
        logger.handle(record)
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
        asked = (
            request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) or "",
            request.META.get("HTTP_ACCEPT_LANGUAGE", ""),
        )
        language = _LANGUAGE_OF.get(asked)
        if language is None:
            language = translation.get_language_from_request(request, check_path=False)
            if len(asked[0]) + len(asked[1]) <= _ASKED_LENGTH:
                if len(_LANGUAGE_OF) >= _ASKED_MAX:
                    _LANGUAGE_OF.clear()
                _LANGUAGE_OF[asked] = language
        translation.activate(language)
        # What get_language() answers now, without its thread-local read (3 µs).
        request.LANGUAGE_CODE = translation.to_language(language)
        return None

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        if self._prefixed or getattr(request, "urlconf", None):
            return super().process_response(request, response)
        vary_on(response, "Accept-Language")
        language = translation.get_language()
        header = _CONTENT_LANGUAGE.get(language)
        if header is None:
            header = checked_headers({"Content-Language": language})[0][1]
            if len(_CONTENT_LANGUAGE) < _ASKED_MAX:
                _CONTENT_LANGUAGE[language] = header
        response.headers._store.setdefault("content-language", header)
        return response


#: The language a request's language cookie and Accept-Language header come to (short strings
#: a browser repeats on every request; Django works them out each time): at most this many
#: pairs kept, of at most that many characters, emptied when full and when languages change.
_LANGUAGE_OF: dict[tuple[str, str], str] = {}
_ASKED_MAX = 2048
_ASKED_LENGTH = 1024
#: Content-Language as the response keeps it (checked once by Django), per language.
_CONTENT_LANGUAGE: dict[str, tuple[str, str]] = {}


@receiver(setting_changed)
def _forget_languages(*, setting: str, **kwargs) -> None:
    if setting in ("LANGUAGES", "LANGUAGE_CODE", "LANGUAGE_COOKIE_NAME", "LOCALE_PATHS"):
        _LANGUAGE_OF.clear()


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


class SessionMiddleware(DjangoSessionMiddleware):
    """Django's, with the answer for a session neither changed nor emptied worked out without
    its settings and header parsing: only ``Vary: Cookie`` when the session was read. Saving,
    a new cookie and deleting an emptied session's cookie are Django's own."""

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        session = getattr(request, "session", None)
        if (
            session is None
            or session.modified
            or settings.SESSION_SAVE_EVERY_REQUEST
            or (settings.SESSION_COOKIE_NAME in request.COOKIES and session.is_empty())
        ):
            return super().process_response(request, response)
        if session.accessed:
            vary_on(response, "Cookie")
        return response


class PortalCommonMiddleware(CommonMiddleware):
    """Django's ``CommonMiddleware`` (no user agent denied, no ``www.`` added: the portal sets
    neither) with the host checked by Django once per distinct ``Host`` header, and
    ``Content-Length`` written without a second validation of a number."""

    def process_request(self, request: HttpRequest) -> HttpResponse | None:
        if settings.DISALLOWED_USER_AGENTS or settings.PREPEND_WWW:
            return super().process_request(request)
        raw = request.META.get("HTTP_HOST")
        if raw is None or raw not in _GOOD_HOSTS:
            request.get_host()  # DisallowedHost (400) for a host not in ALLOWED_HOSTS
            if raw is not None and not settings.USE_X_FORWARDED_HOST:
                if len(_GOOD_HOSTS) >= _GOOD_HOSTS_MAX:
                    _GOOD_HOSTS.clear()
                _GOOD_HOSTS.add(raw)
        return None

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        if response.status_code == 404 and self.should_redirect_with_slash(request):
            return self.response_redirect_class(self.get_full_path_with_slash(request))
        store = response.headers._store
        if not response.streaming and "content-length" not in store:
            store["content-length"] = ("Content-Length", str(len(response.content)))
        return response


#: ``Host`` headers Django's ``get_host`` accepted (only accepted ones, so bounded by
#: ALLOWED_HOSTS in practice; emptied when full and when the host settings change).
_GOOD_HOSTS: set[str] = set()
_GOOD_HOSTS_MAX = 256


@receiver(setting_changed)
def _forget_hosts(*, setting: str, **kwargs) -> None:
    if setting in ("ALLOWED_HOSTS", "USE_X_FORWARDED_HOST", "DEBUG"):
        _GOOD_HOSTS.clear()
