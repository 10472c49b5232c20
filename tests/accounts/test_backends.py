"""accounts.backends: the signed-in user's row from the cache, never staler than its last save."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.backends import USER_CACHE_SECONDS, auth_user_forget
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db
BACKEND = "accounts.backends.ModelBackend"
PASSWORD = "Test-password-2026"


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user, backend=BACKEND)
    return client


def _user_queries(client: Client, path: str = "/me/") -> tuple[int, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    return response.status_code, sum('FROM "accounts_user"' in q["sql"] for q in queries)


def test_a_signed_in_request_reads_its_user_from_the_cache():
    client = _signed_in(UserFactory())
    client.get("/me/")  # loads and keeps the row
    status, user_queries = _user_queries(client)
    assert status == 200 and user_queries == 0
    assert USER_CACHE_SECONDS <= 300


def test_a_deactivated_member_is_signed_out_on_the_next_request():
    user = UserFactory()
    client = _signed_in(user)
    client.get("/me/")
    user.is_active = False
    user.save(update_fields=["is_active"])
    response = client.get("/me/")
    assert response.status_code == 302 and reverse("account_login") in response["Location"]


def test_a_changed_password_ends_the_other_sessions_at_once():
    user = UserFactory()
    other_phone = _signed_in(user)
    other_phone.get("/me/")
    user.set_password("Another-password-2026")
    user.save(update_fields=["password"])
    response = other_phone.get("/me/")
    assert response.status_code == 302  # the session hash no longer matches the new row


def test_a_changed_name_shows_on_the_next_request():
    user = UserFactory(display_name="王伟")
    client = _signed_in(user)
    assert "王伟" in client.get("/me/").content.decode()
    user.display_name = "王大伟"
    user.save(update_fields=["display_name"])
    assert "王大伟" in client.get("/me/").content.decode()


def test_a_deleted_user_is_anonymous_at_once():
    user = UserFactory()
    client = _signed_in(user)
    client.get("/me/")
    user.delete()
    assert client.get("/me/").status_code == 302


def test_forget_drops_a_row_changed_without_a_signal():
    user = UserFactory()
    client = _signed_in(user)
    client.get("/me/")
    type(user).objects.filter(pk=user.pk).update(is_active=False)  # no signal
    auth_user_forget(user.pk)
    assert client.get("/me/").status_code == 302


def test_signing_in_through_allauth_records_the_caching_backend():
    user = UserFactory(phone="13800000002", phone_verified_at=timezone.now())
    client = Client()
    response = client.post(reverse("account_login"), {"login": user.phone, "password": PASSWORD})
    assert response.status_code == 302, response.content.decode()[:500]
    assert client.session["_auth_user_backend"].startswith("accounts.backends.")
    client.get("/me/")
    assert _user_queries(client)[1] == 0


def test_a_row_read_with_other_keys_is_used_without_a_read_of_its_own(monkeypatch):
    from django.core.cache import cache, caches

    from accounts.backends import ModelBackend, auth_user_read_with

    member, other = UserFactory(), UserFactory()
    backend = ModelBackend()
    backend.get_user(member.pk)  # keeps the row
    cache.set("bench:extra", "kept")
    gets: list[str] = []
    original = caches["default"].get

    def counted(key, *args, **kwargs):
        gets.append(key)
        return original(key, *args, **kwargs)

    monkeypatch.setattr(caches["default"], "get", counted)
    with auth_user_read_with(user_id=member.pk, keys=["bench:extra", "bench:absent"]) as found:
        assert found == {"bench:extra": "kept"}
        assert backend.get_user(member.pk) == member
        assert gets == []
        assert backend.get_user(other.pk) == other  # anyone else: read as usual
        assert len(gets) == 1
    assert backend.get_user(member.pk) == member  # outside the block: read as usual
    assert len(gets) == 2
