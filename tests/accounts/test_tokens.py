"""Signed QR tokens: valid, expired, tampered, garbage, revoked, membership ended, replay,
and offline verification with the public key alone."""

from __future__ import annotations

import base64
import json
from datetime import timedelta
from unittest import mock

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from cryptography.hazmat.primitives.serialization import load_pem_public_key
from django.db import IntegrityError
from django.utils import timezone

from accounts.models import Credential, Membership, UsedCredentialToken
from accounts.services.wallet import credential_issue, credential_revoke, member_card_revoke
from accounts.tokens import (
    TokenStatus,
    credential_token_issue,
    credential_token_verify,
    public_key_document,
)
from tests.accounts.factories import UserFactory, make_card_holder, make_identity


@pytest.fixture
def card(union_tree):
    membership, credential = make_card_holder(organization=union_tree["factory"], verified=False)
    make_identity(user=membership.user, real_name="王伟")
    return credential


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def test_valid_token_shows_the_minimum(card):
    token = credential_token_issue(credential=card).token
    result = credential_token_verify(token=token)
    assert result.status == TokenStatus.VALID
    assert result.is_valid
    assert result.message == "凭证有效"
    assert result.masked_name == "王*"
    assert result.organization == "石家庄重型装备制造有限公司工会"
    assert result.kind == Credential.Kind.MEMBER_CARD
    shown = json.dumps(
        [result.masked_name, result.organization, result.title, result.kind_label, token]
    )
    assert card.user.phone not in shown
    assert "王伟" not in shown


def test_token_is_compact_url_safe_and_holds_no_personal_data(card):
    token = credential_token_issue(credential=card).token
    assert len(token) < 400
    assert all(c.isalnum() or c in "-_." for c in token)
    claims = jwt.decode(token, options={"verify_signature": False})
    assert set(claims) == {"sub", "knd", "iat", "exp", "jti"}
    assert claims["sub"] == card.serial
    assert claims["exp"] - claims["iat"] == 300


def test_expired_token(card):
    token = credential_token_issue(credential=card).token
    later = timezone.now() + timedelta(minutes=6)
    with mock.patch("django.utils.timezone.now", return_value=later):
        result = credential_token_verify(token=token)
    assert result.status == TokenStatus.EXPIRED
    assert "已过期" in result.message


def test_expired_credential(union_tree):
    voucher = credential_issue(
        user=UserFactory(),
        kind=Credential.Kind.VOUCHER,
        title="职工生日礼包券",
        issuer="三河市总工会",
        source_type="tests.voucher",
        source_id=1,
        expires_at=timezone.now() - timedelta(days=1),
    )
    result = credential_token_verify(token=credential_token_issue(credential=voucher).token)
    assert result.status == TokenStatus.EXPIRED
    assert result.message == "该凭证已过有效期"


def test_tampered_payload(card, union_tree):
    _membership, other = make_card_holder(organization=union_tree["joint"])
    token = credential_token_issue(credential=card).token
    header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=="))
    claims["sub"] = other.serial
    forged = ".".join([header, _b64(json.dumps(claims).encode()), signature])
    result = credential_token_verify(token=forged)
    assert result.status == TokenStatus.TAMPERED
    assert result.message == "二维码无效或已被篡改，无法验证"
    assert result.masked_name == ""


def test_token_signed_with_another_key(card):
    claims = {"sub": card.serial, "knd": card.kind, "iat": 1, "exp": 2**31, "jti": "x"}
    forged = jwt.encode(claims, Ed25519PrivateKey.generate(), algorithm="EdDSA")
    assert credential_token_verify(token=forged).status == TokenStatus.TAMPERED


def test_alg_none_refused(card):
    claims = {"sub": card.serial, "knd": card.kind, "iat": 1, "exp": 2**31, "jti": "x"}
    unsigned = jwt.encode(claims, None, algorithm="none")
    assert credential_token_verify(token=unsigned).status == TokenStatus.TAMPERED


@pytest.mark.parametrize(
    "garbage",
    ["", "hello", "a.b.c", "....", "eyJ", "💳", "x" * 5000, None, 12345],
)
def test_garbage_never_raises(db, garbage):
    result = credential_token_verify(token=garbage)
    assert result.status == TokenStatus.TAMPERED
    assert "二维码无效" in result.message


