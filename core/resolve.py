"""URL resolution answered once per path and process, not once per request (issue 19).

Resolving ``/me/`` walks seven levels of included patterns and builds a ``ResolverMatch``
at each: an eighth of a signed-in page's time served from ``core.memberpage`` (profiled
in-process). The URL patterns do not change while a process runs and the path converters
used here (Django's own; no custom ones are registered) are pure functions of the path, so
the match of a path is the same on every request. Each caller gets its own copy (the
argument dictionaries copied too): nothing a request does to its match reaches another.

Bounded: at most ``MEMO_PATHS`` paths, none longer than ``MEMO_PATH_LENGTH`` (longer ones
are resolved each time); a path that resolves to nothing is never kept, so a flood of
made-up paths costs what it cost before and evicts nothing but other kept paths.
"""

from __future__ import annotations

import functools
from typing import Any

from django.conf import settings
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler, get_script_name
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import ResolverMatch, get_resolver, get_urlconf, set_script_prefix, set_urlconf

MEMO_PATHS = 2048
MEMO_PATH_LENGTH = 256


def resolve_memo(path_info: str, urlconf: Any = None) -> ResolverMatch:
    """``django.urls.resolve(path_info, urlconf)``, from the memo when it can be.

    Raises ``Resolver404`` as ``resolve`` does (never kept)."""
    if urlconf is None:
        urlconf = get_urlconf()
    if len(path_info) > MEMO_PATH_LENGTH:
        return get_resolver(urlconf).resolve(path_info)
    kept = _kept(path_info, urlconf)
    match = object.__new__(ResolverMatch)
    match.__dict__.update(kept.__dict__)
    match.kwargs = dict(kept.kwargs)
    for name in ("captured_kwargs", "extra_kwargs"):
        value = getattr(kept, name)
        setattr(match, name, dict(value) if value is not None else None)
    return match


@functools.lru_cache(maxsize=MEMO_PATHS)
def _kept(path_info: str, urlconf: Any) -> ResolverMatch:
    return get_resolver(urlconf).resolve(path_info)


def resolve_marks(path_info: str, urlconf: Any, marks: tuple[str, ...]) -> frozenset[str]:
    """Which of the attributes ``marks`` the view at ``path_info`` carries (true), without a
    copy of its match; raises ``Resolver404`` as ``resolve`` does (never kept)."""
    if len(path_info) > MEMO_PATH_LENGTH:
        return _marks_of(get_resolver(urlconf).resolve(path_info).func, marks)
    return _kept_marks(path_info, urlconf, marks)


def _marks_of(view: Any, marks: tuple[str, ...]) -> frozenset[str]:
    return frozenset(mark for mark in marks if getattr(view, mark, False))


@functools.lru_cache(maxsize=MEMO_PATHS)
def _kept_marks(path_info: str, urlconf: Any, marks: tuple[str, ...]) -> frozenset[str]:
    return _marks_of(_kept(path_info, urlconf).func, marks)


def resolve_memo_clear() -> None:
    _kept.cache_clear()
    _kept_marks.cache_clear()


@receiver(setting_changed)
def _forget(*, setting: str, **kwargs: Any) -> None:
    if setting == "ROOT_URLCONF":
        resolve_memo_clear()


class ResolveMemoMixin:
    """For a Django handler: ``resolve_request`` through the memo, otherwise Django's."""

    def resolve_request(self, request):
        urlconf = getattr(request, "urlconf", None)
        if urlconf is not None:
            set_urlconf(urlconf)
        # Django's resolves with ROOT_URLCONF itself unless the request names its own.
        match = resolve_memo(request.path_info, urlconf or settings.ROOT_URLCONF)
        request.resolver_match = match
        return match


class PortalWSGIHandler(ResolveMemoMixin, WSGIHandler):
    """The WSGI handler ``portal.wsgi`` serves: Django's, resolving through the memo, and
    handing the server the response's headers as the response keeps them.

    Django's ``response.items()`` looks every header up again by its lower-cased name
    through ``collections.abc``: three Python calls a header, and a portal page carries a
    dozen (security headers, CSP, Vary, the request id), a twentieth of the full-middleware
    ceiling's instructions (issue 19). The pairs it yields are the values of
    ``response.headers._store``, which this hands over directly; the rest is Django's
    ``WSGIHandler.__call__`` line for line (``tests/core/test_resolve.py`` holds the two to
    the same status, headers, cookies and body).

    One addition: closing the response (the server does, once the body is sent) empties the
    request's attributes. Middleware ties the request into reference cycles (Django's
    ``request.auser`` and message storage, django-htmx's details each hold the request), so
    every request and all it carries (session, user, match) stayed for the cyclic garbage
    collector: about 20 objects a request, 7,000 instructions of the ceiling's 592,000
    (callgrind, issue 19). Nothing reads a request after its response is closed."""

    def __call__(self, environ, start_response):
        set_script_prefix(get_script_name(environ))
        signals.request_started.send(sender=self.__class__, environ=environ)
        request = self.request_class(environ)
        response = self.get_response(request)
        # Last of what closing the response does before request_finished: the request's
        # attributes let go, so the cycles through them (see the class docstring) are
        # freed by reference counting instead of waiting for the cyclic collector.
        response._resource_closers.append(request.__dict__.clear)

        response._handler_class = self.__class__

        status = f"{response.status_code} {response.reason_phrase}"
        response_headers = list(response.headers._store.values())
        if response.cookies:
            response_headers.extend(
                ("Set-Cookie", c.output(header="")) for c in response.cookies.values()
            )
        start_response(status, response_headers)
        if getattr(response, "file_to_stream", None) is not None and environ.get(
            "wsgi.file_wrapper"
        ):
            # As Django's: the server closes the file wrapper, which must close the response.
            response.file_to_stream.close = response.close
            response = environ["wsgi.file_wrapper"](response.file_to_stream, response.block_size)
        return response
