"""Signing up and in with a one-time SMS code: services and the two pages."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.models import ConsentRecord, SmsCode, User
from accounts.services.auth import (
    sms_code_hash,
    sms_code_send,
    sms_code_verify,
    user_sign_in_or_up_by_code,
)
from core import sms
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db

PHONE = "13800000001"


@pytest.fixture(autouse=True)
def _outbox():
    sms.outbox.clear()
    yield
    sms.outbox.clear()


def last_code() -> str:
    match = re.search(r"\b(\d{6})\b", sms.outbox[-1].message)
    assert match, sms.outbox[-1].message
    return match.group(1)


def age_codes(phone: str, seconds: int) -> None:
    """Move a number's codes into the past, past the resend interval."""
    for record in SmsCode.objects.filter(phone=phone):
        record.created_at -= timedelta(seconds=seconds)
        record.save(update_fields=["created_at"])


# --- services ---------------------------------------------------------------------------


def test_send_stores_only_a_keyed_hash_and_texts_the_code():
    record = sms_code_send(phone="+86 138 0000 0001", ip_address="10.0.0.1")
    code = last_code()
    assert record.phone == PHONE
    assert sms.outbox[-1].phone == PHONE
    assert code not in record.code_hash
    assert record.code_hash == sms_code_hash(phone=PHONE, purpose="login", code=code)
    assert record.expires_at - record.created_at == timedelta(minutes=5)
    # The same code for another number hashes differently.
    assert record.code_hash != sms_code_hash(phone="13800000002", purpose="login", code=code)


def test_malformed_number_is_refused_in_chinese_and_nothing_is_saved():
    with pytest.raises(ValidationError) as exc:
        sms_code_send(phone="12345", ip_address="10.0.0.1")
    assert "11位中国大陆手机号码" in exc.value.messages[0]
    assert not SmsCode.objects.exists()
    assert sms.outbox == []


def test_expired_code_is_refused():
    sms_code_send(phone=PHONE)
    code = last_code()
    SmsCode.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    with pytest.raises(ValidationError) as exc:
        sms_code_verify(phone=PHONE, code=code)
    assert "已过期" in exc.value.messages[0]


def test_wrong_attempts_are_counted_and_exhaust_the_code():
    sms_code_send(phone=PHONE)
    code = last_code()
    wrong = "000000" if code != "000000" else "111111"
    for left in (4, 3, 2, 1):
        with pytest.raises(ValidationError) as exc:
            sms_code_verify(phone=PHONE, code=wrong)
        assert f"还可以再试 {left} 次" in exc.value.messages[0]
    with pytest.raises(ValidationError):
        sms_code_verify(phone=PHONE, code=wrong)
    # Counted in the database although every call failed.
    assert SmsCode.objects.get().attempts == 5
    with pytest.raises(ValidationError) as exc:
        sms_code_verify(phone=PHONE, code=code)
    assert "错误次数过多" in exc.value.messages[0]


def test_code_is_consumed_once():
    sms_code_send(phone=PHONE)
    code = last_code()
    sms_code_verify(phone=PHONE, code=code)
    with pytest.raises(ValidationError) as exc:
        sms_code_verify(phone=PHONE, code=code)
    assert "无效或已使用" in exc.value.messages[0]


def test_malformed_code_gets_a_chinese_message_and_costs_no_attempt():
    sms_code_send(phone=PHONE)
    with pytest.raises(ValidationError) as exc:
        sms_code_verify(phone=PHONE, code="12ab")
    assert "6位数字验证码" in exc.value.messages[0]
    assert SmsCode.objects.get().attempts == 0


def test_a_resend_retires_the_previous_code():
    sms_code_send(phone=PHONE)
    first = last_code()
    age_codes(PHONE, 61)
    sms_code_send(phone=PHONE)
    second = last_code()
    if first != second:
        with pytest.raises(ValidationError):
            sms_code_verify(phone=PHONE, code=first)
    sms_code_verify(phone=PHONE, code=second)


def test_resend_within_a_minute_is_throttled():
    sms_code_send(phone=PHONE)
    with pytest.raises(ValidationError) as exc:
        sms_code_send(phone=PHONE)
    assert "秒后再试" in exc.value.messages[0]
    assert SmsCode.objects.count() == 1
    assert len(sms.outbox) == 1


def test_five_codes_an_hour_per_number():
    for _ in range(5):
        sms_code_send(phone=PHONE)
        age_codes(PHONE, 61)
    with pytest.raises(ValidationError) as exc:
        sms_code_send(phone=PHONE)
    assert "一小时内" in exc.value.messages[0]
    # Codes older than an hour no longer count.
    age_codes(PHONE, 3600)
    sms_code_send(phone=PHONE)


def test_twenty_codes_an_hour_per_ip(settings):
    for n in range(20):
        sms_code_send(phone=f"1390000{n:04d}", ip_address="10.1.2.3")
    with pytest.raises(ValidationError) as exc:
        sms_code_send(phone="13911112222", ip_address="10.1.2.3")
    assert "当前网络" in exc.value.messages[0]
    sms_code_send(phone="13911112222", ip_address="10.9.9.9")


def test_provider_failure_saves_nothing(monkeypatch):
    from core.sms import SmsSendError

    def fail(**kwargs):
        raise SmsSendError("down")

    monkeypatch.setattr("accounts.services.auth.sms_send", fail)
    with pytest.raises(ValidationError) as exc:
        sms_code_send(phone=PHONE)
    assert "短信发送失败" in exc.value.messages[0]
    assert not SmsCode.objects.exists()


