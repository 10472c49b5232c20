"""core.middleware.SessionMiddleware and PortalCommonMiddleware answer as Django's do."""

from __future__ import annotations

import pytest
from django.contrib.sessions.middleware import SessionMiddleware as DjangoSessionMiddleware
from django.core.exceptions import DisallowedHost
from django.http import HttpResponse, StreamingHttpResponse
from django.middleware.common import CommonMiddleware
from django.test import RequestFactory

from core.middleware import _GOOD_HOSTS, PortalCommonMiddleware, SessionMiddleware

pytestmark = pytest.mark.django_db


def untouched(request):
    return HttpResponse(b"ok")


def reads(request):
    request.session.get("x")
    return HttpResponse(b"ok")


def writes(request):
    request.session["x"] = 1
    return HttpResponse(b"ok")


def empties(request):
    request.session.flush()
    return HttpResponse(b"ok")


def varies_already(request):
    request.session.get("x")
    response = HttpResponse(b"ok")
    response["Vary"] = "Accept-Language"
    return response


SESSION_VIEWS = {
    "untouched": untouched,
    "reads": reads,
    "writes": writes,
    "empties": empties,
    "varies-already": varies_already,
}


def _session_cookie(settings) -> str:
    store = SessionMiddleware(untouched).SessionStore()
    store["y"] = 2
    store.save()
    return store.session_key


@pytest.mark.parametrize("with_cookie", [True, False], ids=["cookie", "no-cookie"])
@pytest.mark.parametrize("every_request", [True, False], ids=["save-every", "save-changed"])
@pytest.mark.parametrize("name", sorted(SESSION_VIEWS))
def test_session_answers_as_djangos(settings, name, with_cookie, every_request):
    settings.SESSION_SAVE_EVERY_REQUEST = every_request
    view = SESSION_VIEWS[name]
    answers = []
    for middleware in (DjangoSessionMiddleware, SessionMiddleware):
        request = RequestFactory().get("/")
        if with_cookie:
            request.COOKIES[settings.SESSION_COOKIE_NAME] = _session_cookie(settings)
        response = middleware(view)(request)
        cookie = response.cookies.get(settings.SESSION_COOKIE_NAME)
        answers.append(
            (response.get("Vary"), cookie is not None, cookie is not None and cookie.value == "")
        )
    assert answers[0] == answers[1]


def test_a_host_outside_allowed_hosts_is_refused_every_time():
    middleware = PortalCommonMiddleware(untouched)
    for _ in range(2):
        with pytest.raises(DisallowedHost):
            middleware(RequestFactory(HTTP_HOST="evil.example.com").get("/"))
    assert "evil.example.com" not in _GOOD_HOSTS


def test_an_allowed_host_is_checked_once_and_forgotten_when_the_hosts_change(settings):
    _GOOD_HOSTS.clear()
    middleware = PortalCommonMiddleware(untouched)
    assert middleware(RequestFactory(HTTP_HOST="127.0.0.1").get("/")).status_code == 200
    assert set(_GOOD_HOSTS) == {"127.0.0.1"}
    settings.ALLOWED_HOSTS = ["zgzj.hebeigh.example.cn"]
    assert not _GOOD_HOSTS
    with pytest.raises(DisallowedHost):
        middleware(RequestFactory(HTTP_HOST="127.0.0.1").get("/"))


@pytest.mark.parametrize(
    "make",
    [
        lambda: HttpResponse(b"12345"),
        lambda: HttpResponse(b"12345", headers={"Content-Length": "5"}),
        lambda: StreamingHttpResponse(iter([b"a", b"b"])),
        lambda: HttpResponse("职工之家".encode()),
    ],
    ids=["plain", "own-length", "streaming", "chinese"],
)
def test_content_length_as_djangos(make):
    theirs = CommonMiddleware(lambda r: make())(RequestFactory().get("/"))
    ours = PortalCommonMiddleware(lambda r: make())(RequestFactory().get("/"))
    assert ours.get("Content-Length") == theirs.get("Content-Length")


def test_a_missing_slash_still_redirects(client, regions):
    response = client.get("/hebei")
    assert response.status_code == 301
    assert response["Location"] == "/hebei/"
