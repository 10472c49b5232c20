"""Sessions end after 30 minutes idle and 12 hours in all."""

from __future__ import annotations

import time

import pytest
from django.core.cache import cache
from django.urls import reverse

from accounts.middleware import SESSION_SEEN, SESSION_STARTED, _first_to_refresh
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db

PAGE = "/privacy/"


@pytest.fixture
def signed_in(client):
    user = UserFactory()
    client.force_login(user)
    assert client.get(PAGE).status_code == 200  # starts the clock
    return client


def shift(client, *, started: int = 0, seen: int = 0) -> None:
    session = client.session
    session[SESSION_STARTED] -= started
    session[SESSION_SEEN] -= seen
    session.save()


def test_clock_starts_at_sign_in(signed_in):
    session = signed_in.session
    assert abs(session[SESSION_STARTED] - time.time()) < 5
    assert session[SESSION_SEEN] >= session[SESSION_STARTED]


def test_active_session_carries_on(signed_in):
    shift(signed_in, started=11 * 3600, seen=29 * 60)
    response = signed_in.get(PAGE)
    assert response.status_code == 200
    assert "_auth_user_id" in signed_in.session
    assert abs(signed_in.session[SESSION_SEEN] - time.time()) < 5


def test_idle_session_ends(signed_in):
    shift(signed_in, seen=31 * 60)
    response = signed_in.get(PAGE)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert "next=%2Fprivacy%2F" in response["Location"]
    assert "_auth_user_id" not in signed_in.session
    page = signed_in.get(response["Location"])
    assert "30分钟未操作" in page.content.decode()


def test_session_ends_after_twelve_hours_despite_activity(signed_in):
    shift(signed_in, started=12 * 3600 + 60)
    response = signed_in.get(PAGE)
    assert response.status_code == 302
    assert "_auth_user_id" not in signed_in.session
    page = signed_in.get(response["Location"])
    assert "超过12小时" in page.content.decode()


def test_api_request_of_an_expired_session_is_anonymous_not_redirected(signed_in):
    shift(signed_in, seen=31 * 60)
    response = signed_in.get("/api/schema/")
    assert response.status_code != 302
    assert "_auth_user_id" not in signed_in.session


def test_anonymous_visitors_are_untouched(client):
    response = client.get(PAGE)
    assert response.status_code == 200
    assert SESSION_STARTED not in client.session


def test_requests_arriving_together_refresh_the_stamp_once(signed_in):
    """The first request past the granularity rewrites the stamp; one of the same session
    right behind it (it read the old stamp too) does not save the session again."""
    session = signed_in.session
    assert _first_to_refresh(session) is True
    assert _first_to_refresh(session) is False
    cache.delete(f"accounts:seen:{session.session_key}")
    assert _first_to_refresh(session) is True


def test_with_the_cache_down_the_stamp_is_still_refreshed(signed_in, monkeypatch):
    monkeypatch.setattr(cache, "add", lambda *args, **kwargs: False)
    monkeypatch.setattr(cache, "get", lambda *args, **kwargs: None)
    assert _first_to_refresh(signed_in.session) is True
