"""core.resolve: each path resolved once per process, every request its own match."""

from __future__ import annotations

import contextlib
import gc
import io

import pytest
from django.test import override_settings
from django.urls import Resolver404, path, resolve

from core.resolve import MEMO_PATH_LENGTH, PortalWSGIHandler, _kept, resolve_memo
from portal import urls as portal_urls


def _view(request, **kwargs):
    from django.http import HttpResponse

    kwargs["touched"] = True  # a view that changes its arguments
    return HttpResponse(f"{sorted(kwargs)}")


def _cookies_view(request):
    from django.http import HttpResponse

    response = HttpResponse("biscuits", headers={"X-Custom": "一", "Cache-Control": "no-store"})
    # no expiry: the same in both handlers' responses
    response.set_cookie("flavour", "芝麻", httponly=True, samesite="Lax")
    response.set_cookie("second", "2", secure=True)
    response["Vary"] = "Accept-Language"
    return response


def _file_view(request):
    from django.http import FileResponse

    return FileResponse(io.BytesIO(b"%PDF-1.4 member card"), filename="会员卡.pdf")


urlpatterns = [
    path("memo/<int:number>/", _view, name="memo"),
    path("memo-cookies/", _cookies_view),
    path("memo-file/", _file_view),
    *portal_urls.urlpatterns,
]
pytestmark = pytest.mark.urls(__name__)


def test_the_match_is_django_s_and_each_call_gets_its_own_copy():
    first = resolve_memo("/memo/7/")
    again = resolve_memo("/memo/7/")
    expected = resolve("/memo/7/")
    for match in (first, again):
        assert match.func is expected.func and match.kwargs == {"number": 7}
        assert match.url_name == "memo" and match.route == expected.route
    assert first is not again and first.kwargs is not again.kwargs
    first.kwargs["number"] = 8
    assert resolve_memo("/memo/7/").kwargs == {"number": 7}


def test_a_path_that_resolves_to_nothing_raises_and_is_never_kept():
    _kept.cache_clear()
    with pytest.raises(Resolver404):
        resolve_memo("/No_Such_Page/")
    assert _kept.cache_info().currsize == 0


def test_a_long_path_is_resolved_each_time_and_never_kept():
    _kept.cache_clear()
    long_path = "/" + "x" * MEMO_PATH_LENGTH + "/"
    with contextlib.suppress(Resolver404):
        resolve_memo(long_path)
    assert _kept.cache_info().currsize == 0
    assert resolve_memo("/memo/1/").url_name == "memo"
    assert _kept.cache_info().currsize == 1


def test_another_urlconf_is_another_memo():
    assert resolve_memo("/memo/3/").func is _view
    with override_settings(ROOT_URLCONF="portal.urls"):
        assert resolve_memo("/memo/3/").func is not _view  # the site's own pages
    assert resolve_memo("/memo/3/").func is _view


@pytest.mark.django_db
def test_the_production_handler_serves_through_the_memo():
    handler = PortalWSGIHandler()
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": "/memo/5/",
        "QUERY_STRING": "",
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "HTTP_HOST": "testserver",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(b""),
    }
    statuses = []

    def start_response(status, headers, exc_info=None):
        statuses.append(status)

    with override_settings(ROOT_URLCONF=__name__, SECURE_SSL_REDIRECT=False):
        for _ in range(2):
            body = b"".join(handler(dict(environ, **{"wsgi.input": io.BytesIO()}), start_response))
            assert body == b"['number', 'touched']"
    assert statuses == ["200 OK", "200 OK"]


