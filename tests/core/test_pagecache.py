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
