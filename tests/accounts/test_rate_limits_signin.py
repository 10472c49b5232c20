"""Sign-in under repetition and odd input: every allauth rate limit, the axes lockout, and
malformed numbers and codes end in a Chinese answer (a 429 page with the wait, or a form
error), never a 500.

The test client re-raises a view's exception, so a path that would be a 500 fails here.
"""

from __future__ import annotations

import re

import pytest
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
    yield_hotp_counters_from_time,
)
from django.core.cache import cache
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import SmsCode, User
from core import sms
from tests.accounts.factories import StaffUserFactory, UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "Test-password-2026"
PHONE = "13800000077"
WAIT_ONE_MINUTE = "操作太频繁，请 1 分钟后再试。"
#: Django's own Chinese for "Null characters are not allowed."
NUL_REFUSED = "不允许是用空字符串"


@pytest.fixture(autouse=True)
def _empty_outbox():
    sms.outbox.clear()
    yield
    sms.outbox.clear()


def login(client: Client, phone: str = PHONE, password: str = PASSWORD, **extra):
    return client.post(reverse("account_login"), {"login": phone, "password": password}, **extra)


def last_code() -> str:
    return re.search(r"验证码是 (\d{6})", sms.outbox[-1].message).group(1)


def limits(settings, **rates: str) -> None:
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, **rates}


def signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def assert_chinese_429(response, text: str = WAIT_ONE_MINUTE) -> None:
    assert response.status_code == 429
    body = response.content.decode()
    assert text in body
    assert 'class="error-page"' in body  # our page on base.html, not allauth's English one
    assert "Too Many Requests" not in body
    assert 1 <= int(response["Retry-After"]) <= 60


# --- the reported bug: password sign-in of a number not yet confirmed ------------------------


@pytest.mark.parametrize("factory", [StaffUserFactory, UserFactory], ids=["staff", "member"])
def test_signing_in_again_with_an_unconfirmed_number_is_a_chinese_429(client, factory):
    factory(phone=PHONE)  # created in the admin: the number is not confirmed yet
    first = login(client)
    assert first.status_code == 302
    assert first["Location"] == reverse("account_verify_phone")
    # Each password sign-in sends a code; allauth allows one per number per 30 s and raised
    # RateLimited out of the login view for the next one (a 500).
    again = Client()
    assert_chinese_429(login(again))
    assert_chinese_429(login(again))
    assert not signed_in(again)
    assert len(sms.outbox) == 1
    # The first browser is still at its pending verification, which allauth sends it back to.
    assert login(client)["Location"] == reverse("account_verify_phone")
    cache.clear()  # what the window's expiry does
    assert login(again)["Location"] == reverse("account_verify_phone")
    assert len(sms.outbox) == 2


def test_the_code_already_sent_still_confirms_after_the_429(client):
    user = StaffUserFactory(phone=PHONE)
    login(client)
    code = last_code()
    # The 429 went to another browser (the same address) and leaves this one's sign-in alone.
    assert login(Client()).status_code == 429
    page = client.get(reverse("account_verify_phone"))
    assert page.status_code == 200
    response = client.post(reverse("account_verify_phone"), {"code": code})
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == user.pk
    user.refresh_from_db()
    assert user.phone_verified_at is not None


def test_the_verify_page_accepts_a_full_width_code(client):
    user = UserFactory(phone=PHONE)
    login(client)
    full_width = "".join(chr(ord(digit) + 0xFEE0) for digit in last_code())
    response = client.post(reverse("account_verify_phone"), {"code": f" {full_width} "})
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == user.pk


@pytest.mark.parametrize(
    ("code", "message"),
    [("", "请输入短信验证码。"), ("1" * 500, "12"), ("abcdef", "验证码不正确。")],
    ids=["empty", "too-long", "letters"],
)
def test_the_verify_page_answers_odd_codes_in_chinese(client, code, message):
    UserFactory(phone=PHONE)
    login(client)
    response = client.post(reverse("account_verify_phone"), {"code": code})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not signed_in(client)


