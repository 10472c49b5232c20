"""Short-lived signed QR tokens for wallet credentials, verifiable offline.

A token is a compact JWS (JWT) signed with Ed25519 (``alg: EdDSA``), URL-safe by
construction. Claims: ``sub`` the credential serial, ``knd`` its kind, ``iat`` and ``exp``
(``CARD_TOKEN_TTL_SECONDS``, 5 minutes by default) and ``jti`` a random nonce. No personal
data is inside. Any platform holding the public key (``GET /api/cards/public-key/``) checks
signature and expiry offline with a standard JWT library; revocation and ended memberships
need this portal (``POST /api/cards/verify/``).

The private key comes from ``CARD_SIGNING_KEY`` (base64 of the raw 32 bytes); development
and tests (``IDENTITY_DEV_KEYS``) derive one from ``SECRET_KEY`` when unset.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from functools import lru_cache
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.crypto import decode_key, dev_key
from accounts.models import Credential, Membership, UsedCredentialToken
from accounts.services.wallet import MEMBER_CARD_SOURCE

ALGORITHM = "EdDSA"
#: Longest token accepted before even trying to parse it (a real one is ~300 characters).
MAX_TOKEN_LENGTH = 1024


class TokenStatus(StrEnum):
    VALID = "valid"
    EXPIRED = "expired"
    REVOKED = "revoked"
    MEMBERSHIP_ENDED = "membership_ended"
    TAMPERED = "tampered"
    UNKNOWN = "unknown"
    USED = "used"


def _status_message(status: TokenStatus, credential: Credential | None = None) -> str:
    messages = {
        TokenStatus.VALID: _("凭证有效"),
        TokenStatus.EXPIRED: _("二维码已过期，请持卡人刷新后重新出示"),
        TokenStatus.REVOKED: _("该凭证已作废"),
        TokenStatus.MEMBERSHIP_ENDED: _("会籍已结束，会员卡已失效"),
        TokenStatus.TAMPERED: _("二维码无效或已被篡改，无法验证"),
        TokenStatus.UNKNOWN: _("未找到该凭证"),
        TokenStatus.USED: _("二维码已使用"),
    }
    return messages[status]


@dataclass(frozen=True)
class TokenCheck:
    """What a scanner may show: never the phone, the ID number or the full name."""

    status: TokenStatus
    message: str
    masked_name: str = ""
    organization: str = ""
    title: str = ""
    kind: str = ""
    kind_label: str = ""
    token_expires_at: datetime | None = None
    checked_at: datetime = field(default_factory=timezone.now)
    # For callers in this process (check-in, redemption); not part of any public output.
    credential: Credential | None = field(default=None, repr=False, compare=False)

    @property
    def is_valid(self) -> bool:
        return self.status == TokenStatus.VALID


@dataclass(frozen=True)
class IssuedToken:
    token: str
    expires_at: datetime


# --- keys -----------------------------------------------------------------------------------


@lru_cache(maxsize=4)
def _private_key(raw: str, dev: bool, secret: str) -> Ed25519PrivateKey:
    if raw.strip():
        seed = decode_key(raw, variable="CARD_SIGNING_KEY", label="the key")
    elif dev:
        seed = dev_key("card-signing")
    else:
        raise ImproperlyConfigured(
            "CARD_SIGNING_KEY is not set: give base64 of a raw 32-byte Ed25519 private key."
        )
    return Ed25519PrivateKey.from_private_bytes(seed)


def signing_key() -> Ed25519PrivateKey:
    return _private_key(
        settings.CARD_SIGNING_KEY, bool(settings.IDENTITY_DEV_KEYS), settings.SECRET_KEY
    )


def public_key() -> Ed25519PublicKey:
    return signing_key().public_key()


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def public_key_raw() -> bytes:
    return public_key().public_bytes(
        encoding=serialization.Encoding.Raw, format=serialization.PublicFormat.Raw
    )


def public_key_id() -> str:
    """A short fingerprint of the public key, sent as ``kid`` so verifiers pick the right
    key after a rotation."""
    return _b64(hashlib.sha256(public_key_raw()).digest()[:9])


def public_key_document() -> dict[str, Any]:
    """The public key as a JWK and PEM, for platforms verifying offline."""
    pem = public_key().public_bytes(
        encoding=serialization.Encoding.PEM,
        format=serialization.PublicFormat.SubjectPublicKeyInfo,
    )
    return {
        "alg": ALGORITHM,
        "kid": public_key_id(),
        "jwk": {
            "kty": "OKP",
            "crv": "Ed25519",
            "x": _b64(public_key_raw()),
            "kid": public_key_id(),
            "use": "sig",
            "alg": ALGORITHM,
        },
        "public_key_pem": pem.decode("ascii"),
        "token_ttl_seconds": settings.CARD_TOKEN_TTL_SECONDS,
        "claims": {
            "sub": "credential serial",
            "knd": "credential kind",
            "iat": "issued at (Unix seconds)",
            "exp": "expires at (Unix seconds)",
            "jti": "random nonce",
        },
    }


# --- issue and verify --------------------------------------------------------------------


def credential_token_issue(*, credential: Credential) -> IssuedToken:
    """Sign a fresh token naming ``credential``. No database write: tokens are stateless
    until a scanner consumes one. Issuing for a revoked card is allowed (the page shows it
    revoked anyway) so verification reports the truth rather than the page failing."""
    now = int(timezone.now().timestamp())
    expires = now + int(settings.CARD_TOKEN_TTL_SECONDS)
    claims = {
        "sub": credential.serial,
        "knd": credential.kind,
        "iat": now,
        "exp": expires,
        "jti": secrets.token_urlsafe(12),
    }
    token = jwt.encode(claims, signing_key(), algorithm=ALGORITHM, headers={"kid": public_key_id()})
    return IssuedToken(
        token=token, expires_at=datetime.fromtimestamp(expires, tz=timezone.get_current_timezone())
    )


def _masked_name(user: Any) -> str:
    identity = getattr(user, "identity", None)
    if identity is not None:
        return identity.masked_name
    name = (user.display_name or "").strip()
    return name[0] + "*" * max(len(name) - 1, 1) if name else _("未实名会员")


def _membership_ended(credential: Credential) -> bool:
    if credential.kind != Credential.Kind.MEMBER_CARD or credential.source_type != (
        MEMBER_CARD_SOURCE
    ):
        return False
    status = (
        Membership.objects.filter(pk=credential.source_id).values_list("status", flat=True).first()
    )
    return status != Membership.Status.ACTIVE


def _decode(token: str) -> dict[str, Any] | None:
    """The verified claims, or None for anything not signed by our key."""
    if not isinstance(token, str) or not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    try:
        claims = jwt.decode(
            token.strip(),
            public_key(),
            algorithms=[ALGORITHM],
            # Expiry is checked below, so an expired card still says whose it was.
            options={"verify_exp": False, "require": ["sub", "knd", "iat", "exp", "jti"]},
        )
    except (jwt.PyJWTError, ValueError, TypeError):
        return None
    if not all(isinstance(claims.get(k), str) for k in ("sub", "knd", "jti")) or not all(
        isinstance(claims.get(k), int) for k in ("iat", "exp")
    ):
        return None
    return claims


def credential_token_verify(*, token: str, consume: bool = False) -> TokenCheck:
    """Check a scanned token: signature, expiry, the credential's revocation and expiry,
    and for member cards the membership. Never raises for bad input.

    With ``consume=True`` (check-in, redemption) a valid token is also spent: its nonce is
    stored under a unique constraint, so a second use, even in another process, reports
    ``USED``. Side effect: one ``UsedCredentialToken`` row when consumed.
    """
    claims = _decode(token)
    if claims is None:
        return TokenCheck(
            status=TokenStatus.TAMPERED, message=_status_message(TokenStatus.TAMPERED)
        )
    credential = (
        Credential.objects.select_related("user", "user__identity")
        .filter(serial=claims["sub"])
        .first()
    )
    if credential is None:
        return TokenCheck(status=TokenStatus.UNKNOWN, message=_status_message(TokenStatus.UNKNOWN))
    if credential.kind != claims["knd"]:
        return TokenCheck(
            status=TokenStatus.TAMPERED, message=_status_message(TokenStatus.TAMPERED)
        )

    now = timezone.now()
    if _membership_ended(credential):
        status = TokenStatus.MEMBERSHIP_ENDED
    elif credential.is_revoked:
        status = TokenStatus.REVOKED
    elif credential.is_expired(now=now) or claims["exp"] <= now.timestamp():
        status = TokenStatus.EXPIRED
    else:
        status = TokenStatus.VALID
    message = _status_message(status)
    if status == TokenStatus.EXPIRED and credential.is_expired(now=now):
        message = _("该凭证已过有效期")

    if status == TokenStatus.VALID and consume:
        try:
            with transaction.atomic():
                UsedCredentialToken.objects.create(nonce=claims["jti"], credential=credential)
        except IntegrityError:
            status, message = TokenStatus.USED, _status_message(TokenStatus.USED)

    return TokenCheck(
        status=status,
        message=message,
        masked_name=_masked_name(credential.user),
        organization=str(credential.data.get("organization") or credential.issuer),
        title=credential.title,
        kind=credential.kind,
        kind_label=str(credential.get_kind_display()),
        token_expires_at=datetime.fromtimestamp(claims["exp"], tz=timezone.get_current_timezone()),
        checked_at=now,
        credential=credential,
    )
