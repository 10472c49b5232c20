"""Staff must pass TOTP before the admin lets them in (PORTAL_STAFF_MFA_REQUIRED)."""

from __future__ import annotations

import pytest
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
    yield_hotp_counters_from_time,
)
from django.urls import reverse
from django.utils import timezone

from tests.accounts.factories import StaffUserFactory, UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "Test-password-2026"
ADMIN = "/admin/"


def current_code(secret: str) -> str:
    counter = next(iter(yield_hotp_counters_from_time()))
    return format_hotp_value(hotp_value(secret, counter))


@pytest.fixture
def staff():
    return StaffUserFactory(
        phone="13900000002", display_name="赵敏", phone_verified_at=timezone.now()
    )


@pytest.fixture
def staff_secret(staff):
    secret = generate_totp_secret()
    TOTP.activate(staff, secret)
    return secret


@pytest.fixture(autouse=True)
def _mfa_required(settings):
    settings.PORTAL_STAFF_MFA_REQUIRED = True


def test_staff_without_totp_are_sent_to_set_it_up(client, staff):
    client.force_login(staff)
    response = client.get(ADMIN)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("mfa_activate_totp"))


def test_staff_with_totp_not_passed_in_this_session_must_enter_a_code(client, staff, staff_secret):
    client.force_login(staff)
    response = client.get(ADMIN)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("mfa_reauthenticate"))
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "两步验证" in page.content.decode()

    done = client.post(
        reverse("mfa_reauthenticate") + "?next=/admin/", {"code": current_code(staff_secret)}
    )
    assert done.status_code == 302
    assert client.get(ADMIN).status_code == 200


def test_staff_who_signed_in_with_totp_enter_the_admin(client, staff, staff_secret):
    response = client.post(reverse("account_login"), {"login": staff.phone, "password": PASSWORD})
    assert response["Location"] == reverse("mfa_authenticate")
    page = client.get(reverse("mfa_authenticate"))
    assert "两步验证" in page.content.decode()
    response = client.post(reverse("mfa_authenticate"), {"code": current_code(staff_secret)})
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == staff.pk
    assert client.get(ADMIN).status_code == 200


def test_wrong_totp_code_keeps_the_admin_closed(client, staff, staff_secret):
    client.force_login(staff)
    response = client.post(reverse("mfa_reauthenticate"), {"code": "000000"})
    assert response.status_code == 200
    assert client.get(ADMIN).status_code == 302


def test_setting_off_lets_staff_in_without_totp(client, staff, settings):
    settings.PORTAL_STAFF_MFA_REQUIRED = False
    client.force_login(staff)
    assert client.get(ADMIN).status_code == 200


def test_members_get_a_404_for_the_admin(client):
    client.force_login(UserFactory())
    assert client.get(ADMIN).status_code == 404
    assert client.get(reverse("admin:login")).status_code == 404


def test_admin_login_hands_over_to_the_site_login(client):
    response = client.get(ADMIN)
    assert response.status_code == 302
    follow = client.get(response["Location"])
    assert follow.status_code == 302
    assert follow["Location"].startswith(reverse("account_login"))
    assert "next=%2Fadmin%2F" in follow["Location"]


def test_totp_setup_page_is_chinese(client, staff):
    client.force_login(staff)
    # allauth asks for the password again before adding an authenticator.
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    page = client.get(reverse("mfa_activate_totp"))
    assert page.status_code == 200
    body = page.content.decode()
    assert "开启两步验证" in body
    assert "data:image/svg+xml;base64," in body


def test_the_admin_gate_holds_under_a_script_prefix():
    # the portal served under /portal/ behind the proxy: the gate compares paths within it
    from django.contrib.auth.models import AnonymousUser
    from django.http import Http404, HttpResponse
    from django.test import RequestFactory
    from django.urls import get_script_prefix, set_script_prefix

    from accounts.middleware import _ADMIN_PATHS, StaffMfaMiddleware

    gate = StaffMfaMiddleware(lambda request: HttpResponse(b"admin"))
    before = get_script_prefix()
    _ADMIN_PATHS.clear()
    set_script_prefix("/portal/")
    try:
        member = RequestFactory().get("/admin/", SCRIPT_NAME="/portal")
        member.user = UserFactory.build()
        assert member.path == "/portal/admin/" and member.path_info == "/admin/"
        with pytest.raises(Http404):
            gate(member)
        visitor = RequestFactory().get("/admin/login/", SCRIPT_NAME="/portal")
        visitor.user = AnonymousUser()
        response = gate(visitor)
        assert response.status_code == 302
        assert response["Location"].startswith("/portal/auth/login/")
        assert "next=%2Fportal%2Fadmin%2F" in response["Location"]
    finally:
        set_script_prefix(before)
        _ADMIN_PATHS.clear()
