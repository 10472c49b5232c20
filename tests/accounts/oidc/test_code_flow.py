"""The OpenID Connect provider, driven the way a city union's app would drive it: discovery,
authorize with PKCE (S256), consent, code exchange, ID token checked against the published
JWKS, userinfo; and every way a request must be refused."""

from __future__ import annotations

import datetime as dt
from urllib.parse import parse_qs, urlsplit

import pytest
from allauth.idp.oidc.models import Client, Token
from django.urls import reverse

from tests.accounts.factories import UserFactory
from tests.accounts.oidc.conftest import (
    CONFIDENTIAL_REDIRECT,
    ISSUER,
    PUBLIC_REDIRECT,
    authorize_params,
    exchange,
    obtain_code,
    pkce_pair,
    query_of,
    verify_id_token,
)

# --- discovery --------------------------------------------------------------------------


@pytest.mark.django_db
def test_discovery_document_at_site_root(client):
    response = client.get("/.well-known/openid-configuration")
    assert response.status_code == 200
    config = response.json()
    assert config["issuer"] == ISSUER
    assert config["authorization_endpoint"] == f"{ISSUER}/oidc/authorize"
    assert config["token_endpoint"] == f"{ISSUER}/oidc/token"
    assert config["userinfo_endpoint"] == f"{ISSUER}/oidc/userinfo"
    assert config["jwks_uri"] == f"{ISSUER}/.well-known/jwks.json"
    assert config["code_challenge_methods_supported"] == ["S256"]
    assert config["id_token_signing_alg_values_supported"] == ["RS256"]
    assert config["response_types_supported"] == ["code"]
    assert set(config["scopes_supported"]) == {"openid", "profile", "phone", "member"}
    assert {"member_id", "phone_number", "name", "union"} <= set(config["claims_supported"])
    assert "device_authorization_endpoint" not in config

    jwks = client.get("/.well-known/jwks.json").json()
    assert [key["kty"] for key in jwks["keys"]] == ["RSA"]
    assert "d" not in jwks["keys"][0]  # the public half only


# --- the complete code flow -------------------------------------------------------------


@pytest.mark.django_db
def test_public_client_complete_code_flow(client, public_client, member):
    client.force_login(member)
    verifier, challenge = pkce_pair()
    code, params = obtain_code(client, public_client, PUBLIC_REDIRECT, challenge)

    client.logout()  # the app's back channel carries no session
    response = exchange(client, public_client, code, PUBLIC_REDIRECT, verifier)
    assert response.status_code == 200, response.content
    tokens = response.json()
    assert tokens["token_type"] == "Bearer"

    claims = verify_id_token(client, tokens["id_token"], public_client.pk)
    assert claims["iss"] == ISSUER
    assert claims["aud"] == public_client.pk
    assert claims["nonce"] == params["nonce"]
    assert claims["sub"] == str(member.pk)
    assert claims["member_id"] == "HE0000012345"
    assert claims["union"] == "三河市新就业形态联合工会"
    assert claims["name"] == "李师傅"
    assert claims["phone_number"] == "+8613800000002"
    assert claims["phone_number_verified"] is True
    now = dt.datetime.now(dt.UTC).timestamp()
    assert now < claims["exp"] <= now + 5 * 60 + 5
    assert "id_number" not in str(claims) and "李建国" not in str(claims)

    userinfo = client.get(
        reverse("idp:oidc:userinfo"), HTTP_AUTHORIZATION=f"Bearer {tokens['access_token']}"
    )
    assert userinfo.status_code == 200
    assert userinfo.json() == {
        "sub": str(member.pk),
        "name": "李师傅",
        "phone_number": "+8613800000002",
        "phone_number_verified": True,
        "member_id": "HE0000012345",
        "union": "三河市新就业形态联合工会",
    }