def test_the_marks_of_a_path_are_its_views_and_a_miss_is_never_kept():
    from core.pagecache import view_marks
    from core.resolve import _kept_marks, resolve_marks

    _kept_marks.cache_clear()
    marks = ("anonymous_page_cache", "member_page_cache")
    view = resolve("/hebei/", __name__).func
    expected = {mark for mark in marks if getattr(view, mark, False)}
    assert "anonymous_page_cache" in expected
    assert resolve_marks("/hebei/", __name__, marks) == expected
    assert resolve_marks("/memo/7/", __name__, marks) == frozenset()
    with pytest.raises(Resolver404):
        resolve_marks("/No_Such_Page/", __name__, marks)
    assert _kept_marks.cache_info().currsize == 2
    with pytest.raises(Resolver404):
        resolve_marks("/No_Such_Page/" + "x" * MEMO_PATH_LENGTH, __name__, marks)
    long_memo = "/memo/" + "7" * MEMO_PATH_LENGTH + "/"
    assert resolve_marks(long_memo, __name__, marks) == frozenset()
    assert _kept_marks.cache_info().currsize == 2  # long paths are answered, never kept

    class Request:
        path_info = "/No_Such_Page/"

    assert view_marks(Request()) == frozenset()


class _FileWrapper:
    """A server's ``wsgi.file_wrapper``: iterates the file and closes it when closed."""

    def __init__(self, filelike, block_size=8192):
        self.filelike, self.block_size = filelike, block_size

    def __iter__(self):
        return iter(lambda: self.filelike.read(self.block_size), b"")

    def close(self):
        self.filelike.close()


def _serve(handler, path, *, file_wrapper: bool = False):
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "HTTP_HOST": "testserver",
        "HTTP_X_REQUEST_ID": "same-id-for-both",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(b""),
    }
    if file_wrapper:
        environ["wsgi.file_wrapper"] = _FileWrapper
    started = []

    def start_response(status, headers, exc_info=None):
        started.append((status, headers))

    response = handler(environ, start_response)
    body = b"".join(response)
    response.close()
    return started, body, type(response)


# Transactional: the handlers close the connection at the end of the request, as in production
# (a page may read the database: the site's settings, a region, when no cache holds them).
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("file_wrapper", [False, True], ids=["plain", "file-wrapper"])
@pytest.mark.parametrize("page", ["/memo/5/", "/memo-cookies/", "/memo-file/"])
def test_the_production_handler_hands_over_what_django_s_does(page, file_wrapper):
    from django.core.handlers.wsgi import WSGIHandler

    with override_settings(ROOT_URLCONF=__name__, SECURE_SSL_REDIRECT=False):
        ours = _serve(PortalWSGIHandler(), page, file_wrapper=file_wrapper)
        django_s = _serve(WSGIHandler(), page, file_wrapper=file_wrapper)
    assert ours == django_s
    ((status, headers),) = ours[0]
    assert status == "200 OK"
    if page == "/memo-cookies/":
        cookies = [value for name, value in headers if name == "Set-Cookie"]
        assert len(cookies) == 2 and "flavour=" in cookies[0] and "HttpOnly" in cookies[0]
    if page == "/memo-file/":
        assert ours[1] == b"%PDF-1.4 member card"
        assert ours[2] is (_FileWrapper if file_wrapper else django_s[2])


def _cyclic_garbage_of_one_request(handler) -> int:
    """Objects only the cyclic collector would free after one full-middleware request."""
    gc.collect()
    gc.disable()
    try:
        _serve(handler, "/memo/5/")
        return gc.collect()
    finally:
        gc.enable()


@pytest.mark.django_db(transaction=True)
def test_a_closed_request_leaves_nothing_for_the_cyclic_collector():
    """The middleware ties the request into cycles (Django's ``request.auser``, the lazy
    message storage, django-htmx's details each hold the request): with Django's handler each
    request waits for the collector; the production handler lets go of it on close."""
    from django.core.handlers.wsgi import WSGIHandler

    with override_settings(ROOT_URLCONF=__name__, SECURE_SSL_REDIRECT=False):
        _serve(PortalWSGIHandler(), "/memo/5/")  # warm: first requests build caches
        assert _cyclic_garbage_of_one_request(WSGIHandler()) > 0
        assert _cyclic_garbage_of_one_request(PortalWSGIHandler()) == 0
