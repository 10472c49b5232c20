"""The OpenID Connect provider, driven the way a city union's app would drive it: discovery,
authorize with PKCE (S256), consent, code exchange, ID token checked against the published
JWKS, userinfo; and every way a request must be refused."""

from __future__ import annotations

import datetime as dt
import stat
from urllib.parse import parse_qs, urlsplit

import pytest
from allauth.idp.oidc.models import Client, Token
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.urls import reverse

from accounts.models import DigitalIdentity
from accounts.oidc import OIDCAdapter, oidc_client_register, oidc_client_secret_rotate
from tests.accounts.factories import MembershipFactory, UserFactory
from tests.accounts.oidc_support import (
    CONFIDENTIAL_REDIRECT,
    PUBLIC_REDIRECT,
    authorize_params,
    exchange,
    obtain_code,
    pkce_pair,
    query_of,
    verify_id_token,
)

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


# --- the signing key --------------------------------------------------------------------


@pytest.mark.django_db
def test_missing_key_outside_debug_names_the_variable(client, settings):
    settings.IDP_OIDC_PRIVATE_KEY = ""
    settings.DEBUG = False
    with pytest.raises(ImproperlyConfigured, match="OIDC_PRIVATE_KEY"):
        client.get("/.well-known/jwks.json")


def test_malformed_key_names_the_variable(settings):
    settings.IDP_OIDC_PRIVATE_KEY = "-----BEGIN PRIVATE KEY-----\nnot a key\n"
    with pytest.raises(ImproperlyConfigured, match="OIDC_PRIVATE_KEY"):
        OIDCAdapter().get_signing_key()


def test_debug_generates_a_development_key_once(settings, tmp_path):
    settings.IDP_OIDC_PRIVATE_KEY = ""
    settings.DEBUG = True
    settings.OIDC_DEV_KEY_FILE = tmp_path / "var" / "oidc-dev.pem"
    first = OIDCAdapter().get_signing_key().pem
    assert "PRIVATE KEY" in first
    assert stat.S_IMODE(settings.OIDC_DEV_KEY_FILE.stat().st_mode) == 0o600
    assert OIDCAdapter().get_signing_key().pem == first


# --- registering clients ----------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("redirect_uris", "scopes", "message"),
    [
        ([], None, "请至少填写一个回调地址"),
        (["http://app.example.cn/cb"], None, "必须使用 https"),
        (["not a url"], None, "必须是 https 网址"),
        (["https://app.example.cn/cb#frag"], None, "片段"),
        ([PUBLIC_REDIRECT], ["openid", "email"], "不支持的授权范围"),
        ([PUBLIC_REDIRECT], ["profile"], "必须包含 openid"),
    ],
)
def test_client_register_refuses_bad_input(redirect_uris, scopes, message):
    with pytest.raises(ValidationError) as excinfo:
        oidc_client_register(
            name="某平台",
            client_type=Client.Type.PUBLIC,
            redirect_uris=redirect_uris,
            scopes=scopes,
        )
    assert message in " ".join(excinfo.value.messages)
    assert not Client.objects.exists()


@pytest.mark.django_db
def test_client_register_accepts_native_app_scheme():
    client, _secret = oidc_client_register(
        name="廊坊工会App",
        client_type=Client.Type.PUBLIC,
        redirect_uris=["cn.langfang.zgzj:/oauth2redirect"],
    )
    assert client.get_redirect_uris() == ["cn.langfang.zgzj:/oauth2redirect"]
    assert client.get_grant_types() == ["authorization_code", "refresh_token"]


@pytest.mark.django_db
def test_secret_rotation(confidential_client, public_client):
    old = confidential_client.plain_secret
    new = oidc_client_secret_rotate(client=confidential_client)
    confidential_client.refresh_from_db()
    assert confidential_client.check_secret(new)
    assert not confidential_client.check_secret(old)
    with pytest.raises(ValidationError):
        oidc_client_secret_rotate(client=public_client)


# --- admin ------------------------------------------------------------------------------


@pytest.fixture
def admin_client_logged_in(client, settings, db):
    settings.PORTAL_STAFF_MFA_REQUIRED = False
    admin = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin)
    return client


@pytest.mark.django_db
def test_admin_registers_client_and_shows_secret_once(admin_client_logged_in):
    client = admin_client_logged_in
    add_url = reverse("admin:allauth_idp_oidc_client_add")
    page = client.get(add_url)
    assert page.status_code == 200
    assert "回调地址" in page.content.decode()
    assert page.context["adminform"].form["scopes"].value() == [
        "openid",
        "profile",
        "phone",
        "member",
    ]

    bad = client.post(
        add_url,
        {
            "name": "沧州市总工会网站",
            "type": "confidential",
            "redirect_uris": "http://cz.example.cn/callback",
            "scopes": ["openid", "member"],
        },
    )
    assert bad.status_code == 200
    assert "必须使用 https" in bad.content.decode()
    assert not Client.objects.exists()

    good = client.post(
        add_url,
        {
            "name": "沧州市总工会网站",
            "type": "confidential",
            "redirect_uris": "https://cz.example.cn/callback\n",
            "scopes": ["openid", "member"],
        },
        follow=True,
    )
    assert good.status_code == 200
    registered = Client.objects.get()
    assert registered.get_scopes() == ["openid", "member"]
    assert registered.get_response_types() == ["code"]
    html = good.content.decode()
    assert "密钥只显示这一次" in html
    assert registered.pk in html


@pytest.mark.django_db
def test_admin_edits_client_redirect_uris(admin_client_logged_in, confidential_client):
    url = reverse("admin:allauth_idp_oidc_client_change", args=[confidential_client.pk])
    page = admin_client_logged_in.get(url)
    assert page.status_code == 200
    response = admin_client_logged_in.post(
        url,
        {
            "name": confidential_client.name,
            "redirect_uris": f"{CONFIDENTIAL_REDIRECT}\nhttps://m.sjz.example.cn/callback",
            "scopes": ["openid", "profile"],
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    confidential_client.refresh_from_db()
    assert confidential_client.get_redirect_uris()[1] == "https://m.sjz.example.cn/callback"
    assert confidential_client.get_scopes() == ["openid", "profile"]
    assert confidential_client.check_secret(confidential_client.plain_secret)


@pytest.mark.django_db
def test_admin_lists_are_for_staff_only(client, public_client):
    url = reverse("admin:allauth_idp_oidc_client_changelist")
    for user in (None, UserFactory()):  # anonymous, then a member (no staff)
        if user is not None:
            client.force_login(user)
        response = client.get(url)
        assert response.status_code in (302, 404)  # to the admin login, or hidden
        assert public_client.name not in response.content.decode()


@pytest.mark.django_db
def test_admin_client_changelist(admin_client_logged_in, public_client):
    response = admin_client_logged_in.get(reverse("admin:allauth_idp_oidc_client_changelist"))
    assert response.status_code == 200
    assert "廊坊市总工会职工服务App" in response.content.decode()


# --- demo data --------------------------------------------------------------------------


@pytest.mark.django_db
def test_demo_seed_is_idempotent():
    import io

    from accounts import demo_oidc

    out = io.StringIO()
    demo_oidc.seed(stdout=out)
    demo_oidc.seed(stdout=out)
    client = Client.objects.get()
    assert client.pk == demo_oidc.DEMO_CLIENT_ID
    assert client.type == Client.Type.PUBLIC
    assert client.get_redirect_uris() == ["http://127.0.0.1:8001/callback"]
    assert "[created]" in out.getvalue() and "[exists]" in out.getvalue()
    assert "client_id=langfang-zgzj-app" in out.getvalue()
