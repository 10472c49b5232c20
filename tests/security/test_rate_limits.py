"""Rate limits: hotline submissions and benefit claims (core.security), sign-in (axes) and
SMS codes (accounts.services.auth) — each answers in Chinese and lets the request through
again after its window."""

from __future__ import annotations

from unittest import mock

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from accounts.models import SmsCode
from hotline.models import HotlineRequest
from tests.accounts.factories import UserFactory
from tests.activities.factories import CampaignFactory

pytestmark = pytest.mark.django_db

HOTLINE_FORM = {
    "kind": "consultation",
    "topic": "wages",
    "title": "工资被拖欠两个月",
    "description": "公司拖欠两个月工资，老板说下个月一起发，想知道怎么办。",
    "region": "130102",
}


@pytest.fixture
def member(regions):
    return UserFactory()


def _client(user) -> Client:
    client = Client()
    client.force_login(user, backend="accounts.backends.ModelBackend")
    return client


def test_hotline_api_submissions_are_limited_per_member(member, settings):
    settings.PORTAL_RATE_LIMITS = {**settings.PORTAL_RATE_LIMITS, "hotline.submit": (2, 3600)}
    client = _client(member)
    url = reverse("hotline-request-list")
    for _ in range(2):
        assert client.post(url, HOTLINE_FORM, content_type="application/json").status_code == 201
    response = client.post(url, HOTLINE_FORM, content_type="application/json")
    assert response.status_code == 429
    assert "操作太频繁" in response.json()["detail"]
    assert response["Retry-After"] == "3600"
    assert HotlineRequest.objects.filter(member=member).count() == 2
    # Another member is not affected by the first one's count.
    other = _client(UserFactory())
    assert other.post(url, HOTLINE_FORM, content_type="application/json").status_code == 201


def test_hotline_page_counts_submissions_not_previews(member, settings):
    settings.PORTAL_RATE_LIMITS = {**settings.PORTAL_RATE_LIMITS, "hotline.submit": (1, 3600)}
    client = _client(member)
    url = reverse("hotline:index")
    for _ in range(3):
        assert client.post(url, {**HOTLINE_FORM, "preview": "1"}).status_code == 200
    assert client.post(url, HOTLINE_FORM).status_code == 302
    response = client.post(url, HOTLINE_FORM)
    assert response.status_code == 429
    assert "操作太频繁，请 60 分钟后再试。" in response.content.decode()
    assert HotlineRequest.objects.filter(member=member).count() == 1


def test_benefit_claims_are_limited_on_the_page_and_the_api(member, settings):
    settings.PORTAL_RATE_LIMITS = {**settings.PORTAL_RATE_LIMITS, "activities.claim": (2, 600)}
    campaign = CampaignFactory()
    client = _client(member)
    page = reverse("activities:campaign_claim", args=[campaign.pk])
    api = reverse("campaign-claim", args=[campaign.pk])
    assert client.post(page).status_code == 302
    assert client.post(api).status_code in (201, 400)  # already claimed: a 400, still counted
    response = client.post(page)
    assert response.status_code == 429
    assert "操作太频繁，请 10 分钟后再试。" in response.content.decode()
    assert client.post(api).status_code == 429


def test_the_window_expires(member, settings):
    settings.PORTAL_RATE_LIMITS = {**settings.PORTAL_RATE_LIMITS, "hotline.submit": (1, 3600)}
    client = _client(member)
    url = reverse("hotline-request-list")
    assert client.post(url, HOTLINE_FORM, content_type="application/json").status_code == 201
    assert client.post(url, HOTLINE_FORM, content_type="application/json").status_code == 429
    cache.delete(f"ratelimit:hotline.submit:u{member.pk}")  # what the timeout does
    assert client.post(url, HOTLINE_FORM, content_type="application/json").status_code == 201


def test_a_cache_outage_lets_members_through(member, settings):
    settings.PORTAL_RATE_LIMITS = {**settings.PORTAL_RATE_LIMITS, "hotline.submit": (1, 3600)}
    client = _client(member)
    url = reverse("hotline-request-list")
    with mock.patch.object(cache, "incr", side_effect=ConnectionError("redis down")):
        for _ in range(3):
            response = client.post(url, HOTLINE_FORM, content_type="application/json")
            assert response.status_code == 201


def test_sign_in_locks_after_five_failures(member):
    client = Client()
    url = reverse("account_login")
    statuses = [
        client.post(url, {"login": member.phone, "password": "wrong-password"}) for _ in range(6)
    ]
    assert statuses[-1].status_code == 429
    assert "登录已暂时锁定" in statuses[-1].content.decode()


def test_sms_codes_are_throttled_per_number(regions):
    client = Client()
    url = reverse("accounts:login_code")
    assert client.post(url, {"phone": "13912345678"}).status_code == 302
    response = client.post(url, {"phone": "13912345678"})
    assert "秒后再试" in response.content.decode()
    assert SmsCode.objects.filter(phone="13912345678").count() == 1
