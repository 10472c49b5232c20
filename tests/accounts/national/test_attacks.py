"""What a forged, replayed or misdirected answer gets: refused with a clear Chinese page,
nobody signed in, no account created or linked."""

from __future__ import annotations

from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import requests
from allauth.socialaccount.models import SocialAccount
from django.urls import reverse

from accounts.models import User
from tests.accounts.factories import UserFactory
from tests.accounts.national.conftest import go_to_op, signed_in_user_id

pytestmark = pytest.mark.django_db

REFUSED = "全国账号登录未成功"


@pytest.fixture
def member(national_op):
    national_op.claims = {"phone_number": "13800138100", "phone_number_verified": True}
    return UserFactory(phone="13800138100")


def _assert_refused(client, response, users_before: int) -> None:
    assert response.status_code == 401  # allauth's status for a refused third-party sign-in
    assert REFUSED in response.content.decode()
    assert signed_in_user_id(client) is None
    assert not SocialAccount.objects.exists()
    assert User.objects.count() == users_before


def _with(callback: str, **params: str) -> str:
    url = urlsplit(callback)
    query = {k: v[0] for k, v in parse_qs(url.query).items()}
    return f"{url.path}?{urlencode({**query, **params})}"


def test_wrong_state(client, member):
    users = User.objects.count()
    callback = go_to_op(client)
    _assert_refused(client, client.get(_with(callback, state="forged-state")), users)


def test_callback_without_a_sign_in_started_here(client, member, national_op):
    users = User.objects.count()
    callback = go_to_op(client)
    other = type(client)()  # another browser: the state is not in its session
    response = other.get(callback)
    assert REFUSED in response.content.decode() and other.session.get("_auth_user_id") is None
    assert User.objects.count() == users and national_op.token_requests == 0


def test_replayed_code_with_a_fresh_state(client, member, national_op):
    users = User.objects.count()
    first = go_to_op(client)
    client.get(first)
    client.logout()
    assert SocialAccount.objects.count() == 1
    SocialAccount.objects.all().delete()
    old_code = parse_qs(urlsplit(first).query)["code"][0]

    second = go_to_op(client)
    response = client.get(_with(second, code=old_code))

    _assert_refused(client, response, users)


@pytest.mark.parametrize(
    ("knob", "value"),
    [
        ("nonce_override", "a-nonce-from-another-sign-in"),
        ("nonce_override", ""),
        ("signing", "other_key"),
        ("signing", "none"),
        ("signing", "hs256"),
        ("token_issuer", "http://127.0.0.1:1/evil"),
        ("userinfo_sub", "someone-else"),
    ],
)
def test_forged_or_foreign_tokens_are_refused(client, member, national_op, knob, value):
    users = User.objects.count()
    setattr(national_op, knob, value)
    response = client.get(go_to_op(client))
    _assert_refused(client, response, users)


def test_discovery_naming_another_issuer(client, member, national_op):
    national_op.discovery_issuer = "https://sso.example.invalid"
    response = client.post(reverse("acftu_login"))
    assert response.status_code == 503
    assert "全国总工会职工之家平台暂时无法连接" in response.content.decode()
    assert signed_in_user_id(client) is None


def test_national_idp_down_gives_a_clear_page_and_phone_login_still_works(client, settings):
    from tests.accounts.national.national_op import RunningOP, provider_settings

    with RunningOP() as op:
        issuer = op.issuer
    settings.SOCIALACCOUNT_PROVIDERS = provider_settings(issuer)  # nothing listens there now

    response = client.post(reverse("acftu_login"))

    assert response.status_code == 503
    text = response.content.decode()
    assert "全国账号登录暂不可用" in text and reverse("accounts:login_code") in text
    assert client.get(reverse("accounts:login_code")).status_code == 200


def test_idp_down_between_start_and_return(client, member, national_op, settings):
    callback = go_to_op(client)
    settings.SOCIALACCOUNT_PROVIDERS["acftu"]["APPS"][0]["settings"]["server_url"] = (
        "http://127.0.0.1:1"
    )
    response = client.get(callback)
    assert response.status_code in (200, 503)
    assert signed_in_user_id(client) is None and not SocialAccount.objects.exists()


def test_a_get_does_not_start_a_sign_in(client, national_op):
    response = client.get(reverse("acftu_login"))
    assert response.status_code == 200 and national_op.codes == {}
    assert "继续" in response.content.decode()


def test_authorize_request_carries_pkce_and_a_nonce(client, national_op):
    response = client.post(reverse("acftu_login"))
    query = parse_qs(urlsplit(response["Location"]).query)
    assert query["code_challenge_method"] == ["S256"] and query["code_challenge"][0]
    assert len(query["nonce"][0]) >= 32 and query["state"][0]
    assert requests.get(response["Location"], allow_redirects=False, timeout=5).status_code == 302
