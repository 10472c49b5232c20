"""Linking from 我的 → 实名认证, unlinking, and the sign-in button."""

from __future__ import annotations

import pytest
from allauth.socialaccount.models import SocialAccount
from django.urls import reverse

from core.models import AuditLog
from tests.accounts.factories import UserFactory
from tests.accounts.national.conftest import national_sign_in, signed_in_user_id

pytestmark = pytest.mark.django_db

BUTTON = "使用全国总工会职工之家账号登录"


def test_no_button_and_no_urls_when_not_configured(client, settings):
    settings.SOCIALACCOUNT_PROVIDERS = {}
    assert BUTTON not in client.get(reverse("account_login")).content.decode()
    assert client.post(reverse("acftu_login")).status_code == 404


def test_button_on_both_sign_in_pages_when_configured(client, national_op):
    for name in ("account_login", "accounts:login_code"):
        page = client.get(reverse(name)).content.decode()
        assert BUTTON in page and reverse("acftu_login") in page


def test_signed_in_member_links_and_unlinks(client, national_op):
    member = UserFactory(phone="13800138200")
    # The national account carries no number: linking from 我的 needs none.
    national_op.claims = {"name": "王伟"}
    client.force_login(member)
    page = client.get(reverse("accounts:identity")).content.decode()
    assert "关联全国总工会职工之家账号" in page

    response = national_sign_in(client, data={"process": "connect", "next": "/me/identity/"})

    assert response["Location"] == "/me/identity/"
    assert SocialAccount.objects.get(provider="acftu").user_id == member.pk
    page = client.get(reverse("accounts:identity")).content.decode()
    assert "已关联：王伟" in page

    assert client.get(reverse("acftu_unlink")).status_code == 405
    response = client.post(reverse("acftu_unlink"))
    assert response.status_code == 302
    assert not SocialAccount.objects.exists()
    assert AuditLog.objects.filter(action="national.unlink", actor=member).exists()
    assert signed_in_user_id(client) == member.pk  # still signed in; phone login unaffected


def test_linking_a_national_account_that_belongs_to_another_member_is_refused(client, national_op):
    owner = UserFactory(phone="13800138201")
    national_op.claims = {"phone_number": "13800138201", "phone_number_verified": True}
    national_sign_in(client)
    client.logout()
    other = UserFactory(phone="13800138202")
    client.force_login(other)

    national_sign_in(client, data={"process": "connect", "next": "/me/identity/"})

    assert SocialAccount.objects.get().user_id == owner.pk
    page = client.get("/me/identity/").content.decode()
    assert "已关联到本站另一个账号" in page


def test_unlink_needs_sign_in(client, national_op):
    response = client.post(reverse("acftu_unlink"))
    assert response.status_code == 302 and reverse("account_login") in response["Location"]
