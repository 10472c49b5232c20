"""ClientAddressMiddleware: behind nginx, the client's address comes from X-Forwarded-For,
believed only from a trusted proxy and only its right-most untrusted entry."""

from __future__ import annotations

import pytest
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.urls import reverse

from core.middleware import ClientAddressMiddleware


def _seen(settings, trusted, peer, forwarded=None) -> tuple[str, str | None]:
    settings.PORTAL_TRUSTED_PROXIES = trusted
    seen = {}

    def view(request):
        seen["addr"] = request.META["REMOTE_ADDR"]
        seen["peer"] = request.META.get("PORTAL_PEER_ADDR")
        return HttpResponse()

    extra = {"REMOTE_ADDR": peer}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    ClientAddressMiddleware(view)(RequestFactory().get("/", **extra))
    return seen["addr"], seen["peer"]


@pytest.mark.parametrize(
    ("trusted", "peer", "forwarded", "expected"),
    [
        # No proxies configured: the header is never believed.
        ([], "127.0.0.1", "1.2.3.4", "127.0.0.1"),
        # nginx on the same machine.
        (["127.0.0.1"], "127.0.0.1", "1.2.3.4", "1.2.3.4"),
        # The client made up the left part; nginx appended the real peer.
        (["127.0.0.1"], "127.0.0.1", "6.6.6.6, 1.2.3.4", "1.2.3.4"),
        # Two proxies (a load balancer, then nginx), both in the trusted network.
        (["10.0.0.0/8"], "10.0.0.2", "1.2.3.4, 10.0.0.7", "1.2.3.4"),
        # A request straight from the internet: its header is ignored.
        (["127.0.0.1"], "8.8.8.8", "1.2.3.4", "8.8.8.8"),
        # Nothing forwarded, or rubbish: keep the peer.
        (["127.0.0.1"], "127.0.0.1", None, "127.0.0.1"),
        (["127.0.0.1"], "127.0.0.1", "garbage", "127.0.0.1"),
        (["127.0.0.1"], "127.0.0.1", "1.2.3.4, garbage", "127.0.0.1"),
        # IPv6 clients and proxies.
        (["::1"], "::1", "2001:db8::5", "2001:db8::5"),
        (["127.0.0.1"], "127.0.0.1", "2001:db8::5", "2001:db8::5"),
    ],
)
def test_client_address(settings, trusted, peer, forwarded, expected):
    address, original = _seen(settings, trusted, peer, forwarded)
    assert address == expected
    assert original == (peer if expected != peer else None)


@pytest.mark.django_db
def test_lockout_counts_visitors_behind_the_proxy_apart(settings, regions):
    """Five wrong passwords from one visitor lock that visitor (and the number), not every
    visitor nginx forwards."""
    from tests.accounts.factories import UserFactory

    settings.PORTAL_TRUSTED_PROXIES = ["127.0.0.1"]
    settings.AXES_LOCKOUT_PARAMETERS = ["ip_address"]
    from django.utils import timezone

    for phone in ("13800000002", "13800000003"):
        UserFactory(phone=phone, phone_verified_at=timezone.now())
    url = reverse("account_login")
    attacker = Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4")
    for _ in range(6):
        attacker.post(url, {"login": "13800000002", "password": "wrong-password"})
    response = attacker.post(url, {"login": "13800000003", "password": "Test-password-2026"})
    assert response.status_code == 429  # this address is locked out
    neighbour = Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="5.6.7.8")
    response = neighbour.post(url, {"login": "13800000003", "password": "Test-password-2026"})
    assert response.status_code == 302  # another visitor through the same nginx signs in
