"""Member pages (实名认证, card, wallet), the public verification page and API, and the
admin's audited reveal."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.models import ConsentRecord, Credential, DigitalIdentity
from accounts.services.wallet import credential_issue
from accounts.tokens import credential_token_issue
from core.models import AuditLog
from tests.accounts.factories import (
    StaffUserFactory,
    UserFactory,
    make_card_holder,
    make_id_number,
    make_identity,
)


@pytest.fixture
def holder(union_tree):
    membership, card = make_card_holder(organization=union_tree["factory"], verified=False)
    number = make_id_number(county="130102", birth="19860314", sequence=371)
    identity = make_identity(user=membership.user, real_name="王伟", id_number=number)
    return membership.user, card, identity, number


@pytest.fixture
def certificate(holder):
    user = holder[0]
    return credential_issue(
        user=user,
        kind=Credential.Kind.COMPETITION_AWARD,
        title="河北省职工职业技能大赛（钳工）二等奖",
        issuer="河北省总工会",
        source_type="tests.award",
        source_id=1,
    )


# --- access -------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["accounts:identity", "accounts:card", "accounts:wallet"])
def test_anonymous_redirected_to_login(client, db, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_anonymous_credential_pages_redirect(client, certificate):
    for name in ("accounts:wallet_detail", "accounts:credential_qr"):
        response = client.get(reverse(name, args=[certificate.serial]))
        assert response.status_code == 302


def test_other_member_gets_404(client, certificate, holder):
    client.force_login(UserFactory())
    for name in ("accounts:wallet_detail", "accounts:credential_qr"):
        assert client.get(reverse(name, args=[certificate.serial])).status_code == 404
        assert client.get(reverse(name, args=[holder[1].serial])).status_code == 404
    response = client.get(reverse("accounts:wallet"))
    assert certificate.title not in response.content.decode()


# --- owner pages ----------------------------------------------------------------------------


def test_card_page_for_owner(client, holder):
    user, card, identity, number = holder
    client.force_login(user)
    response = client.get(reverse("accounts:card"))
    assert response.status_code == 200
    body = response.content.decode()
    assert identity.member_id in body
    assert "石家庄重型装备制造有限公司工会" in body
    assert 'class="segno"' in body
    assert 'hx-trigger="every 60s"' in body
    assert reverse("accounts:credential_qr", args=[card.serial]) in body
    assert "刷新" in body
    assert number not in body
    assert "no-store" in response["Cache-Control"]


def test_qr_fragment_refreshes(client, holder):
    user, card, _identity, _number = holder
    client.force_login(user)
    response = client.get(
        reverse("accounts:credential_qr", args=[card.serial]), HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert body.lstrip().startswith('<div class="qr-box"')
    assert 'class="segno"' in body and "<html" not in body


def test_wallet_list_and_detail(client, holder, certificate):
    client.force_login(holder[0])
    body = client.get(reverse("accounts:wallet")).content.decode()
    assert certificate.title in body and holder[1].title in body
    response = client.get(reverse("accounts:wallet_detail", args=[certificate.serial]))
    assert response.status_code == 200
    assert 'class="segno"' in response.content.decode()


def test_member_without_card_sees_why(client, db):
    client.force_login(UserFactory())
    body = client.get(reverse("accounts:card")).content.decode()
    assert "您还没有电子会员卡" in body
    assert reverse("accounts:identity") in body
    try:
        apply_url = reverse("accounts:membership_apply")
    except Exception:  # noqa: BLE001 - the membership area may not be wired yet
        apply_url = None
    if apply_url:
        assert apply_url in body


def test_revoked_card_shows_no_qr(client, holder):
    from accounts.services.wallet import credential_revoke

    user, card, _identity, _number = holder
    credential_revoke(credential=card, reason="补办新卡")
    client.force_login(user)
    body = client.get(reverse("accounts:card")).content.decode()
    assert "已作废" in body and 'class="segno"' not in body


# --- 实名认证 through the page -------------------------------------------------------------


def test_identity_form_verifies(client, db):
    user = UserFactory()
    client.force_login(user)
    response = client.get(reverse("accounts:identity"))
    assert "单独同意" in response.content.decode()
    number = make_id_number(county="130104", birth="19910502", sequence=158)
    response = client.post(
        reverse("accounts:identity"),
        {"real_name": "刘鸿", "id_number": number.lower(), "consent": "on"},
    )
    assert response.status_code == 302
    identity = DigitalIdentity.objects.get(user=user)
    body = client.get(reverse("accounts:identity")).content.decode()
    assert identity.member_id in body
    assert identity.id_number_masked in body
    assert number not in body


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"real_name": "刘鸿", "id_number": "13010419910502158", "consent": "on"}, "应为18位"),
        ({"real_name": "Liu", "id_number": "", "consent": "on"}, "请输入身份证号码"),
        ({"real_name": "刘鸿", "id_number": "PLACEHOLDER"}, "单独同意"),
    ],
)
def test_identity_form_errors_in_chinese(client, db, data, message):
    if data["id_number"] == "PLACEHOLDER":
        data = {**data, "id_number": make_id_number()}
    user = UserFactory()
    client.force_login(user)
    response = client.post(reverse("accounts:identity"), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not DigitalIdentity.objects.filter(user=user).exists()
    assert not ConsentRecord.objects.filter(user=user, kind="id_number").exists()


def test_identity_form_duplicate(client, holder):
    user = UserFactory()
    client.force_login(user)
    response = client.post(
        reverse("accounts:identity"), {"real_name": "王伟", "id_number": holder[3], "consent": "on"}
    )
    assert "该身份证号已被其他账号认证" in response.content.decode()


def test_owner_reveals_own_number(client, holder):
    user, _card, _identity, number = holder
    client.force_login(user)
    assert client.get(reverse("accounts:identity_reveal")).status_code == 405
    response = client.post(reverse("accounts:identity_reveal"))
    assert number in response.content.decode()
    assert "no-store" in response["Cache-Control"]


def test_reveal_without_identity_is_404(client, db):
    client.force_login(UserFactory())
    assert client.post(reverse("accounts:identity_reveal")).status_code == 404


# --- public verification ------------------------------------------------------------------


def test_verify_page_valid(client, holder):
    user, card, _identity, number = holder
    token = credential_token_issue(credential=card).token
    response = client.get(reverse("accounts:credential_verify"), {"t": token})
    body = response.content.decode()
    assert response.status_code == 200
    assert "凭证有效" in body and "王*" in body
    assert "石家庄重型装备制造有限公司工会" in body
    assert "王伟" not in body and user.phone not in body and number not in body


@pytest.mark.parametrize("token", ["garbage", "a.b.c", "x" * 3000])
def test_verify_page_garbage(client, db, token):
    response = client.get(reverse("accounts:credential_verify"), {"t": token})
    assert response.status_code == 200
    assert "二维码" in response.content.decode()


def test_verify_page_empty_shows_form(client, db):
    response = client.get(reverse("accounts:credential_verify"))
    assert response.status_code == 200
    assert "<form" in response.content.decode()


def test_verify_api(client, holder):
    _user, card, _identity, _number = holder
    url = reverse("card-verify")
    token = credential_token_issue(credential=card).token
    response = client.post(url, {"token": token}, content_type="application/json")
    assert response.status_code == 200
    data = response.json()
    assert data["status"] == "valid" and data["valid"] is True
    assert data["masked_name"] == "王*"
    assert set(data) == {
        "status", "valid", "message", "masked_name", "organization", "title", "kind",
        "kind_label", "token_expires_at", "checked_at",
    }  # fmt: skip

    response = client.post(url, {"token": "garbage"}, content_type="application/json")
    assert response.status_code == 200
    assert response.json()["status"] == "tampered"
    assert response.json()["message"] == "二维码无效或已被篡改，无法验证"

    response = client.post(url, {}, content_type="application/json")
    assert response.status_code == 400
    assert "token" in response.json()
    assert "请提供" in str(response.json())


def test_verify_api_needs_no_csrf_for_logged_in_scanner(holder):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(StaffUserFactory())
    token = credential_token_issue(credential=holder[1]).token
    response = client.post(
        reverse("card-verify"), {"token": token}, content_type="application/json"
    )
    assert response.status_code == 200


def test_public_key_api(client, db):
    response = client.get(reverse("card-public-key"))
    assert response.status_code == 200
    data = response.json()
    assert data["alg"] == "EdDSA"
    assert data["jwk"]["crv"] == "Ed25519"
    assert data["public_key_pem"].startswith("-----BEGIN PUBLIC KEY-----")


# --- admin ----------------------------------------------------------------------------------


@pytest.fixture
def superuser_client(db, client, settings):
    settings.PORTAL_STAFF_MFA_REQUIRED = False
    client.force_login(StaffUserFactory(is_superuser=True))
    return client


def test_admin_shows_masked_number_only(superuser_client, holder):
    _user, _card, identity, number = holder
    url = reverse("admin:accounts_digitalidentity_change", args=[identity.pk])
    body = superuser_client.get(url).content.decode()
    assert identity.id_number_masked in body
    assert number not in body
    assert identity.id_number_ciphertext not in body
    assert "查看完整身份证号" in body


def test_admin_reveal_is_audited(superuser_client, holder):
    _user, _card, identity, number = holder
    url = reverse("admin:accounts_digitalidentity_reveal_id_number", args=[identity.pk])
    body = superuser_client.get(url).content.decode()
    assert number not in body
    assert not AuditLog.objects.filter(action="identity.view_id_number").exists()
    response = superuser_client.post(url)
    assert number in response.content.decode()
    assert AuditLog.objects.filter(action="identity.view_id_number").count() == 1


def test_admin_reveal_refused_out_of_scope(client, settings, holder):
    from accounts.models import Role
    from accounts.services.roles import role_assign
    from regions.models import Region

    settings.PORTAL_STAFF_MFA_REQUIRED = False
    staff = StaffUserFactory()
    role_assign(user=staff, role=Role.PROVINCE_ADMIN, region=Region.objects.get(code="131000"))
    client.force_login(staff)
    identity = holder[2]
    url = reverse("admin:accounts_digitalidentity_reveal_id_number", args=[identity.pk])
    assert client.post(url).status_code == 404
    assert not AuditLog.objects.filter(action="identity.view_id_number").exists()


def test_admin_revoke_action(superuser_client, certificate):
    response = superuser_client.post(
        reverse("admin:accounts_credential_changelist"),
        {"action": "revoke_selected", "_selected_action": [certificate.pk]},
    )
    assert response.status_code == 302
    certificate.refresh_from_db()
    assert certificate.is_revoked
