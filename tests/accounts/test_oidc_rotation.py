"""Rotating the OIDC signing key: the JWKS publishes the current key and the previous ones,
new ID tokens are signed by the current key and name its ``kid``, and a token signed before
the rotation still verifies against what is published (until its key is dropped)."""

from __future__ import annotations

from urllib.parse import urlsplit

import jwt
import pytest
from allauth.core.internal import jwkkit
from allauth.idp.oidc.models import Client
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from accounts.oidc import OIDCAdapter, oidc_client_register
from deploy.genkeys import rotate_oidc_key
from portal.settings_helpers import pem_blocks as _pem_blocks
from tests.accounts.factories import UserFactory
from tests.accounts.oidc.conftest import PUBLIC_REDIRECT, exchange, obtain_code, pkce_pair


def _pem() -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


@pytest.fixture(scope="module")
def old_key() -> str:
    return _pem()


@pytest.fixture(scope="module")
def new_key() -> str:
    return _pem()


def kid(pem: str) -> str:
    return jwkkit.load_jwk_from_pem(pem)[0]["kid"]


def use_keys(settings, *, current: str, previous: list[str] = ()) -> None:
    """What the settings make of OIDC_PRIVATE_KEY and OIDC_PREVIOUS_PRIVATE_KEYS."""
    settings.IDP_OIDC_PRIVATE_KEY = current
    settings.IDP_OIDC_PRIVATE_KEYS = [{"pem": pem} for pem in previous]


@pytest.fixture
def public_client(db):
    client, _secret = oidc_client_register(
        name="廊坊市总工会职工服务App",
        client_type=Client.Type.PUBLIC,
        redirect_uris=[PUBLIC_REDIRECT],
    )
    return client


@pytest.fixture
def member(db):
    return UserFactory(phone="13800000031", phone_verified_at=timezone.now())


def id_token_for(client, public_client, member) -> str:
    client.force_login(member)
    verifier, challenge = pkce_pair()
    code, _params = obtain_code(client, public_client, PUBLIC_REDIRECT, challenge)
    client.logout()
    response = exchange(client, public_client, code, PUBLIC_REDIRECT, verifier)
    assert response.status_code == 200, response.content
    return response.json()["id_token"]


def published(client) -> dict:
    config = client.get("/.well-known/openid-configuration").json()
    return client.get(urlsplit(config["jwks_uri"]).path).json()


def verify(client, token: str, audience: str) -> dict:
    """As a relying party does: the key named by the token's ``kid`` from the JWKS."""
    header_kid = jwt.get_unverified_header(token)["kid"]
    key = jwt.PyJWKSet.from_dict(published(client))[header_kid]
    return jwt.decode(token, key.key, algorithms=["RS256"], audience=audience)


@pytest.mark.django_db
def test_jwks_publishes_the_current_and_the_previous_key(client, settings, old_key, new_key):
    use_keys(settings, current=new_key, previous=[old_key])
    keys = published(client)["keys"]
    assert sorted(key["kid"] for key in keys) == sorted([kid(new_key), kid(old_key)])
    assert all("d" not in key and key["kty"] == "RSA" for key in keys)  # public halves only


def test_the_current_key_signs_whatever_the_order(settings, old_key, new_key):
    use_keys(settings, current=new_key, previous=[old_key])
    assert OIDCAdapter().get_signing_key().pem == new_key
    use_keys(settings, current=old_key, previous=[new_key])
    assert OIDCAdapter().get_signing_key().pem == old_key


@pytest.mark.django_db
def test_a_token_signed_before_the_rotation_still_verifies(
    client, settings, public_client, member, old_key, new_key
):
    use_keys(settings, current=old_key)
    before = id_token_for(client, public_client, member)
    assert jwt.get_unverified_header(before)["kid"] == kid(old_key)

    use_keys(settings, current=new_key, previous=[old_key])  # the rotation
    assert verify(client, before, public_client.pk)["sub"] == str(member.pk)
    after = id_token_for(client, public_client, member)
    assert jwt.get_unverified_header(after)["kid"] == kid(new_key)
    assert verify(client, after, public_client.pk)["sub"] == str(member.pk)

    # Once the previous key is dropped, the old token no longer verifies.
    use_keys(settings, current=new_key)
    with pytest.raises(KeyError):
        verify(client, before, public_client.pk)
    assert verify(client, after, public_client.pk)["sub"] == str(member.pk)


def test_previous_keys_without_a_current_one_are_refused(settings, old_key):
    # Otherwise allauth would quietly sign with a key being retired.
    for debug in (True, False):
        settings.DEBUG = debug
        use_keys(settings, current="", previous=[old_key])
        with pytest.raises(ImproperlyConfigured, match="OIDC_PRIVATE_KEY"):
            OIDCAdapter().get_signing_key()


def test_a_malformed_previous_key_names_its_variable(settings, new_key):
    use_keys(settings, current=new_key, previous=["-----BEGIN PRIVATE KEY-----\nnot a key\n"])
    with pytest.raises(ImproperlyConfigured, match="OIDC_PREVIOUS_PRIVATE_KEYS"):
        OIDCAdapter().list_private_keys()


def test_the_variable_holds_several_pems(old_key, new_key):
    escaped = old_key.replace("\n", "\\n") + new_key.replace("\n", "\\n")
    assert _pem_blocks(escaped) == [old_key, new_key]
    assert _pem_blocks(f"{old_key}, {new_key}") == [old_key, new_key]
    assert _pem_blocks("") == []
    # Not a PEM: kept, so the key check reports it rather than it being ignored.
    assert len(_pem_blocks("change-me")) == 1


def test_genkeys_rotation_keeps_the_old_key_published(old_key):
    env = f"DEBUG=false\nOIDC_PRIVATE_KEY={old_key.replace(chr(10), chr(92) + 'n')}\n"
    first = rotate_oidc_key(env)
    current = first["OIDC_PRIVATE_KEY"].replace("\\n", "\n")
    assert current != old_key and kid(current)
    assert _pem_blocks(first["OIDC_PREVIOUS_PRIVATE_KEYS"]) == [old_key]
    # A second rotation puts the key it replaces first, before the older ones.
    second = rotate_oidc_key(env + "".join(f"{name}={value}\n" for name, value in first.items()))
    assert _pem_blocks(second["OIDC_PREVIOUS_PRIVATE_KEYS"]) == [current, old_key]
    with pytest.raises(ValueError, match="OIDC_PRIVATE_KEY"):
        rotate_oidc_key("OIDC_PRIVATE_KEY=change-me\n")
