"""The exchange clients' admin page: province admins register trusted systems, change their
scopes and rotate secrets, all through the datahub services and audited; the member
sign-in client admin no longer shows (and so can no longer break) them."""

from __future__ import annotations

import pytest
from allauth.idp.oidc.models import Client
from django.contrib.messages import get_messages
from django.urls import reverse

from accounts.models import Role
from accounts.services.roles import role_assign
from core.models import AuditLog
from datahub.services.exchange import exchange_client_register
from regions.models import Region
from tests.accounts.factories import StaffUserFactory
from tests.datahub.factories import import_staff

pytestmark = pytest.mark.django_db

LIST = reverse("admin:datahub_exchangeclient_changelist")
ADD = reverse("admin:datahub_exchangeclient_add")


@pytest.fixture(autouse=True)
def _no_mfa_gate(settings):
    settings.PORTAL_STAFF_MFA_REQUIRED = False


@pytest.fixture
def province_admin(regions):
    user = StaffUserFactory()
    role_assign(user=user, role=Role.PROVINCE_ADMIN, region=Region.objects.get(code="130000"))
    return user


def _change(client_obj) -> str:
    return reverse("admin:datahub_exchangeclient_change", args=[client_obj.pk])


def test_register_shows_the_secret_once_and_audits(client, province_admin):
    client.force_login(province_admin)
    response = client.post(ADD, {"name": "全国总工会数据交换平台", "scopes": ["members:read"]})
    assert response.status_code == 302
    registered = Client.objects.get(name="全国总工会数据交换平台")
    assert registered.get_grant_types() == ["client_credentials"]
    assert registered.get_scopes() == ["members:read"]
    shown = " ".join(str(m) for m in get_messages(response.wsgi_request))
    assert "密钥只显示这一次" in shown and registered.pk in shown
    assert AuditLog.objects.filter(action="exchange.client_register", actor=province_admin).exists()


def test_scopes_change_through_the_service(client, province_admin):
    system, _secret = exchange_client_register(name="市级系统", scopes=["members:read"])
    client.force_login(province_admin)
    page = client.get(_change(system)).content.decode()
    assert 'value="members:read"' in page and "checked" in page
    response = client.post(
        _change(system), {"name": "市级系统", "scopes": ["members:read", "members:write"]}
    )
    assert response.status_code == 302
    system.refresh_from_db()
    assert system.get_scopes() == ["members:read", "members:write"]
    entry = AuditLog.objects.get(action="exchange.client_update")
    assert entry.details["scopes_before"] == ["members:read"]


def test_id_numbers_need_read_too(client, province_admin):
    system, _secret = exchange_client_register(name="市级系统", scopes=["members:read"])
    client.force_login(province_admin)
    response = client.post(_change(system), {"name": "市级系统", "scopes": ["members:id_number"]})
    assert response.status_code == 200
    assert "须同时授予 members:read" in response.content.decode()
    system.refresh_from_db()
    assert system.get_scopes() == ["members:read"]


def test_rotating_the_secret(client, province_admin):
    system, old = exchange_client_register(name="市级系统", scopes=["members:read"])
    client.force_login(province_admin)
    response = client.post(
        LIST, {"action": "rotate_secret", "_selected_action": [system.pk]}, follow=True
    )
    assert response.status_code == 200
    system.refresh_from_db()
    assert not system.check_secret(old)


def test_only_province_admins(client, regions):
    system, _secret = exchange_client_register(name="市级系统", scopes=["members:read"])
    client.force_login(import_staff(region_code="130000"))  # may import rosters, not this
    assert client.get(LIST).status_code == 403
    assert client.get(_change(system)).status_code == 403


def test_sign_in_client_admin_leaves_exchange_clients_out(client, regions):
    system, _secret = exchange_client_register(name="市级系统", scopes=["members:read"])
    client.force_login(StaffUserFactory(is_superuser=True))
    page = client.get(reverse("admin:allauth_idp_oidc_client_changelist")).content.decode()
    assert "市级系统" not in page
    assert "市级系统" in client.get(LIST).content.decode()
    assert system.pk
