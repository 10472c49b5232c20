"""Fixtures and helpers of the OpenID Connect provider tests: signing key, a public and a
confidential client, a verified member, and the steps of the code flow with PKCE."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import secrets
from urllib.parse import parse_qs, urlsplit

import jwt
import pytest
from allauth.idp.oidc.models import Client
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.urls import reverse

from accounts.models import DigitalIdentity
from accounts.oidc import oidc_client_register
from tests.accounts.factories import MembershipFactory, UserFactory

PUBLIC_REDIRECT = "http://127.0.0.1:8001/callback"
CONFIDENTIAL_REDIRECT = "https://zhigong.langfang.example.cn/oidc/callback"
ISSUER = "http://testserver"


@pytest.fixture(scope="session")
def oidc_test_key() -> str:
    """A signing key for this test session only; never written anywhere."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


@pytest.fixture(autouse=True)
def _signing_key(settings, oidc_test_key):
    settings.IDP_OIDC_PRIVATE_KEY = oidc_test_key


@pytest.fixture
def public_client(db):
    client, secret = oidc_client_register(
        name="廊坊市总工会职工服务App",
        client_type=Client.Type.PUBLIC,
        redirect_uris=[PUBLIC_REDIRECT],
    )
    assert secret is None
    return client


@pytest.fixture
def confidential_client(db):
    client, secret = oidc_client_register(
        name="石家庄市总工会服务网",
        client_type=Client.Type.CONFIDENTIAL,
        redirect_uris=[CONFIDENTIAL_REDIRECT],
    )
    client.plain_secret = secret
    return client


@pytest.fixture
def member(union_tree):
    """李师傅: verified, member of the 三河 joint union for new forms of employment."""
    user = UserFactory(phone="13800000002", display_name="李师傅")
    user.phone_verified_at = dt.datetime(2026, 3, 1, tzinfo=dt.UTC)
    user.save(update_fields=["phone_verified_at"])
    DigitalIdentity.objects.create(
        user=user,
        member_id="HE0000012345",
        real_name="李建国",
        id_number_ciphertext="not-a-real-ciphertext",
        id_number_hash="0" * 64,
        id_number_masked="1310**********0017",
        key_id="k1",
        birth_date=dt.date(1980, 1, 1),
    )
    MembershipFactory(
        user=user,
        organization=union_tree["joint"],
        employer="廊坊顺达物流有限公司",
        occupation="货车司机",
    )
    return user


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
