"""core.headers.SecurityHeadersMiddleware against the three layers it replaced (Django's
SecurityMiddleware and XFrameOptionsMiddleware, core.security.PortalCSPMiddleware): the same
request and view through both give the same status and headers."""

from __future__ import annotations

import pytest
from csp.constants import NONCE, SELF
from csp.decorators import csp_update
from csp.exceptions import CSPNonceError
from django.core.checks import run_checks
from django.http import HttpResponse
from django.middleware.clickjacking import XFrameOptionsMiddleware
from django.middleware.security import SecurityMiddleware
from django.test import RequestFactory
from django.views.decorators.clickjacking import xframe_options_exempt

from core.checks import check_security_headers
from core.headers import SecurityHeadersMiddleware
from core.security import PortalCSPMiddleware


def plain(request):
    return HttpResponse(b"ok")


def own_headers(request):
    response = HttpResponse(b"ok")
    response["X-Frame-Options"] = "SAMEORIGIN"
    response["Referrer-Policy"] = "no-referrer"
    response["Strict-Transport-Security"] = "max-age=60"
    response["Content-Security-Policy"] = "default-src 'none'"
    return response


@xframe_options_exempt
def framed(request):
    return HttpResponse(b"ok")


def with_nonce(request):
    return HttpResponse(f'<script nonce="{request.csp_nonce}" src="/x.js"></script>')


@csp_update({"img-src": ["https://tiles.example.cn"]})
def updated(request):
    return HttpResponse(b"ok")


VIEWS = {
    "plain": plain,
    "own": own_headers,
    "framed": framed,
    "nonce": with_nonce,
    "update": updated,
}
PATHS = ["/hebei/", "/admin/portal/", "/api/docs/", "/healthz"]


def _django_layers(view):
    return SecurityMiddleware(PortalCSPMiddleware(XFrameOptionsMiddleware(view)))


def _headers(response) -> dict[str, str]:
    headers = dict(response.items())
    policy = headers.get("Content-Security-Policy", "")
    if "nonce-" in policy:  # each request its own nonce: compare the rest
        headers["Content-Security-Policy"] = policy.split("'nonce-")[0]
    return headers


@pytest.mark.parametrize("secure", [True, False], ids=["https", "http"])
@pytest.mark.parametrize("path", PATHS, ids=lambda p: p.strip("/").replace("/", "-") or "root")
@pytest.mark.parametrize("name", sorted(VIEWS))
@pytest.mark.parametrize("redirect", [True, False], ids=["ssl-redirect", "no-redirect"])
def test_same_headers_as_djangos_three_layers(settings, name, path, secure, redirect):
    settings.SECURE_SSL_REDIRECT = redirect
    view = VIEWS[name]
    factory = RequestFactory()
    expected = _django_layers(view)(factory.get(path, secure=secure))
    got = SecurityHeadersMiddleware(view)(factory.get(path, secure=secure))
    assert got.status_code == expected.status_code
    assert _headers(got) == _headers(expected)
    assert got.content == expected.content or name == "nonce"


def test_the_nonce_a_page_used_is_in_its_header_and_cannot_be_read_after(settings):
    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {"script-src": [SELF, NONCE]}}
    request = RequestFactory().get("/hebei/", secure=True)
    response = SecurityHeadersMiddleware(with_nonce)(request)
    nonce = response.content.decode().split('nonce="')[1].split('"')[0]
    assert f"'nonce-{nonce}'" in response["Content-Security-Policy"]
    plain_request = RequestFactory().get("/hebei/", secure=True)
    SecurityHeadersMiddleware(plain)(plain_request)
    with pytest.raises(CSPNonceError):
        str(plain_request.csp_nonce)


def test_a_policy_setting_changed_is_served(settings):
    request = RequestFactory().get("/hebei/", secure=True)
    SecurityHeadersMiddleware(plain)(request)
    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {"default-src": ["'self'"]}}
    response = SecurityHeadersMiddleware(plain)(RequestFactory().get("/hebei/", secure=True))
    assert response["Content-Security-Policy"] == "default-src 'self'"


def test_the_portal_passes_djangos_deploy_checks_of_these_settings(settings):
    settings.SECURE_SSL_REDIRECT = True  # off only in tests (tests/env.py)
    assert check_security_headers() == []
    settings.SECURE_HSTS_SECONDS = 0
    settings.X_FRAME_OPTIONS = "SAMEORIGIN"
    ids = {message.id for message in check_security_headers()}
    assert {"security.W004", "security.W019"} <= ids
    # the module's own gates are put back: Django's checks answer as before
    from django.core.checks.security import base

    assert base._security_middleware() is False


def test_a_site_without_any_of_them_is_warned(settings):
    settings.MIDDLEWARE = [
        m for m in settings.MIDDLEWARE if m != "core.headers.SecurityHeadersMiddleware"
    ]
    assert [message.id for message in check_security_headers()] == ["portal.W001"]
    assert "portal.W001" in {m.id for m in run_checks(include_deployment_checks=True)}


_VARY_CASES = [
    (None, "Cookie"),
    ("Cookie", "Accept-Language"),
    ("Accept-Language", "Cookie"),
    ("cookie", "Cookie"),
    ("Accept-Language, Cookie", "cookie"),
    ("*", "Cookie"),
    ("HX-Request,Accept-Encoding", "Cookie"),
    ("  Accept-Encoding ,  HX-Request ", "Accept-Language"),
    ("X-" + "a" * 300, "Cookie"),
]


@pytest.mark.parametrize(
    "current,name", _VARY_CASES, ids=[f"vary-{i}" for i in range(len(_VARY_CASES))]
)
def test_vary_on_answers_as_django_s_patch_vary_headers_first_time_and_from_memory(current, name):
    from django.http import HttpResponse
    from django.utils.cache import patch_vary_headers

    from core.headers import _VARY_JOINED, vary_on

    _VARY_JOINED.clear()
    for _ in range(2):  # the second time from the memo (short values only)
        ours, django_s = HttpResponse(), HttpResponse()
        if current is not None:
            ours["Vary"] = django_s["Vary"] = current
        vary_on(ours, name)
        patch_vary_headers(django_s, (name,))
        assert ours.headers._store["vary"] == django_s.headers._store["vary"]
    kept = current is not None and len(current) <= 200
    assert bool(_VARY_JOINED) is kept