def test_wrong_codes_on_the_verify_page_end_the_attempt_in_chinese(client):
    UserFactory(phone=PHONE)
    login(client)
    url = reverse("account_verify_phone")
    responses = [client.post(url, {"code": "000000"}) for _ in range(3)]
    assert [r.status_code for r in responses[:2]] == [200, 200]
    assert "验证码不正确" in responses[0].content.decode()
    assert responses[2].status_code == 302
    assert responses[2]["Location"] == reverse("account_login")
    page = client.get(responses[2]["Location"])
    assert "登录失败次数过多，请稍后再试。" in page.content.decode()
    assert not signed_in(client)
    # The attempt is over: the page no longer takes codes.
    assert client.post(url, {"code": "000000"}).status_code == 302


def test_changing_the_number_while_limited_saves_nothing(client, settings):
    settings.ACCOUNT_PHONE_VERIFICATION_SUPPORTS_CHANGE = True
    limits(settings, verify_phone="1/30s/key,1/m/ip")
    user = UserFactory(phone=PHONE)
    login(client)
    response = client.post(
        reverse("account_verify_phone"), {"action": "change", "phone": "13900000088"}
    )
    assert_chinese_429(response)
    user.refresh_from_db()
    assert user.phone == PHONE
    assert not User.objects.filter(phone="13900000088").exists()
    assert len(sms.outbox) == 1


# --- every allauth rate limit: our page, with the wait read from allauth's counters ----------


@pytest.fixture
def member():
    return UserFactory(phone=PHONE, phone_verified_at=timezone.now())


@pytest.fixture
def member_client(member):
    """Signed in by password, so allauth counts the sign-in as recent (no re-authentication)."""
    client = Client()
    assert login(client).status_code == 302
    return client


def _post_twice(client: Client, url: str, data: dict):
    client.post(url, data)
    return client.post(url, data)


def test_login_limit(client, member, settings):
    limits(settings, login="1/m/ip")
    response = _post_twice(client, reverse("account_login"), {"login": PHONE, "password": "x"})
    assert_chinese_429(response)


def test_signup_limit(client, settings):
    limits(settings, signup="1/m/ip")
    data = {"phone": "13900000099", "password1": "Xx-long-pass-1", "password2": "Xx-long-pass-1"}
    assert_chinese_429(_post_twice(client, reverse("account_signup"), data))


def test_reset_password_limit(client, settings):
    limits(settings, reset_password="1/m/ip")
    data = {"email": "nobody@example.com"}
    assert_chinese_429(_post_twice(client, reverse("account_reset_password"), data))


def test_change_password_limit(member_client, settings):
    limits(settings, change_password="1/m/user")
    data = {"oldpassword": "wrong", "password1": "Xx-long-pass-1", "password2": "Xx-long-pass-1"}
    assert_chinese_429(_post_twice(member_client, reverse("account_change_password"), data))


def test_reauthenticate_limit(member_client, settings):
    limits(settings, reauthenticate="1/m/user")
    data = {"password": "wrong"}
    assert_chinese_429(_post_twice(member_client, reverse("account_reauthenticate"), data))


def test_change_phone_limit(member_client, member, settings):
    limits(settings, change_phone="1/m/user")
    url = reverse("account_change_phone")
    member_client.post(url, {"phone": "13900000011"})
    assert_chinese_429(member_client.post(url, {"phone": "13900000012"}))
    member.refresh_from_db()
    assert member.phone == PHONE


def test_change_phone_code_limit_is_a_429_not_a_500(member_client, member, settings):
    # The change itself is allowed; sending its code is not (allauth raises RateLimited).
    limits(settings, change_phone="5/m/user", verify_phone="1/30s/key,1/m/ip")
    url = reverse("account_change_phone")
    assert member_client.post(url, {"phone": "13900000011"}).status_code == 302
    assert_chinese_429(member_client.post(url, {"phone": "13900000012"}))
    member.refresh_from_db()
    assert member.phone == PHONE
    assert len(sms.outbox) == 1


