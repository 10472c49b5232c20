"""Security headers on every page, no inline script anywhere, a CSRF token in every form."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from accounts.models import Role
from accounts.services.roles import role_assign
from regions.models import Region
from tests.accounts.factories import UserFactory

TEMPLATE_DIRS = [Path(settings.BASE_DIR) / "templates"]
PAGES = [
    "/", "/hebei/", "/hebei/langfang/", "/regions/choose/", "/learning/", "/learning/practice/",
    "/hotline/", "/jobs/", "/activities/", "/activities/mall/", "/articles/", "/me/",
    "/me/card/", "/me/wallet/", "/me/membership/", "/me/membership/apply/", "/me/identity/",
    "/me/privacy/", "/me/notices/", "/auth/code/", "/auth/login/", "/privacy/", "/verify/",
    "/jobs/resume/", "/activities/me/points/", "/api/docs/",
]  # fmt: skip
INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
HANDLER_ATTR = re.compile(r"<[a-z][^>]*\s(on[a-z]+)\s*=", re.IGNORECASE)
JS_URL = re.compile(r"""(?:href|src|action)\s*=\s*["']\s*javascript:""", re.IGNORECASE)
POST_FORM = re.compile(r"<form\b[^>]*method=[\"']post[\"'][^>]*>(.*?)</form>", re.I | re.S)


def _csp_directives(header: str) -> dict[str, list[str]]:
    directives = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0]] = words[1:]
    return directives


@pytest.fixture
def member_client(regions):
    user = UserFactory()
    client = Client()
    client.force_login(user, backend="accounts.backends.ModelBackend")
    return client


def test_templates_have_no_inline_script_or_handler():
    offenders = []
    for directory in TEMPLATE_DIRS:
        for path in directory.rglob("*.html"):
            text = path.read_text(encoding="utf-8")
            for pattern in (INLINE_SCRIPT, HANDLER_ATTR, JS_URL):
                for match in pattern.finditer(text):
                    offenders.append(f"{path.relative_to(settings.BASE_DIR)}: {match.group(0)}")
    assert offenders == []


def test_every_post_form_in_templates_has_a_csrf_token():
    missing = []
    for directory in TEMPLATE_DIRS:
        for path in directory.rglob("*.html"):
            for form in POST_FORM.finditer(path.read_text(encoding="utf-8")):
                if "csrf_token" not in form.group(1):
                    missing.append(f"{path.relative_to(settings.BASE_DIR)}: {form.group(0)[:80]}")
    assert missing == []


@pytest.mark.django_db
def test_pages_carry_the_security_headers_and_no_inline_script(member_client, client):
    problems = []
    for who, c in (("anonymous", client), ("member", member_client)):
        for path in PAGES:
            response = c.get(path)
            if response.status_code >= 400:
                problems.append((who, path, response.status_code))
                continue
            csp = response.get("Content-Security-Policy", "")
            directives = _csp_directives(csp)
            if "'unsafe-inline'" in directives.get("script-src", ["'unsafe-inline'"]):
                problems.append((who, path, f"script-src allows inline: {csp!r}"))
            if directives.get("frame-ancestors") != ["'none'"]:
                problems.append((who, path, "frame-ancestors"))
            if response.get("X-Frame-Options") != "DENY":
                problems.append((who, path, "X-Frame-Options"))
            if response.get("Referrer-Policy") != "same-origin":
                problems.append((who, path, "Referrer-Policy"))
            if response.get("X-Content-Type-Options") != "nosniff":
                problems.append((who, path, "nosniff"))
            if "html" not in response.get("Content-Type", "") or response.status_code != 200:
                continue
            html = response.content.decode()
            for pattern in (INLINE_SCRIPT, HANDLER_ATTR, JS_URL):
                for match in pattern.finditer(html):
                    problems.append((who, path, match.group(0)))
            for form in POST_FORM.finditer(html):
                if "csrfmiddlewaretoken" not in form.group(1):
                    problems.append((who, path, f"form without CSRF token: {form.group(0)[:80]}"))
    assert problems == []


@pytest.mark.django_db
def test_the_strict_policy(client):
    directives = _csp_directives(client.get("/").get("Content-Security-Policy"))
    assert directives["default-src"] == ["'self'"]
    assert directives["script-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["base-uri"] == ["'self'"]


@pytest.mark.django_db
def test_admin_renders_under_its_own_policy_without_inline_script(regions, settings):
    settings.PORTAL_STAFF_MFA_REQUIRED = False
    admin = UserFactory(is_staff=True, is_superuser=True)
    role_assign(user=admin, role=Role.PROVINCE_ADMIN, region=Region.objects.get(code="130000"))
    client = Client()
    client.force_login(admin, backend="accounts.backends.ModelBackend")
    for path in ["/admin/", "/admin/portal/auditlog/", "/admin/hotline/hotlinerequest/"]:
        response = client.get(path)
        assert response.status_code == 200, path
        directives = _csp_directives(response["Content-Security-Policy"])
        # unfold's Alpine.js needs eval; inline <script> stays forbidden in the admin too.
        assert "'unsafe-inline'" not in directives["script-src"], path
        assert directives["frame-ancestors"] == ["'none'"], path
        html = response.content.decode()
        assert INLINE_SCRIPT.findall(html) == [], path


def test_hsts_and_secure_cookies_in_production():
    # Tests run with DEBUG off, like production (tests/env.py); only the redirect is off.
    assert settings.DEBUG is False
    assert settings.SECURE_HSTS_SECONDS >= 31536000
    assert settings.SECURE_HSTS_INCLUDE_SUBDOMAINS is True
    assert settings.SESSION_COOKIE_SECURE is True
    assert settings.CSRF_COOKIE_SECURE is True
    assert settings.SESSION_COOKIE_HTTPONLY is True
    assert settings.SECURE_PROXY_SSL_HEADER == ("HTTP_X_FORWARDED_PROTO", "https")


@pytest.mark.django_db
def test_https_requests_get_hsts(client):
    response = client.get("/", secure=True)
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")
    assert "includeSubDomains" in response["Strict-Transport-Security"]
