"""The OpenID Connect provider's signing key, client registration and secret rotation,
the admin of clients, and the demo clients."""

from __future__ import annotations

import stat

import pytest
from allauth.idp.oidc.models import Client
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.urls import reverse

from accounts.oidc import OIDCAdapter, oidc_client_register, oidc_client_secret_rotate
from tests.accounts.factories import UserFactory
from tests.accounts.oidc.conftest import CONFIDENTIAL_REDIRECT, PUBLIC_REDIRECT

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