def test_the_wait_is_read_from_allauths_counters(client, member, settings):
    limits(settings, login="1/5m/ip")
    response = _post_twice(client, reverse("account_login"), {"login": PHONE, "password": "x"})
    assert response.status_code == 429
    assert "操作太频繁，请 5 分钟后再试。" in response.content.decode()
    assert 240 < int(response["Retry-After"]) <= 300


def test_json_callers_get_a_chinese_detail(client, member, settings):
    limits(settings, login="1/m/ip")
    url = reverse("account_login")
    data = {"login": PHONE, "password": "x"}
    client.post(url, data)
    response = client.post(url, data, HTTP_ACCEPT="application/json")
    assert response.status_code == 429
    assert response.json() == {"detail": WAIT_ONE_MINUTE}
    assert response["Retry-After"]


def test_htmx_callers_reload_and_see_the_message(client, member, settings):
    limits(settings, login="1/m/ip")
    url = reverse("account_login")
    data = {"login": PHONE, "password": "x"}
    client.post(url, data)
    response = client.post(url, data, HTTP_HX_REQUEST="true")
    assert response.status_code == 429
    assert response["HX-Refresh"] == "true"  # htmx swaps no 4xx: the page reloads instead
    assert WAIT_ONE_MINUTE in client.get(url).content.decode()


def test_the_429_page_is_never_blank(rf):
    request = rf.get("/")
    from django.contrib.auth.models import AnonymousUser

    request.user = AnonymousUser()
    body = render_to_string("429.html", request=request)
    assert "操作太频繁，请稍后再试。" in body


def test_wrong_totp_codes_end_in_a_chinese_message(client, settings):
    staff = StaffUserFactory(phone=PHONE, phone_verified_at=timezone.now())
    secret = generate_totp_secret()
    TOTP.activate(staff, secret)
    limits(settings, login_failed="10/m/ip,3/900s/key")
    assert login(client)["Location"] == reverse("mfa_authenticate")
    url = reverse("mfa_authenticate")
    responses = [client.post(url, {"code": "000000"}) for _ in range(4)]
    assert all(r.status_code == 200 for r in responses)
    assert "登录失败次数过多，请稍后再试。" in responses[-1].content.decode()
    # Even the right code waits out the limit.
    counter = next(iter(yield_hotp_counters_from_time()))
    right = format_hotp_value(hotp_value(secret, counter))
    assert client.post(url, {"code": right}).status_code == 200
    assert not signed_in(client)


# --- axes: the lockout page --------------------------------------------------------------------


def _lock(client: Client, **extra):
    for _ in range(5):
        response = login(client, password="wrong-password", **extra)
    return response


def test_lockout_is_a_chinese_page_whatever_the_browser_language(member):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    response = _lock(client)
    assert response.status_code == 429
    body = response.content.decode()
    assert "登录已暂时锁定" in body
    assert "密码登录已锁定15分钟" in body
    assert response["Retry-After"] == "900"
    assert not signed_in(client)


def test_lockout_answers_json_callers_in_chinese(client, member):
    response = _lock(client, HTTP_X_REQUESTED_WITH="XMLHttpRequest")
    assert response.status_code == 429
    assert "密码登录已锁定15分钟" in response.json()["detail"]
    assert response["Retry-After"] == "900"


def test_lockout_tells_htmx_to_reload(client, member):
    response = _lock(client, HTTP_HX_REQUEST="true")
    assert response.status_code == 429
    assert response["HX-Refresh"] == "true"
    assert "密码登录已锁定15分钟" in client.get(reverse("account_login")).content.decode()


# --- odd input on the password form ----------------------------------------------------------


