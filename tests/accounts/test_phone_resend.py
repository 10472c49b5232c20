"""The confirm-phone page offers "重新获取验证码": a member whose text never arrived is not
stuck. Each resend passes allauth's "verify_phone" limit and ends in Chinese when refused;
a gateway failure is said at once instead of a 500."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from core import sms
from core.sms import SmsSendError
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "Test-password-2026"
PHONE = "13800000078"
RESEND = "重新获取验证码"
TOO_SOON = "操作太频繁，请稍后再试。"
NOT_SENT = "验证码短信未能发送：短信发送失败，请稍后再试。"
SENT = "验证码已发送至"


class DownSmsBackend:
    def send_messages(self, messages) -> int:
        raise SmsSendError("gateway unavailable")


@pytest.fixture(autouse=True)
def _empty_outbox():
    sms.outbox.clear()
    yield
    sms.outbox.clear()


@pytest.fixture
def member():
    """Created by staff in the admin: the number is not confirmed yet, so signing in by
    password sends a code and asks for it."""
    return UserFactory(phone=PHONE)


def sign_in(client: Client):
    response = client.post(reverse("account_login"), {"login": PHONE, "password": PASSWORD})
    assert response["Location"] == reverse("account_verify_phone")
    return response


def resend(client: Client):
    return client.post(reverse("account_verify_phone"), {"action": "resend"})


def codes() -> list[str]:
    return [re.search(r"验证码是 (\d{6})", m.message).group(1) for m in sms.outbox]


def messages_of(client: Client) -> str:
    page = client.get(reverse("account_verify_phone"))
    assert page.status_code == 200
    return page.content.decode()


def signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def test_the_confirm_page_offers_to_send_the_code_again(client, member):
    sign_in(client)
    page = messages_of(client)
    assert RESEND in page
    assert f"{SENT} +86{PHONE}。" in page  # allauth's notice, held back only on failure


def test_a_resend_sends_a_new_code_that_confirms(client, member):
    sign_in(client)
    cache.clear()  # what the 30 s window's expiry does
    response = resend(client)
    assert response.status_code == 302
    assert response["Location"] == reverse("account_verify_phone")
    assert len(sms.outbox) == 2 and {m.phone for m in sms.outbox} == {PHONE}
    first, second = codes()
    if first != second:  # the new code replaces the old one
        wrong = client.post(reverse("account_verify_phone"), {"code": first})
        assert wrong.status_code == 200 and "验证码不正确" in wrong.content.decode()
    response = client.post(reverse("account_verify_phone"), {"code": second})
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == member.pk
    member.refresh_from_db()
    assert member.phone_verified_at is not None


def test_a_resend_within_the_limit_is_refused_in_chinese(client, member):
    sign_in(client)
    response = resend(client)  # within 30 s of the first code
    assert response.status_code == 302
    assert len(sms.outbox) == 1
    assert TOO_SOON in messages_of(client)
    # The code already sent still confirms.
    response = client.post(reverse("account_verify_phone"), {"code": codes()[0]})
    assert response.status_code == 302 and signed_in(client)


def test_resends_are_limited_per_sign_in(client, member):
    sign_in(client)
    for _ in range(2):
        cache.clear()
        resend(client)
    assert len(sms.outbox) == 3
    assert RESEND not in messages_of(client)
    cache.clear()
    response = resend(client)  # taken as a (blank) code, not as a resend
    assert response.status_code == 200
    assert "请输入短信验证码。" in response.content.decode()
    assert len(sms.outbox) == 3
    assert not signed_in(client)


def test_the_per_address_limit_still_answers_the_chinese_429(client, member, settings):
    """The other limit, on signing in again, still ends on the site's 429 page."""
    sign_in(client)
    again = Client()
    response = again.post(reverse("account_login"), {"login": PHONE, "password": PASSWORD})
    assert response.status_code == 429
    assert "操作太频繁，请 1 分钟后再试。" in response.content.decode()
    cache.clear()
    assert resend(client).status_code == 302
    assert len(sms.outbox) == 2


def test_a_gateway_failure_is_said_at_once_and_a_resend_recovers(client, member, settings):
    settings.SMS_BACKEND = "tests.accounts.test_phone_resend.DownSmsBackend"
    sign_in(client)  # no 500: the member lands on the confirm page
    page = messages_of(client)
    assert NOT_SENT in page
    assert f"{SENT} +86{PHONE}。" not in page  # allauth's "sent" notice is held back
    assert RESEND in page
    settings.SMS_BACKEND = "core.sms.backends.locmem.SmsBackend"
    cache.clear()
    assert resend(client).status_code == 302
    assert len(sms.outbox) == 1
    response = client.post(reverse("account_verify_phone"), {"code": codes()[0]})
    assert response.status_code == 302 and signed_in(client)