def test_new_number_needs_consent_and_keeps_the_code_until_then():
    sms_code_send(phone=PHONE)
    code = last_code()
    with pytest.raises(ValidationError) as exc:
        user_sign_in_or_up_by_code(phone=PHONE, code=code, privacy_consent=False)
    assert exc.value.code == "consent_required"
    assert "隐私政策" in exc.value.messages[0]
    assert not User.objects.filter(phone=PHONE).exists()
    assert SmsCode.objects.get().consumed_at is None

    user, created = user_sign_in_or_up_by_code(
        phone=PHONE, code=code, privacy_consent=True, ip_address="10.0.0.1"
    )
    assert created
    assert user.phone_verified_at is not None
    assert not user.has_usable_password()
    consent = ConsentRecord.objects.get(user=user)
    assert consent.kind == "privacy_policy"
    assert consent.version == "2026-11"
    assert SmsCode.objects.get().consumed_at is not None


def test_existing_member_signs_in_without_ticking_again():
    member = UserFactory(phone=PHONE)
    sms_code_send(phone=PHONE)
    user, created = user_sign_in_or_up_by_code(phone=PHONE, code=last_code(), privacy_consent=False)
    assert (user, created) == (member, False)
    member.refresh_from_db()
    assert member.phone_verified_at is not None


def test_closed_account_cannot_sign_in_by_code():
    UserFactory(phone=PHONE, closed_at=timezone.now())
    sms_code_send(phone=PHONE)
    code = last_code()
    with pytest.raises(ValidationError) as exc:
        user_sign_in_or_up_by_code(phone=PHONE, code=code, privacy_consent=True)
    assert "已注销" in exc.value.messages[0]
    assert SmsCode.objects.get().consumed_at is None


# --- pages --------------------------------------------------------------------------------


def test_sign_up_through_the_pages(client):
    url = reverse("accounts:login_code")
    page = client.get(url + "?next=/hebei/")
    assert page.status_code == 200
    assert "获取验证码" in page.content.decode()

    response = client.post(url, {"phone": "138 0000 0001"})
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:login_code_confirm")
    confirm = client.get(response["Location"])
    assert "138****0001" in confirm.content.decode()
    assert reverse("accounts:privacy_policy") in confirm.content.decode()

    done = client.post(
        reverse("accounts:login_code_confirm"),
        {"code": last_code(), "privacy_consent": "on"},
    )
    assert done.status_code == 302
    assert done["Location"] == "/hebei/"
    user = User.objects.get(phone=PHONE)
    assert int(client.session["_auth_user_id"]) == user.pk
    assert ConsentRecord.objects.filter(user=user, kind="privacy_policy").exists()


def test_sign_up_page_without_consent_shows_the_reason(client):
    client.post(reverse("accounts:login_code"), {"phone": PHONE})
    response = client.post(reverse("accounts:login_code_confirm"), {"code": last_code()})
    assert response.status_code == 200
    assert "请先阅读并勾选同意《隐私政策》" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert not User.objects.filter(phone=PHONE).exists()


def test_malformed_number_on_the_page(client):
    response = client.post(reverse("accounts:login_code"), {"phone": "1234"})
    assert response.status_code == 200
    assert "请输入正确的11位中国大陆手机号码" in response.content.decode()
    assert not SmsCode.objects.exists()


def test_throttle_message_on_the_page(client):
    client.post(reverse("accounts:login_code"), {"phone": PHONE})
    response = client.post(reverse("accounts:login_code"), {"phone": PHONE})
    assert response.status_code == 200
    assert "秒后再试" in response.content.decode()


def test_wrong_code_on_the_page(client):
    client.post(reverse("accounts:login_code"), {"phone": PHONE})
    code = last_code()
    wrong = "000000" if code != "000000" else "111111"
    response = client.post(reverse("accounts:login_code_confirm"), {"code": wrong})
    assert response.status_code == 200
    assert "验证码不正确" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_confirm_page_without_a_number_goes_back_to_step_one(client):
    response = client.get(reverse("accounts:login_code_confirm"))
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:login_code")


def test_offsite_next_is_ignored(client):
    UserFactory(phone=PHONE)
    client.get(reverse("accounts:login_code") + "?next=https://evil.example/")
    client.post(reverse("accounts:login_code"), {"phone": PHONE})
    response = client.post(reverse("accounts:login_code_confirm"), {"code": last_code()})
    assert response.status_code == 302
    assert "evil" not in response["Location"]


def test_code_sign_in_still_asks_for_totp(client):
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    user = UserFactory(phone=PHONE)
    TOTP.activate(user, generate_totp_secret())
    client.post(reverse("accounts:login_code"), {"phone": PHONE})
    response = client.post(reverse("accounts:login_code_confirm"), {"code": last_code()})
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session
    assert Authenticator.objects.filter(user=user).exists()


def test_privacy_policy_page(client):
    response = client.get(reverse("accounts:privacy_policy"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "隐私政策" in body
    assert "2026-11" in body


def test_demo_seed_is_idempotent():
    import io

    from accounts import demo, demo_auth

    out = io.StringIO()
    demo.seed(stdout=out)
    demo_auth.seed(stdout=out)
    state = (
        list(User.objects.order_by("pk").values_list("phone", "phone_verified_at")),
        ConsentRecord.objects.count(),
    )
    demo_auth.seed(stdout=out)
    assert state == (
        list(User.objects.order_by("pk").values_list("phone", "phone_verified_at")),
        ConsentRecord.objects.count(),
    )
    assert ConsentRecord.objects.filter(user__phone="13800000002").count() == 1
    assert not User.objects.filter(phone_verified_at__isnull=True).exists()