@pytest.mark.parametrize(
    ("phone", "password", "message"),
    [
        ("", PASSWORD, "请输入手机号码。"),
        ("   ", PASSWORD, "请输入手机号码。"),
        (PHONE, "", "请输入密码。"),
        ("1" * 5000, PASSWORD, "20"),
        ("138\x0000000077", PASSWORD, NUL_REFUSED),
        ("一三八零零零零零零七七", PASSWORD, "请输入正确的11位中国大陆手机号码"),
        ("+86", PASSWORD, "请输入正确的11位中国大陆手机号码"),
        (PHONE, "x" * 10000, "手机号码或密码不正确。"),
        (PHONE, "密码\x00", NUL_REFUSED),
    ],
    ids=[
        "empty",
        "blank",
        "no-password",
        "too-long",
        "nul",
        "chinese-numerals",
        "prefix-only",
        "long-password",
        "nul-password",
    ],
)
def test_odd_password_sign_in_input_gets_a_form_error(client, member, phone, password, message):
    response = login(client, phone=phone, password=password)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not signed_in(client)


def test_full_width_digits_sign_in(client, member):
    full_width = "".join(chr(ord(digit) + 0xFEE0) for digit in PHONE)
    response = login(client, phone=f"＋86 {full_width}")
    assert response.status_code == 302
    assert signed_in(client)


def test_many_empty_posts_neither_lock_nor_fail(client, member):
    for _ in range(12):
        assert client.post(reverse("account_login"), {}).status_code == 200
    # No password was checked: the member is not locked out.
    assert login(client).status_code == 302


# --- odd input on the SMS code pages ---------------------------------------------------------


@pytest.mark.parametrize(
    ("phone", "message"),
    [
        ("", "请输入手机号码。"),
        ("1" * 5000, "20"),
        ("138\x0000000077", NUL_REFUSED),
        ("abcdefghijk", "请输入正确的11位中国大陆手机号码"),
    ],
    ids=["empty", "too-long", "nul", "letters"],
)
def test_odd_numbers_on_the_code_page_get_a_form_error(client, phone, message):
    response = client.post(reverse("accounts:login_code"), {"phone": phone})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not SmsCode.objects.exists()


def _request_code(client: Client) -> str:
    full_width = "".join(chr(ord(digit) + 0xFEE0) for digit in PHONE)
    response = client.post(reverse("accounts:login_code"), {"phone": full_width})
    assert response.status_code == 302
    return re.search(r"验证码是 (\d{6})", sms.outbox[-1].message).group(1)


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("", "请输入短信验证码。"),
        ("1" * 500, "12"),
        ("12ab56", "请输入短信中的6位数字验证码。"),
        ("123\x00456", NUL_REFUSED),
    ],
    ids=["empty", "too-long", "letters", "nul"],
)
def test_odd_codes_get_a_form_error(client, member, code, message):
    _request_code(client)
    response = client.post(reverse("accounts:login_code_confirm"), {"code": code})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not signed_in(client)


def test_a_full_width_code_signs_in(client, member):
    code = _request_code(client)
    full_width = "".join(chr(ord(digit) + 0xFEE0) for digit in code)
    response = client.post(reverse("accounts:login_code_confirm"), {"code": full_width})
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == member.pk


def test_many_wrong_codes_end_in_chinese_and_spend_the_code(client, member):
    code = _request_code(client)
    wrong = "000000" if code != "000000" else "111111"
    url = reverse("accounts:login_code_confirm")
    bodies = [client.post(url, {"code": wrong}).content.decode() for _ in range(7)]
    assert "还可以再试 4 次" in bodies[0]
    assert all("验证码错误次数过多，请重新获取。" in body for body in bodies[4:])
    response = client.post(url, {"code": code})
    assert response.status_code == 200
    assert "验证码错误次数过多，请重新获取。" in response.content.decode()
    assert not signed_in(client)
