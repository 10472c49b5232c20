"""core.sessions: sessions kept in PostgreSQL and read from Redis, the cached copy bounded
in age, sign-out removing both."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core import sessions
from core.sessions import SessionStore
from tests.accounts.factories import UserFactory

pytestmark = [pytest.mark.redis, pytest.mark.django_db]


def test_redis_deployments_use_the_cached_store():
    assert settings.SESSION_ENGINE == "core.sessions"


def test_a_saved_session_is_read_without_the_database():
    store = SessionStore()
    store["k"] = "v"
    store.save()
    assert Session.objects.filter(session_key=store.session_key).exists()  # the record
    with CaptureQueriesContext(connection) as queries:
        assert SessionStore(store.session_key)["k"] == "v"
    assert len(queries) == 0


def test_the_cached_copy_lives_at_most_session_cache_seconds_the_row_its_full_age():
    store = SessionStore()
    store["k"] = "v"
    store.save()
    backend = caches["default"]
    ttl = backend._cache.get_client().ttl(backend.make_and_validate_key(store.cache_key))
    assert 0 < ttl <= settings.SESSION_CACHE_SECONDS
    row = Session.objects.get(session_key=store.session_key)
    assert store.get_expiry_age(expiry=row.expire_date) > settings.SESSION_COOKIE_AGE - 60


def test_a_copy_missing_from_redis_is_read_from_the_database_and_cached_again():
    store = SessionStore()
    store["k"] = "v"
    store.save()
    caches["default"].delete(store.cache_key)
    assert SessionStore(store.session_key)["k"] == "v"
    with CaptureQueriesContext(connection) as queries:
        SessionStore(store.session_key).load()
    assert len(queries) == 0


def test_sign_out_ends_the_session_for_its_cookie(client, regions):
    user = UserFactory()
    client.force_login(user)
    assert client.get("/me/").status_code == 200
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    client.post("/auth/logout/")
    assert not Session.objects.filter(session_key=cookie).exists()
    assert caches["default"].get(SessionStore.cache_key_prefix + cookie) is None
    client.cookies[settings.SESSION_COOKIE_NAME] = cookie  # an old copy of the cookie
    assert client.get("/me/").status_code == 302


def test_sign_out_while_redis_is_unreachable_is_logged(monkeypatch):
    store = SessionStore()
    store["k"] = "v"
    store.save()
    logged = []
    monkeypatch.setattr(sessions.logger, "warning", lambda *a, **k: logged.append(a))
    monkeypatch.setattr(caches["default"], "_down_until", float("inf"))
    store.delete()
    assert logged
    assert not Session.objects.filter(session_key=store.session_key).exists()
