"""accounts.middleware.AuthenticationMiddleware: one round trip for a session served before,
never trusting what it guessed (issue 19)."""

from __future__ import annotations

import pytest
from asgiref.sync import async_to_sync
from django.conf import settings
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse

from accounts import middleware
from accounts.services.privacy import consent_grant
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db


def _member(phone: str, name: str):
    user = UserFactory(phone=phone, display_name=name)
    consent_grant(user=user, kind="privacy_policy")
    return user


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user, backend="accounts.backends.ModelBackend")
    return client


def test_a_wrong_guess_of_the_user_is_never_believed(union_tree):
    zhou, wang = _member("13800000051", "周明"), _member("13800000052", "王芳")
    zhou_client, wang_client = _signed_in(zhou), _signed_in(wang)
    for client in (zhou_client, wang_client):
        client.get(reverse("accounts:me"))  # both pages kept, both sessions remembered
    session_key = zhou_client.cookies[settings.SESSION_COOKIE_NAME].value
    wang_key = wang_client.cookies[settings.SESSION_COOKIE_NAME].value
    # as if this process had read Wang's id and page keys for Zhou's session
    middleware._SESSION_USERS[session_key] = wang.pk
    for slot, keys in list(middleware._PAGE_KEYS.items()):
        if slot[0] == wang_key:
            middleware._PAGE_KEYS[(session_key, slot[1])] = keys
    response = zhou_client.get(reverse("accounts:me"))
    html = response.content.decode()
    assert response.wsgi_request.user == zhou
    assert "周明" in html and "王芳" not in html
    assert middleware._SESSION_USERS[session_key] == zhou.pk


def test_a_signed_out_session_is_anonymous_whatever_was_remembered(union_tree):
    zhou = _member("13800000053", "周明")
    client = _signed_in(zhou)
    client.get(reverse("accounts:me"))
    session_key = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert middleware._SESSION_USERS[session_key] == zhou.pk
    client.post(reverse("account_logout"))
    # the old session key, sent again after sign-out
    stale = Client()
    stale.cookies[settings.SESSION_COOKIE_NAME] = session_key
    response = stale.get(reverse("accounts:me"))
    assert response.status_code == 302 and not response.wsgi_request.user.is_authenticated


def test_a_page_guess_from_another_region_is_not_used(union_tree, client):
    zhou = _member("13800000054", "周明")
    client.force_login(zhou, backend="accounts.backends.ModelBackend")
    client.get("/hebei/langfang/")
    client.get("/hebei/langfang/")  # kept, and its keys remembered for this session
    session_key = client.cookies[settings.SESSION_COOKIE_NAME].value
    slot = (session_key, "/hebei/langfang/")
    remembered = list(middleware._PAGE_KEYS[slot])
    middleware._PAGE_KEYS[slot] = ["memberpage:gen:0", "memberpage:b:0:not-this-page"]
    response = client.get("/hebei/langfang/")
    assert response.status_code == 200 and response["X-Page-Cache"] == "hit"
    assert middleware._PAGE_KEYS[slot] == remembered


def test_a_long_made_up_query_is_served_but_never_remembered(union_tree, client):
    zhou = _member("13800000055", "周明")
    client.force_login(zhou, backend="accounts.backends.ModelBackend")
    long_path = "/me/?q=" + "x" * 300
    assert client.get(long_path).status_code == 200
    session_key = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert (session_key, long_path) not in middleware._PAGE_KEYS


def test_a_visitor_without_a_session_cookie_is_anonymous_at_no_cost(
    union_tree, django_assert_num_queries
):
    from django.contrib.auth.models import AnonymousUser
    from django.test import RequestFactory

    from accounts.middleware import AuthenticationMiddleware
    from core.middleware import SessionMiddleware

    request = RequestFactory().get("/")
    seen = {}

    def view(request):
        seen["user"] = request.user
        seen["cached"] = request._cached_user
        return HttpResponse(b"ok")

    with django_assert_num_queries(0):
        response = SessionMiddleware(AuthenticationMiddleware(view))(request)
    assert isinstance(seen["user"], AnonymousUser) and seen["cached"] is seen["user"]
    assert response["Vary"] == "Cookie"  # read, as Django's get_user reads the session
    assert async_to_sync(request.auser)().is_authenticated is False


def test_a_stale_session_cookie_still_goes_the_whole_way(union_tree):
    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = "no-such-session-key-0123456789"
    response = client.get(reverse("accounts:me"))
    assert response.status_code == 302  # signed out: to the login page
    assert response.wsgi_request.user.is_authenticated is False
