from __future__ import annotations

from urllib.parse import urlsplit

import pytest
import requests
from django.urls import reverse

from tests.accounts.national.national_op import RunningOP, provider_settings


@pytest.fixture
def national_op(settings):
    """The test national IdP, configured as the portal's national platform."""
    with RunningOP() as op:
        settings.SOCIALACCOUNT_PROVIDERS = provider_settings(op.issuer)
        yield op


def go_to_op(client, *, data: dict | None = None) -> str:
    """Start a national sign-in and let the IdP answer; the callback URL it sends back."""
    response = client.post(reverse("acftu_login"), data or {})
    assert response.status_code == 302, response.content.decode()[:500]
    answer = requests.get(response["Location"], allow_redirects=False, timeout=5)
    assert answer.status_code == 302
    back = urlsplit(answer.headers["Location"])
    return f"{back.path}?{back.query}"


def national_sign_in(client, *, data: dict | None = None):
    """The whole round trip: the portal's answer to the IdP's redirect back."""
    return client.get(go_to_op(client, data=data))


def signed_in_user_id(client) -> int | None:
    value = client.session.get("_auth_user_id")
    return int(value) if value else None
