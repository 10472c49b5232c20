"""The audit log: what is recorded, who may browse it, that nobody may change it, and that
only entries past their retention are ever deleted."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.admin.models import LogEntry
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from accounts.services.roles import role_assign
from core.audit import MIN_RETENTION_DAYS, audit_log_prune, audit_record
from core.models import AuditLog
from core.tasks import audit_log_prune as audit_log_prune_task
from hotline.services.requests import hotline_request_start
from regions.models import Region
from tests.accounts.factories import UserFactory
from tests.hotline.factories import make_agent, make_request

pytestmark = pytest.mark.django_db


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user, backend="accounts.backends.ModelBackend")
    return client


def _staff(role: Role, region_code: str):
    user = UserFactory(is_staff=True)
    role_assign(user=user, role=role, region=Region.objects.get(code=region_code))
    return user


@pytest.fixture(autouse=True)
def _no_mfa_gate(settings):
    settings.PORTAL_STAFF_MFA_REQUIRED = False


@pytest.fixture
def province_admin(regions):
    return _staff(Role.PROVINCE_ADMIN, "130000")


@pytest.fixture
def city_editor(regions):
    return _staff(Role.REGION_EDITOR, "131000")


def test_a_password_sign_in_is_recorded(regions):
    user = UserFactory(phone_verified_at=timezone.now())
    client = Client(REMOTE_ADDR="10.1.2.3")
    response = client.post(
        reverse("account_login"), {"login": user.phone, "password": "Test-password-2026"}
    )
    assert response.status_code == 302
    entry = AuditLog.objects.get(action="auth.sign_in")
    assert entry.actor == user
    assert entry.target_id == str(user.pk)
    assert entry.ip_address == "10.1.2.3"
    assert entry.details["path"] == reverse("account_login")


def test_a_failed_sign_in_records_nothing(regions):
    user = UserFactory()
    Client().post(reverse("account_login"), {"login": user.phone, "password": "wrong-password"})
    assert not AuditLog.objects.filter(action="auth.sign_in").exists()


def test_a_ticket_state_change_is_recorded(regions):
    agent = make_agent(region_code="130100")
    item = make_request(region_code="130102")
    hotline_request_start(actor=agent, request=item)
    entry = AuditLog.objects.filter(action="hotline.state_change").latest("created_at")
    assert entry.actor == agent
    assert entry.target_id == str(item.pk)
    assert entry.details == {"from": "assigned", "to": "in_progress"} or (
        entry.details["to"] == "in_progress"
    )


def test_a_personal_data_export_is_recorded(regions):
    user = UserFactory()
    response = _signed_in(user).get(reverse("accounts:me_data_export"))
    assert response.status_code == 200
    assert AuditLog.objects.filter(action="account.export", actor=user).count() == 1


def test_staff_views_and_edits_in_the_admin_are_recorded(regions, settings):
    settings.PORTAL_STAFF_MFA_REQUIRED = False
    agent = make_agent(region_code="130100")
    item = make_request(region_code="130102")
    client = _signed_in(agent)
    url = reverse("admin:hotline_hotlinerequest_change", args=[item.pk])
    assert client.get(url).status_code == 200
    # Opening a member's request is a view of personal data: audited.
    assert AuditLog.objects.filter(
        action="hotline.view_request", actor=agent, target_id=str(item.pk)
    ).exists()
    reply = "您好，竞业限制补偿金未支付超过三个月，您可以书面通知解除竞业限制。"
    response = client.post(url, {"reply": reply, "reply_action": "reply", "internal": ""})
    assert response.status_code == 302
    # The edit: Django's admin history (LogEntry) and the state change in the audit log.
    assert LogEntry.objects.filter(object_id=str(item.pk), user=agent).exists()
    assert AuditLog.objects.filter(
        action="hotline.state_change", target_id=str(item.pk), actor=agent
    ).exists()


def test_province_admin_browses_the_log_read_only(province_admin):
    entry = audit_record(actor=province_admin, action="test.entry", target=province_admin)
    client = _signed_in(province_admin)
    listing = client.get(reverse("admin:portal_auditlog_changelist"))
    assert listing.status_code == 200
    assert "test.entry" in listing.content.decode()
    detail = client.get(reverse("admin:portal_auditlog_change", args=[entry.pk]))
    assert detail.status_code == 200  # the read-only view
    assert 'name="_save"' not in detail.content.decode()
    # No edit, no delete, no add — the admin refuses them.
    post = client.post(
        reverse("admin:portal_auditlog_change", args=[entry.pk]), {"action": "forged"}
    )
    assert post.status_code == 403
    assert client.post(reverse("admin:portal_auditlog_delete", args=[entry.pk])).status_code in (
        403,
        302,
    )
    assert client.get(reverse("admin:portal_auditlog_add")).status_code == 403
    entry.refresh_from_db()
    assert entry.action == "test.entry"
    assert AuditLog.objects.filter(pk=entry.pk).exists()
    history = client.get(reverse("admin:admin_logentry_changelist"))
    assert history.status_code == 200


def test_a_superuser_cannot_change_or_delete_entries_either(regions, settings):
    settings.PORTAL_STAFF_MFA_REQUIRED = False
    root = UserFactory(is_staff=True, is_superuser=True)
    entry = audit_record(actor=root, action="test.entry", target=root)
    client = _signed_in(root)
    assert (
        client.post(
            reverse("admin:portal_auditlog_change", args=[entry.pk]), {"action": "x"}
        ).status_code
        == 403
    )
    client.post(reverse("admin:portal_auditlog_delete", args=[entry.pk]), {"post": "yes"})
    client.post(
        reverse("admin:portal_auditlog_changelist"),
        {"action": "delete_selected", "_selected_action": [entry.pk], "post": "yes"},
    )
    assert AuditLog.objects.filter(pk=entry.pk, action="test.entry").exists()


def test_other_staff_cannot_browse_the_log(city_editor):
    client = _signed_in(city_editor)
    assert client.get(reverse("admin:portal_auditlog_changelist")).status_code == 403
    assert client.get(reverse("admin:admin_logentry_changelist")).status_code == 403


def test_retention_deletes_only_entries_past_the_setting(regions, settings):
    settings.PORTAL_AUDIT_RETENTION_DAYS = 365
    user = UserFactory()
    now = timezone.now()
    old = audit_record(actor=user, action="test.old", target=user)
    young = audit_record(actor=user, action="test.young", target=user)
    AuditLog.objects.filter(pk=old.pk).update(created_at=now - timedelta(days=366))
    AuditLog.objects.filter(pk=young.pk).update(created_at=now - timedelta(days=364))
    assert audit_log_prune_task() == 1
    assert list(AuditLog.objects.values_list("action", flat=True)) == ["test.young"]
    assert audit_log_prune() == 0  # idempotent


def test_retention_never_drops_below_six_months(regions, settings):
    settings.PORTAL_AUDIT_RETENTION_DAYS = 7  # a misconfiguration
    user = UserFactory()
    entry = audit_record(actor=user, action="test.recent", target=user)
    AuditLog.objects.filter(pk=entry.pk).update(
        created_at=timezone.now() - timedelta(days=MIN_RETENTION_DAYS - 1)
    )
    assert audit_log_prune() == 0
    assert AuditLog.objects.filter(pk=entry.pk).exists()