def test_truncated_token(card):
    token = credential_token_issue(credential=card).token
    for cut in (10, len(token) // 2, len(token) - 3):
        assert credential_token_verify(token=token[:cut]).status == TokenStatus.TAMPERED


def test_revoked(card):
    token = credential_token_issue(credential=card).token
    credential_revoke(credential=card, reason="测试作废")
    result = credential_token_verify(token=token)
    assert result.status == TokenStatus.REVOKED
    assert result.message == "该凭证已作废"


def test_membership_ended(card):
    token = credential_token_issue(credential=card).token
    membership = Membership.objects.get(pk=card.source_id)
    membership.status = Membership.Status.ENDED
    membership.ended_at = timezone.now()
    membership.end_reason = Membership.EndReason.LEFT
    membership.save(update_fields=["status", "ended_at", "end_reason"])
    member_card_revoke(membership=membership, reason="退会")
    result = credential_token_verify(token=token)
    assert result.status == TokenStatus.MEMBERSHIP_ENDED
    assert "会籍已结束" in result.message


def test_unknown_credential(card):
    token = credential_token_issue(credential=card).token
    Credential.objects.filter(pk=card.pk).delete()
    result = credential_token_verify(token=token)
    assert result.status == TokenStatus.UNKNOWN
    assert result.message == "未找到该凭证"


def test_replay_with_consume(card):
    token = credential_token_issue(credential=card).token
    assert credential_token_verify(token=token, consume=True).status == TokenStatus.VALID
    again = credential_token_verify(token=token, consume=True)
    assert again.status == TokenStatus.USED
    assert again.message == "二维码已使用"
    assert UsedCredentialToken.objects.filter(credential=card).count() == 1
    # Looking without consuming still reports the card valid; a fresh token works once.
    assert credential_token_verify(token=token).status == TokenStatus.VALID
    fresh = credential_token_issue(credential=card).token
    assert credential_token_verify(token=fresh, consume=True).status == TokenStatus.VALID


def test_consume_does_not_spend_an_invalid_token(card):
    token = credential_token_issue(credential=card).token
    credential_revoke(credential=card, reason="测试")
    assert credential_token_verify(token=token, consume=True).status == TokenStatus.REVOKED
    assert not UsedCredentialToken.objects.exists()


def test_used_nonce_unique_in_database(card):
    UsedCredentialToken.objects.create(nonce="n1", credential=card)
    with pytest.raises(IntegrityError):
        UsedCredentialToken.objects.create(nonce="n1", credential=card)


def test_offline_verification_with_public_key_only(card):
    token = credential_token_issue(credential=card).token
    document = public_key_document()
    jwk = document["jwk"]
    raw = base64.urlsafe_b64decode(jwk["x"] + "=" * (-len(jwk["x"]) % 4))
    key = Ed25519PublicKey.from_public_bytes(raw)
    claims = jwt.decode(token, key, algorithms=["EdDSA"])
    assert claims["sub"] == card.serial
    assert jwt.get_unverified_header(token)["kid"] == jwk["kid"]
    pem_key = load_pem_public_key(document["public_key_pem"].encode())
    assert jwt.decode(token, pem_key, algorithms=["EdDSA"])["knd"] == "member_card"
    # And a forged token fails offline too.
    header, payload, signature = token.split(".")
    with pytest.raises(jwt.InvalidSignatureError):
        jwt.decode(f"{header}.{payload}.{signature[:-4]}AAAA", key, algorithms=["EdDSA"])


def test_missing_signing_key_fails_naming_the_variable(card, settings):
    from django.core.exceptions import ImproperlyConfigured

    settings.IDENTITY_DEV_KEYS = False
    settings.CARD_SIGNING_KEY = ""
    with pytest.raises(ImproperlyConfigured, match="CARD_SIGNING_KEY"):
        credential_token_issue(credential=card)


def test_configured_signing_key_is_used(card, settings):
    private = Ed25519PrivateKey.generate()
    from cryptography.hazmat.primitives import serialization

    raw = private.private_bytes(
        serialization.Encoding.Raw,
        serialization.PrivateFormat.Raw,
        serialization.NoEncryption(),
    )
    settings.CARD_SIGNING_KEY = base64.b64encode(raw).decode()
    token = credential_token_issue(credential=card).token
    assert jwt.decode(token, private.public_key(), algorithms=["EdDSA"])["sub"] == card.serial
