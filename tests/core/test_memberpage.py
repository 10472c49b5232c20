"""The signed-in members' whole-page cache (core.memberpage, issue 19): only ever the right
member's page, dropped by every change it shows, with the session's own CSRF token and the
response's own CSP nonce."""

from __future__ import annotations

import re

import pytest
from csp.constants import NONCE, SELF
from django.db import connection
from django.http import HttpResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import path, reverse

from accounts.services.privacy import consent_grant
from accounts.services.wallet import member_card_issue
from core.memberpage import member_page_cache
from core.notifications import notification_mark_read, notify
from learning.services.courses import enrollment_create
from portal import urls as portal_urls
from tests.accounts.factories import MembershipFactory, UserFactory
from tests.learning.factories import make_course

pytestmark = pytest.mark.django_db
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@member_page_cache
def _nonce_page(request):
    return HttpResponse(f'<script nonce="{request.csp_nonce}" src="/x.js"></script>')


urlpatterns = [path("nonce/", _nonce_page), *portal_urls.urlpatterns]


def _member(phone: str, name: str):
    user = UserFactory(phone=phone, display_name=name)
    consent_grant(user=user, kind="privacy_policy")
    return user


@pytest.fixture
def member(union_tree):
    return _member("13800000041", "周明")


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _me(client) -> tuple[str, str]:
    response = client.get(reverse("accounts:me"))
    assert response.status_code == 200
    return response.get("X-Page-Cache", ""), response.content.decode()


def test_second_visit_is_a_hit_without_queries_beyond_the_user(member):
    client = _signed_in(member)
    assert _me(client)[0] == "miss"
    with CaptureQueriesContext(connection) as queries:
        state, html = _me(client)
    assert state == "hit" and "周明" in html
    assert len(queries) <= 1  # the user row, which the session check reads anyway
    response = client.get(reverse("accounts:me"))
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    assert "Cookie" in response["Vary"]


@pytest.mark.parametrize(
    "path_of", [lambda: reverse("accounts:me"), lambda: "/hebei/langfang/", lambda: None]
)
def test_another_member_or_a_visitor_never_gets_the_page(member, path_of):
    page = path_of() or reverse("learning:course_detail", args=[make_course().pk])
    first = _signed_in(member).get(page)
    assert first.status_code == 200 and "周明" in first.content.decode()
    other = _signed_in(_member("13800000042", "吴芳")).get(page)
    assert other["X-Page-Cache"] == "miss"
    assert "周明" not in other.content.decode() and "吴芳" in other.content.decode()
    anonymous = Client().get(page)
    assert "周明" not in anonymous.content.decode()


def test_a_change_of_the_member_shows_on_the_next_request(member, union_tree):
    client = _signed_in(member)
    _me(client)
    member.display_name = "周明亮"
    member.save()
    state, html = _me(client)
    assert state == "miss" and "周明亮" in html


def test_membership_and_wallet_changes_show_on_the_next_request(member, union_tree):
    client = _signed_in(member)
    assert "您还不是工会会员" in _me(client)[1]
    assert _me(client)[0] == "hit"
    membership = MembershipFactory(user=member, organization=union_tree["factory"])
    state, html = _me(client)
    assert state == "miss" and "石家庄重型装备制造有限公司工会" in html
    member_card_issue(membership=membership)
    assert "卡包里有 1 张有效凭证" in _me(client)[1]


def test_a_notice_and_reading_it_show_on_the_next_request(member):
    client = _signed_in(member)
    _me(client)
    assert _me(client)[0] == "hit"
    notify(user=member, kind="test", title="您的申请已通过")
    state, html = _me(client)
    assert state == "miss" and 'class="badge"' in html
    notification_mark_read(user=member)
    assert 'class="badge"' not in _me(client)[1]


def test_enrolling_shows_on_the_course_page_at_once(member):
    course = make_course()
    client = _signed_in(member)
    page = reverse("learning:course_detail", args=[course.pk])
    assert "报名学习" in client.get(page).content.decode()
    assert client.get(page)["X-Page-Cache"] == "hit"
    enrollment_create(user=member, course=course)
    response = client.get(page)
    assert response["X-Page-Cache"] == "miss"
    assert "已学 0/" in response.content.decode()


def test_messages_are_never_kept(member, client):
    client.force_login(member)
    # switching the region leaves a message for the next page: that page is not kept
    client.post(reverse("publishing:set_current"), {"code": "131000"})
    response = client.get("/hebei/langfang/")
    assert "已切换到" in response.content.decode()
    assert "X-Page-Cache" not in response
    again = client.get("/hebei/langfang/")
    assert "已切换到" not in again.content.decode()


def test_a_kept_page_carries_a_working_token_after_a_new_sign_in(member):
    _signed_in(member).get(reverse("accounts:me"))
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)  # a new session, a rotated CSRF secret
    client.get(reverse("accounts:me"))
    page = client.get(reverse("accounts:me"))
    assert page["X-Page-Cache"] == "hit"
    tokens = set(TOKEN.findall(page.content.decode()))
    assert len(tokens) == 1 and "__PORTAL_CSRF_TOKEN__" not in page.content.decode()
    response = client.post(
        reverse("large_text_toggle"), {"csrfmiddlewaretoken": tokens.pop(), "next": "/me/"}
    )
    assert response.status_code in (200, 302)


@pytest.mark.urls("tests.core.test_memberpage")
def test_a_kept_page_gets_the_nonce_of_its_own_response(member, settings):
    # The site's policy names no nonce (no inline scripts); a page that used one would.
    policy = {**settings.CONTENT_SECURITY_POLICY}
    policy["DIRECTIVES"] = {**policy["DIRECTIVES"], "script-src": [SELF, NONCE]}
    settings.CONTENT_SECURITY_POLICY = policy
    client = _signed_in(member)
    nonce = re.compile(r'nonce="([^"]+)"')
    first = client.get("/nonce/")
    second = client.get("/nonce/")
    assert second["X-Page-Cache"] == "hit"
    used = nonce.search(second.content.decode()).group(1)
    assert used != nonce.search(first.content.decode()).group(1)
    assert f"'nonce-{used}'" in second["Content-Security-Policy"]


def test_a_hit_reads_the_session_the_user_and_the_page_in_one_round_trip(member, monkeypatch):
    from django.core.cache import caches

    from accounts import middleware

    client = _signed_in(member)
    assert _me(client)[0] == "miss"
    backend = caches["default"]
    reads: list[str] = []
    for name in ("get", "get_many"):
        original = getattr(backend, name)

        def counted(*args, _original=original, _name=name, **kwargs):
            reads.append(_name)
            return _original(*args, **kwargs)

        monkeypatch.setattr(backend, name, counted)
    state, html = _me(client)
    assert state == "hit" and "周明" in html
    assert reads == ["get_many"]
    # a process that has not served this session yet: the session, then the rest together
    middleware._SESSION_USERS.clear()
    middleware._PAGE_KEYS.clear()
    reads.clear()
    assert _me(client)[0] == "hit"
    assert reads == ["get", "get_many"]


def test_a_hit_has_the_caching_headers_of_a_freshly_rendered_page(member):
    client = _signed_in(member)
    miss = client.get(reverse("accounts:me"))
    hit = client.get(reverse("accounts:me"))
    assert (miss["X-Page-Cache"], hit["X-Page-Cache"]) == ("miss", "hit")
    assert hit["Cache-Control"] == miss["Cache-Control"]
    assert hit["Expires"].endswith(" GMT") and "Expires" in miss