@pytest.mark.django_db
def test_confidential_client_complete_code_flow(client, confidential_client, member):
    client.force_login(member)
    verifier, challenge = pkce_pair()
    code, params = obtain_code(
        client, confidential_client, CONFIDENTIAL_REDIRECT, challenge, scope="openid member"
    )
    client.logout()

    # The secret alone is not enough: the verifier must match too.
    wrong = exchange(
        client,
        confidential_client,
        code,
        CONFIDENTIAL_REDIRECT,
        pkce_pair()[0],
        secret=confidential_client.plain_secret,
    )
    assert wrong.status_code == 400
    assert wrong.json()["error"] == "invalid_grant"

    response = exchange(
        client,
        confidential_client,
        code,
        CONFIDENTIAL_REDIRECT,
        verifier,
        secret=confidential_client.plain_secret,
    )
    assert response.status_code == 200, response.content
    claims = verify_id_token(client, response.json()["id_token"], confidential_client.pk)
    assert claims["member_id"] == "HE0000012345"
    assert claims["nonce"] == params["nonce"]
    # Only the granted scopes' claims: no phone number, no name.
    assert "phone_number" not in claims and "name" not in claims


@pytest.mark.django_db
def test_member_unchecks_optional_scope(client, public_client, member):
    client.force_login(member)
    verifier, challenge = pkce_pair()
    params = authorize_params(public_client, PUBLIC_REDIRECT, challenge)
    page = client.get(reverse("idp:oidc:authorization"), params)
    assert "您的手机号" in page.content.decode()
    response = client.post(
        reverse("idp:oidc:authorization"),
        {
            "request": page.context["form"]["request"].value(),
            "scopes": ["openid", "member"],
            "action": "cancel",
        },
    )
    # 拒绝: the platform learns only that the member said no.
    assert query_of(response)["error"] == "access_denied"

    response = client.post(
        reverse("idp:oidc:authorization"),
        {
            "request": page.context["form"]["request"].value(),
            "scopes": ["openid", "member"],
            "action": "grant",
        },
    )
    code = query_of(response)["code"]
    tokens = exchange(client, public_client, code, PUBLIC_REDIRECT, verifier).json()
    claims = verify_id_token(client, tokens["id_token"], public_client.pk)
    assert claims["member_id"] == "HE0000012345"
    assert "phone_number" not in claims


@pytest.mark.django_db
def test_unverified_member_has_no_member_id(client, public_client, union_tree):
    """Another user (not verified, no union) gets their own sub and no member claims."""
    other = UserFactory(display_name="王伟")
    client.force_login(other)
    verifier, challenge = pkce_pair()
    code, _params = obtain_code(client, public_client, PUBLIC_REDIRECT, challenge)
    tokens = exchange(client, public_client, code, PUBLIC_REDIRECT, verifier).json()
    claims = verify_id_token(client, tokens["id_token"], public_client.pk)
    assert claims["sub"] == str(other.pk)
    assert "member_id" not in claims and "union" not in claims
    assert claims["phone_number_verified"] is False
    userinfo = client.get(
        reverse("idp:oidc:userinfo"), HTTP_AUTHORIZATION=f"Bearer {tokens['access_token']}"
    ).json()
    assert userinfo["sub"] == str(other.pk)
    assert "member_id" not in userinfo


@pytest.mark.django_db
def test_consent_page_is_chinese_and_names_the_client(client, public_client, member):
    client.force_login(member)
    _verifier, challenge = pkce_pair()
    page = client.get(
        reverse("idp:oidc:authorization"),
        authorize_params(public_client, PUBLIC_REDIRECT, challenge),
    )
    html = page.content.decode()
    assert "廊坊市总工会职工服务App" in html
    assert "同意并登录" in html and "拒绝" in html
    assert "您的永久会员号和当前所属工会" in html
    assert "138****0002" in html
    assert 'name="viewport"' in html  # the portal's own (mobile) layout


# --- refusals ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_anonymous_user_is_sent_to_login_first(client, public_client):
    _verifier, challenge = pkce_pair()
    response = client.get(
        reverse("idp:oidc:authorization"),
        authorize_params(public_client, PUBLIC_REDIRECT, challenge),
    )
    assert response.status_code == 302
    location = urlsplit(response["Location"])
    assert location.path == reverse("account_login")
    assert parse_qs(location.query)["next"][0].startswith("/oidc/authorize?")
    assert not Token.objects.exists()


