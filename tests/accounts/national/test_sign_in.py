"""Signing in with the national identity: who gets linked, what is asked, what is refused.
Every test runs the real OIDC round trip over HTTP against tests' national IdP."""

from __future__ import annotations

import pytest
from allauth.socialaccount.models import SocialAccount
from django.urls import reverse
from django.utils import timezone

from accounts.models import ConsentRecord, User
from core.models import AuditLog
from tests.accounts.factories import UserFactory, make_id_number, make_identity
from tests.accounts.national.conftest import go_to_op, national_sign_in, signed_in_user_id

pytestmark = pytest.mark.django_db


def _links() -> int:
    return SocialAccount.objects.filter(provider="acftu").count()


def test_verified_phone_links_the_existing_member_and_signs_in(client, national_op):
    member = UserFactory(phone="13800138001")
    national_op.claims = {"phone_number": "+8613800138001", "phone_number_verified": True}

    response = national_sign_in(client)

    assert response.status_code == 302
    assert signed_in_user_id(client) == member.pk
    account = SocialAccount.objects.get(provider="acftu")
    assert (account.user_id, account.uid) == (member.pk, "national-0001")
    assert AuditLog.objects.filter(action="national.link", details__method="verified_phone")


def test_a_linked_national_account_signs_in_even_after_its_number_changed(client, national_op):
    member = UserFactory(phone="13800138002")
    national_op.claims = {"phone_number": "13800138002", "phone_number_verified": True}
    national_sign_in(client)
    client.logout()

    national_op.claims = {"phone_number": "13900139000", "phone_number_verified": False}
    national_sign_in(client)

    assert signed_in_user_id(client) == member.pk
    assert _links() == 1


def test_verified_id_number_links_the_member_with_that_identity(client, national_op):
    member = UserFactory(phone="13800138003", phone_verified_at=timezone.now())
    number = make_id_number(sequence=417)
    make_identity(user=member, id_number=number)
    national_op.claims = {"id_number": number.lower(), "id_number_verified": True}

    national_sign_in(client)

    assert signed_in_user_id(client) == member.pk
    assert AuditLog.objects.filter(action="national.link", details__method="verified_id_number")


def test_an_unverified_id_number_links_nobody(client, national_op):
    member = UserFactory(phone="13800138004")
    number = make_id_number(sequence=418)
    make_identity(user=member, id_number=number)
    national_op.claims = {"id_number": number, "id_number_verified": False}

    response = national_sign_in(client)

    assert response.status_code == 302 and response["Location"] == reverse("acftu_continue")
    assert signed_in_user_id(client) is None
    assert _links() == 0


def test_unverified_phone_claim_is_refused_with_a_message_and_creates_nothing(client, national_op):
    victim = UserFactory(phone="13800138005")
    users = User.objects.count()
    national_op.claims = {"phone_number": "+8613800138005", "phone_number_verified": False}

    response = national_sign_in(client)
    page = client.get(response["Location"])

    assert signed_in_user_id(client) is None
    assert _links() == 0 and User.objects.count() == users
    text = page.content.decode()
    assert "手机号码未经验证" in text and "未创建任何账号" in text
    assert reverse("accounts:login_code") in text
    # Signed in by SMS code as the owner of the number, the member may then link it.
    client.force_login(victim)
    client.post(reverse("acftu_continue"))
    assert SocialAccount.objects.get(provider="acftu").user_id == victim.pk


def test_a_new_verified_number_asks_only_for_consent_then_creates_the_account(client, national_op):
    national_op.claims = {
        "phone_number": "+86 138 0013 8006",
        "phone_number_verified": "true",
        "name": "张晓梅",
    }
    response = national_sign_in(client)
    assert response["Location"] == reverse("acftu_continue")
    assert not User.objects.filter(phone="13800138006").exists()
    page = client.get(reverse("acftu_continue")).content.decode()
    assert "138****8006" in page and "隐私政策" in page

    refused = client.post(reverse("acftu_continue"), {})
    assert "请先阅读并勾选同意《隐私政策》" in refused.content.decode()
    assert not User.objects.filter(phone="13800138006").exists()

    done = client.post(reverse("acftu_continue"), {"privacy_consent": "on"})

    user = User.objects.get(phone="13800138006")
    assert done.status_code == 302
    assert signed_in_user_id(client) == user.pk
    assert user.phone_verified_at is not None and user.display_name == "张晓梅"
    assert ConsentRecord.objects.filter(user=user, kind=ConsentRecord.Kind.PRIVACY_POLICY)
    assert SocialAccount.objects.get(provider="acftu").user_id == user.pk


def test_the_waiting_sign_in_expires(client, national_op, settings):
    settings.NATIONAL_IDP_PENDING_SECONDS = -1
    national_op.claims = {"phone_number": "13800138007", "phone_number_verified": True}
    national_sign_in(client)

    response = client.post(reverse("acftu_continue"), {"privacy_consent": "on"})

    assert response.status_code == 302 and response["Location"] == reverse("account_login")
    assert not User.objects.filter(phone="13800138007").exists()


def test_a_closed_account_is_never_linked(client, national_op):
    from accounts.services.closure import account_close

    member = UserFactory(phone="13800138008")
    national_op.claims = {"phone_number": "13800138008", "phone_number_verified": True}
    national_sign_in(client)
    client.logout()
    account_close(user=member)
    assert _links() == 0  # closing removed the sign-in link

    national_sign_in(client)

    assert signed_in_user_id(client) is None


def test_next_is_kept_through_the_round_trip(client, national_op):
    UserFactory(phone="13800138009")
    national_op.claims = {"phone_number": "13800138009", "phone_number_verified": True}

    response = national_sign_in(client, data={"next": "/learning/"})

    assert response["Location"] == "/learning/"


def test_the_callback_url_is_single_use(client, national_op):
    UserFactory(phone="13800138010")
    national_op.claims = {"phone_number": "13800138010", "phone_number_verified": True}
    callback = go_to_op(client)
    client.get(callback)
    client.logout()

    replay = client.get(callback)

    assert "全国账号登录未成功" in replay.content.decode()
    assert signed_in_user_id(client) is None


def test_linked_by_id_number_an_unproven_phone_is_still_verified_by_sms(client, national_op):
    member = UserFactory(phone="13800138011")
    number = make_id_number(sequence=419)
    make_identity(user=member, id_number=number)
    national_op.claims = {"id_number": number, "id_number_verified": True}

    response = national_sign_in(client)

    # allauth's phone verification stage, as at a password sign-in with an unproven number.
    assert response["Location"] == reverse("account_verify_phone")
    assert SocialAccount.objects.get(provider="acftu").user_id == member.pk
