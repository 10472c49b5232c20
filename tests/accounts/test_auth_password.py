"""Password sign-in through allauth, the axes lockout, closed accounts, allauth's pages."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "Test-password-2026"
PHONE = "13800000002"


@pytest.fixture
def member():
    return UserFactory(phone=PHONE, display_name="李师傅", phone_verified_at=timezone.now())


def login(client, phone=PHONE, password=PASSWORD, **extra):
    return client.post(reverse("account_login"), {"login": phone, "password": password, **extra})


def test_login_page_is_chinese_and_links_the_code_flow(client):
    response = client.get(reverse("account_login"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "手机号码" in body
    assert "密码" in body
    assert reverse("accounts:login_code") in body


def test_password_login_succeeds_with_the_number_as_people_type_it(client, member):
    response = login(client, phone="+86 138 0000 0002")
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert int(client.session["_auth_user_id"]) == member.pk


def test_wrong_password_gets_a_chinese_message(client, member):
    response = login(client, password="wrong-password")
    assert response.status_code == 200
    assert "手机号码或密码不正确" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_malformed_number_gets_a_chinese_message(client):
    response = login(client, phone="12345")
    assert response.status_code == 200
    assert "请输入正确的11位中国大陆手机号码" in response.content.decode()


def test_five_failures_lock_the_account(client, member):
    for _ in range(4):
        assert login(client, password="wrong-password").status_code == 200
    # The fifth failure locks; from then on the right password does not help either.
    assert login(client, password="wrong-password").status_code == 429
    response = login(client)
    assert response.status_code == 429
    body = response.content.decode()
    assert "登录已暂时锁定" in body
    assert "15分钟" in body
    assert "_auth_user_id" not in client.session


def test_lockout_counts_the_number_however_it_is_typed(client, member):
    for phone in ("13800000002", "+8613800000002", "138 0000 0002", "0086 13800000002", PHONE):
        login(client, phone=phone, password="wrong-password")
    assert login(client).status_code == 429


def test_lockout_of_one_account_leaves_another_address_free(client, member):
    from django.test import Client

    for _ in range(5):
        login(client, password="wrong-password")
    other = Client(REMOTE_ADDR="10.20.30.40")
    # The account is locked wherever the next attempt comes from.
    assert login(other).status_code == 429


def test_closed_account_cannot_sign_in_with_password(client):
    UserFactory(phone=PHONE, closed_at=timezone.now(), phone_verified_at=timezone.now())
    response = login(client)
    assert "_auth_user_id" not in client.session
    assert response.status_code == 200
    assert "手机号码或密码不正确" in response.content.decode()


def test_password_sign_up_is_closed(client):
    response = client.get(reverse("account_signup"))
    assert response.status_code == 200
    assert reverse("accounts:login_code") in response.content.decode()
    response = client.post(
        reverse("account_signup"),
        {"phone": "13800000009", "password1": "Xx-long-pass-1", "password2": "Xx-long-pass-1"},
    )
    from accounts.models import User

    assert not User.objects.filter(phone="13800000009").exists()


def test_member_without_password_can_set_one(client):
    user = UserFactory(phone=PHONE, phone_verified_at=timezone.now())
    user.set_unusable_password()
    user.save(update_fields=["password"])
    client.force_login(user)
    page = client.get(reverse("account_set_password"))
    assert page.status_code == 200
    assert "设置密码" in page.content.decode()
    response = client.post(
        reverse("account_set_password"),
        {"password1": "Hebei-new-pass-77", "password2": "Hebei-new-pass-77"},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("Hebei-new-pass-77")


def test_password_change_page(client, member):
    client.force_login(member)
    response = client.get(reverse("account_change_password"))
    assert response.status_code == 200
    assert "修改密码" in response.content.decode()


def test_password_pages_need_sign_in(client):
    response = client.get(reverse("account_change_password"))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_header_shows_sign_in_or_sign_out(client, member):
    anonymous = client.get(reverse("accounts:privacy_policy")).content.decode()
    assert 'class="header-login"' in anonymous
    assert f'action="{reverse("account_logout")}"' not in anonymous
    client.force_login(member)
    signed_in = client.get(reverse("accounts:privacy_policy")).content.decode()
    assert 'class="header-login"' not in signed_in
    assert "李师傅" in signed_in
    assert f'action="{reverse("account_logout")}"' in signed_in


def test_logout_by_post(client, member):
    client.force_login(member)
    assert "退出登录" in client.get(reverse("account_logout")).content.decode()
    client.post(reverse("account_logout"))
    assert "_auth_user_id" not in client.session


def test_unverified_number_is_verified_by_sms_at_first_password_login(client):
    import re

    from core import sms

    sms.outbox.clear()
    user = UserFactory(phone=PHONE)  # e.g. created by staff in the admin
    response = login(client)
    assert response["Location"] == reverse("account_verify_phone")
    page = client.get(reverse("account_verify_phone"))
    assert page.status_code == 200
    assert "验证手机号码" in page.content.decode()
    code = re.search(r"验证码是 (\d{6})，", sms.outbox[-1].message).group(1)
    response = client.post(reverse("account_verify_phone"), {"code": code})
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == user.pk
    user.refresh_from_db()
    assert user.phone_verified_at is not None
