"""What the OIDC tests share: PKCE, driving authorize and consent as a logged-in member, the
code exchange and checking an ID token against the published JWKS."""

from __future__ import annotations

import base64
import hashlib
import secrets
from urllib.parse import parse_qs, urlsplit

import jwt
from django.urls import reverse

PUBLIC_REDIRECT = "http://127.0.0.1:8001/callback"
CONFIDENTIAL_REDIRECT = "https://zhigong.langfang.example.cn/oidc/callback"


def pkce_pair() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    digest = hashlib.sha256(verifier.encode()).digest()
    return verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def authorize_params(oidc_client, redirect_uri, challenge, **overrides):
    params = {
        "response_type": "code",
        "client_id": oidc_client.pk,
        "redirect_uri": redirect_uri,
        "scope": "openid profile phone member",
        "state": "st-" + secrets.token_hex(4),
        "nonce": "n-" + secrets.token_hex(8),
        "code_challenge": challenge,
        "code_challenge_method": "S256",
    }
    params.update(overrides)
    return {key: value for key, value in params.items() if value is not None}


def query_of(response) -> dict[str, str]:
    return {
        key: values[0] for key, values in parse_qs(urlsplit(response["Location"]).query).items()
    }


def obtain_code(client, oidc_client, redirect_uri, challenge, **overrides):
    """Authorize and consent as the logged-in user; returns (code, params)."""
    params = authorize_params(oidc_client, redirect_uri, challenge, **overrides)
    page = client.get(reverse("idp:oidc:authorization"), params)
    assert page.status_code == 200, page.content[:500]
    form = page.context["form"]
    response = client.post(
        reverse("idp:oidc:authorization"),
        {
            "request": form["request"].value(),
            "scopes": params["scope"].split(),
            "action": "grant",
        },
    )
    assert response.status_code == 302
    assert response["Location"].startswith(redirect_uri + "?")
    query = query_of(response)
    assert query["state"] == params["state"]
    assert "error" not in query
    return query["code"], params


def exchange(client, oidc_client, code, redirect_uri, verifier, *, secret=None):
    data = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": redirect_uri,
        "code_verifier": verifier,
    }
    headers = {}
    if secret:
        basic = base64.b64encode(f"{oidc_client.pk}:{secret}".encode()).decode()
        headers["HTTP_AUTHORIZATION"] = f"Basic {basic}"
    else:
        data["client_id"] = oidc_client.pk
    return client.post(reverse("idp:oidc:token"), data, **headers)


def verify_id_token(client, id_token, audience):
    config = client.get("/.well-known/openid-configuration").json()
    jwks = client.get(urlsplit(config["jwks_uri"]).path).json()
    kid = jwt.get_unverified_header(id_token)["kid"]
    key = jwt.PyJWKSet.from_dict(jwks)[kid]
    return jwt.decode(
        id_token, key.key, algorithms=["RS256"], audience=audience, issuer=config["issuer"]
    )
