"""ID-token validation for the national IdP, stricter than allauth's generic provider.

allauth's ``openid_connect`` provider skips the signature when the token came straight from
the token endpoint (OIDC Core 3.1.3.7 allows it over TLS) and does not check the nonce. A
token that links or creates a member's account is checked in full here: signature against
the issuer's published keys with an asymmetric algorithm only (never ``none``, never HMAC),
issuer, audience and authorised party, expiry, and the nonce sent with this very sign-in.
"""

from __future__ import annotations

import hmac
import json
from typing import Any

import jwt
from allauth.socialaccount.providers.oauth2.client import OAuth2Error

#: What an OpenID provider signs ID tokens with. HS256 would make the client secret a
#: signing key, and "none" no signature at all: both refused.
ALLOWED_ALGORITHMS = ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384")
#: Clock difference tolerated between the national platform and us (seconds).
LEEWAY_SECONDS = 60


class IdTokenError(OAuth2Error):
    """The ID token must not be trusted; the message says why (for the log, not the member)."""


def _key_for(jwks: dict[str, Any], *, kid: str | None, alg: str) -> Any:
    keys = [k for k in (jwks or {}).get("keys", []) if isinstance(k, dict)]
    family = "EC" if alg.startswith("ES") else "RSA"
    candidates = [
        k
        for k in keys
        if k.get("kty") == family
        and k.get("use", "sig") == "sig"
        and k.get("alg", alg) == alg
        and (kid is None or k.get("kid") == kid)
    ]
    # Without a kid only an unambiguous key will do.
    if len(candidates) != 1:
        raise IdTokenError(f"no single signing key for kid={kid!r} alg={alg}")
    try:
        return jwt.PyJWK(json.loads(json.dumps(candidates[0])), algorithm=alg).key
    except jwt.PyJWTError as exc:
        raise IdTokenError(f"unusable signing key: {exc}") from exc


def id_token_verify(
    *,
    id_token: str,
    jwks: dict[str, Any],
    issuer: str,
    client_id: str,
    nonce: str | None,
) -> dict[str, Any]:
    """Return the claims of ``id_token`` once every check passed.

    Raises ``IdTokenError`` (an ``OAuth2Error``, which allauth's callback turns into its
    authentication-error page) for anything else; nothing is looked up or saved here.
    """
    try:
        header = jwt.get_unverified_header(id_token)
    except jwt.PyJWTError as exc:
        raise IdTokenError(f"malformed id_token: {exc}") from exc
    alg = header.get("alg")
    if alg not in ALLOWED_ALGORITHMS:
        raise IdTokenError(f"signing algorithm {alg!r} refused")
    key = _key_for(jwks, kid=header.get("kid"), alg=alg)
    try:
        claims = jwt.decode(
            id_token,
            key=key,
            algorithms=[alg],
            audience=client_id,
            issuer=issuer,
            leeway=LEEWAY_SECONDS,
            options={"require": ["iss", "sub", "aud", "exp", "iat"]},
        )
    except jwt.PyJWTError as exc:
        raise IdTokenError(f"id_token refused: {exc}") from exc
    audiences = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
    if len(audiences) > 1 and claims.get("azp") != client_id:
        raise IdTokenError("id_token issued to another authorised party")
    if not nonce or not hmac.compare_digest(str(claims.get("nonce", "")), nonce):
        raise IdTokenError("nonce does not match this sign-in")
    return claims
