"""The anonymous whole-page cache of region pages and the course catalogue."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.pagecache import pagecache_invalidate, pagecache_version
from tests.accounts.factories import UserFactory

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path", ["/", "/hebei/", "/hebei/langfang/", "/learning/", "/jobs/", "/jobs/?q=司机"]
)
def test_second_anonymous_visit_is_served_from_the_cache_without_queries(regions, path):
    first = Client().get(path)
    assert first.status_code == 200 and first["X-Page-Cache"] == "miss"
    with CaptureQueriesContext(connection) as queries:
        second = Client().get(path)
    assert second.status_code == 200 and second["X-Page-Cache"] == "hit"
    assert len(queries) == 0
    # The same page, except each visitor's own CSRF token.
    strip = lambda html: TOKEN.sub("", html).replace("X-CSRFToken", "")  # noqa: E731
    assert "__PORTAL_CSRF_TOKEN__" not in second.content.decode()
    assert len(strip(first.content.decode())) > 1000


@pytest.mark.django_db
def test_a_cached_page_carries_a_working_token_of_its_own_visitor(regions):
    Client().get("/hebei/")  # fills the cache
    client = Client(enforce_csrf_checks=True)
    page = client.get("/hebei/")
    assert page["X-Page-Cache"] == "hit"
    tokens = set(TOKEN.findall(page.content.decode()))
    assert len(tokens) == 1
    other = Client(enforce_csrf_checks=True).get("/hebei/")
    assert set(TOKEN.findall(other.content.decode())) != tokens
    # The token works for this visitor's POST (the large-text switch on every page).
    response = client.post(
        reverse("large_text_toggle"), {"csrfmiddlewaretoken": tokens.pop(), "next": "/hebei/"}
    )
    assert response.status_code in (200, 302)


@pytest.mark.django_db
def test_members_and_htmx_requests_are_never_served_from_the_cache(regions):
    Client().get("/learning/")
    member = Client()
    member.force_login(UserFactory())
    assert "X-Page-Cache" not in member.get("/learning/")
    assert "X-Page-Cache" not in Client().get("/learning/", HTTP_HX_REQUEST="true")


@pytest.mark.django_db
def test_changed_content_drops_every_cached_page(regions):
    from tests.learning.factories import make_course

    Client().get("/learning/")
    assert Client().get("/learning/")["X-Page-Cache"] == "hit"
    before = pagecache_version()
    make_course()  # a save of public content
    assert pagecache_version() > before
    assert Client().get("/learning/")["X-Page-Cache"] == "miss"
    pagecache_invalidate()
    assert Client().get("/hebei/")["X-Page-Cache"] == "miss"


@pytest.mark.django_db
def test_a_new_job_post_shows_on_the_cached_job_list_at_once(regions):
    from tests.jobs.factories import make_employer, make_post

    assert Client().get("/jobs/")["X-Page-Cache"] == "miss"
    assert Client().get("/jobs/")["X-Page-Cache"] == "hit"
    post = make_post(employer=make_employer())
    page = Client().get("/jobs/")
    assert page["X-Page-Cache"] == "miss"
    assert post.title in page.content.decode()


# --- served before the signed-in middleware (core.pagecache.AnonymousPageCacheMiddleware) ---

#: Headers that differ between any two responses: the request id, the CSP nonce, the date.
PER_RESPONSE = {"X-Request-ID", "Content-Security-Policy", "Date"}


def _early_and_late(path: str) -> tuple:
    """The same cached page served early (no session cookie) and by the view's decorator (an
    anonymous visitor whose browser still sends a session cookie the server does not know)."""
    Client().get(path)  # fills the cache
    early = Client().get(path, secure=True)
    late_client = Client()
    late_client.cookies["sessionid"] = "a-session-the-server-never-issued"
    late = late_client.get(path, secure=True)
    return early, late


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/hebei/", "/learning/"])
def test_an_early_hit_carries_every_header_of_the_full_path(regions, path, settings):
    settings.SECURE_HSTS_SECONDS = 3600
    early, late = _early_and_late(path)
    assert early["X-Page-Cache"] == late["X-Page-Cache"] == "hit"
    assert not hasattr(early.wsgi_request, "user")  # authentication never ran: served early
    assert hasattr(late.wsgi_request, "user")
    assert set(early.headers) == set(late.headers)
    for name in set(early.headers) - PER_RESPONSE:
        assert early[name] == late[name], name
    assert "Cookie" in early["Vary"] and "Accept-Language" in early["Vary"]
    assert early["X-Frame-Options"] == "DENY"
    assert "Strict-Transport-Security" in early
    assert "default-src" in early["Content-Security-Policy"]


@pytest.mark.django_db
def test_an_early_hit_sets_the_csrf_cookie_its_token_belongs_to(regions):
    from django.middleware.csrf import _unmask_cipher_token

    Client().get("/hebei/")
    client = Client(enforce_csrf_checks=True)
    page = client.get("/hebei/")
    assert page["X-Page-Cache"] == "hit" and not hasattr(page.wsgi_request, "user")
    token = TOKEN.search(page.content.decode()).group(1)
    assert _unmask_cipher_token(token) == client.cookies["csrftoken"].value


@pytest.mark.django_db
def test_pending_messages_and_uncached_views_go_down_the_whole_chain(regions):
    Client().get("/hebei/")
    with_messages = Client()
    with_messages.cookies["messages"] = "anything"
    response = with_messages.get("/hebei/")
    assert hasattr(response.wsgi_request, "user")
    # A view without @anonymous_page_cache is never looked up early.
    response = Client().get(reverse("accounts:privacy_policy"))
    assert "X-Page-Cache" not in response and hasattr(response.wsgi_request, "user")
    assert Client().get("/no-such-page/").status_code == 404