@pytest.mark.django_db
def test_reused_code_is_refused_and_revokes_its_tokens(
    client, public_client, member, django_capture_on_commit_callbacks
):
    client.force_login(member)
    verifier, challenge = pkce_pair()
    code, _params = obtain_code(client, public_client, PUBLIC_REDIRECT, challenge)
    first = exchange(client, public_client, code, PUBLIC_REDIRECT, verifier)
    assert first.status_code == 200
    # The revocation runs after commit (a concurrent first redemption must be visible).
    with django_capture_on_commit_callbacks(execute=True):
        again = exchange(client, public_client, code, PUBLIC_REDIRECT, verifier)
    assert again.status_code == 400
    assert again.json()["error"] == "invalid_grant"
    # A replayed code means it leaked: the tokens issued for it stop working.
    userinfo = client.get(
        reverse("idp:oidc:userinfo"),
        HTTP_AUTHORIZATION=f"Bearer {first.json()['access_token']}",
    )
    assert userinfo.status_code == 401


@pytest.mark.django_db
def test_wrong_code_verifier_is_refused(client, public_client, member):
    client.force_login(member)
    _verifier, challenge = pkce_pair()
    code, _params = obtain_code(client, public_client, PUBLIC_REDIRECT, challenge)
    response = exchange(client, public_client, code, PUBLIC_REDIRECT, pkce_pair()[0])
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_grant"
    assert not Token.objects.filter(type=Token.Type.ACCESS_TOKEN).exists()


@pytest.mark.django_db
def test_missing_code_verifier_is_refused(client, public_client, member):
    client.force_login(member)
    _verifier, challenge = pkce_pair()
    code, _params = obtain_code(client, public_client, PUBLIC_REDIRECT, challenge)
    response = exchange(client, public_client, code, PUBLIC_REDIRECT, "")
    assert response.status_code == 400
    assert not Token.objects.filter(type=Token.Type.ACCESS_TOKEN).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("oidc_client_fixture", ["public_client", "confidential_client"])
@pytest.mark.parametrize(
    "pkce",
    [
        {"code_challenge": None, "code_challenge_method": None},  # no PKCE at all
        {"code_challenge_method": "plain"},
        {"code_challenge_method": None},  # a challenge without a method means plain
    ],
    ids=["missing", "plain", "no-method"],
)
def test_authorize_without_s256_pkce_is_refused(request, client, member, oidc_client_fixture, pkce):
    oidc_client = request.getfixturevalue(oidc_client_fixture)
    redirect_uri = oidc_client.get_redirect_uris()[0]
    client.force_login(member)
    _verifier, challenge = pkce_pair()
    params = authorize_params(oidc_client, redirect_uri, challenge, **pkce)
    response = client.get(reverse("idp:oidc:authorization"), params)
    assert response.status_code == 302
    assert response["Location"].startswith(redirect_uri + "?")
    query = query_of(response)
    assert query["error"] == "invalid_request"
    assert "S256" in query["error_description"]
    assert query["state"] == params["state"]
    assert "code" not in query
    assert not Token.objects.exists()


@pytest.mark.django_db
def test_unregistered_redirect_uri_is_never_redirected_to(client, public_client, member):
    client.force_login(member)
    _verifier, challenge = pkce_pair()
    for pkce in ({}, {"code_challenge": None, "code_challenge_method": None}):
        response = client.get(
            reverse("idp:oidc:authorization"),
            authorize_params(public_client, "https://evil.example.com/callback", challenge, **pkce),
        )
        assert response.status_code == 200
        assert not response.has_header("Location")
        html = response.content.decode()
        assert "无法完成授权登录" in html
    assert not Token.objects.exists()


@pytest.mark.django_db
def test_unknown_client_gets_error_page(client, member):
    client.force_login(member)
    _verifier, challenge = pkce_pair()
    params = authorize_params(Client(id="no-such-client"), PUBLIC_REDIRECT, challenge)
    response = client.get(reverse("idp:oidc:authorization"), params)
    assert response.status_code == 200
    assert "无法完成授权登录" in response.content.decode()


@pytest.mark.django_db
def test_userinfo_without_valid_token_is_401(client):
    assert client.get(reverse("idp:oidc:userinfo")).status_code == 401
    response = client.get(reverse("idp:oidc:userinfo"), HTTP_AUTHORIZATION="Bearer forged")
    assert response.status_code == 401
