"""The SMS delivery records in the admin: province administrators browse them read-only,
numbers masked, found by a full number through the keyed hash; nobody else sees them."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import Role
from accounts.services.roles import role_assign
from core.models import SmsDelivery
from core.sms import SmsSendError, sms_send
from regions.models import Region
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db


class DownBackend:
    def send_message(self, message):
        raise SmsSendError("gateway down")


@pytest.fixture(autouse=True)
def _setup(settings):
    settings.PORTAL_STAFF_MFA_REQUIRED = False
    settings.SMS_BACKEND = "core.sms.backends.locmem.SmsBackend"


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user, backend="accounts.backends.ModelBackend")
    return client


def staff(role: Role, code: str):
    user = UserFactory(is_staff=True)
    role_assign(user=user, role=role, region=Region.objects.get(code=code))
    return user


def test_province_admin_browses_and_finds_by_number(regions, settings):
    sent = sms_send(phone="13800000061", template="code", params={"code": "1", "minutes": 5})
    settings.SMS_BACKEND = "tests.core.test_sms_admin.DownBackend"
    with pytest.raises(SmsSendError):
        sms_send(phone="13900000062", template="code", params={"code": "2", "minutes": 5})
    failed = SmsDelivery.objects.get(status="failed")
    client = signed_in(staff(Role.PROVINCE_ADMIN, "130000"))
    url = reverse("admin:portal_smsdelivery_changelist")
    page = client.get(url).content.decode()
    assert "138****0061" in page and "139****0062" in page
    assert "13800000061" not in page and "短信发送失败" in page
    found = client.get(url, {"q": "13800000061"}).content.decode()
    assert "138****0061" in found and "139****0062" not in found
    detail = client.get(reverse("admin:portal_smsdelivery_change", args=[failed.pk]))
    assert detail.status_code == 200 and "gateway down" in detail.content.decode()
    assert 'name="_save"' not in detail.content.decode()
    change = reverse("admin:portal_smsdelivery_change", args=[sent.pk])
    assert client.post(change, {"status": "failed"}).status_code == 403
    assert client.get(reverse("admin:portal_smsdelivery_add")).status_code == 403
    sent.refresh_from_db()
    assert sent.status == "sent"


def test_others_do_not_see_deliveries(regions):
    sms_send(phone="13800000061", template="code", params={"code": "1", "minutes": 5})
    url = reverse("admin:portal_smsdelivery_changelist")
    for user in (staff(Role.REGION_EDITOR, "131000"), UserFactory()):
        response = signed_in(user).get(url)
        assert response.status_code in (302, 403, 404)
        assert "138****0061" not in response.content.decode()
    assert Client().get(url).status_code == 302
