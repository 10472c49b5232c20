"""The consent gate (PIPL): members who never agreed online — imported from a union roster —
or whose consent predates the current privacy policy agree before using the portal."""

from __future__ import annotations

import importlib
import json
from urllib.parse import urlencode

import pytest
from django.apps import apps as django_apps
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import ConsentRecord, User
from accounts.services.closure import account_close
from accounts.services.privacy import consent_gate_accept, consent_grant, consent_withdraw
from datahub.models import MemberChange
from tests.accounts.factories import StaffUserFactory, UserFactory, make_identity
from tests.datahub.factories import PersonFactory, import_staff, roster_csv

pytestmark = pytest.mark.django_db

CURRENT = "2026-11"


@pytest.fixture(autouse=True)
def _versions(settings, tmp_path):
    settings.PORTAL_CONSENT_VERSIONS = {"privacy_policy": CURRENT, "id_number": CURRENT}
    settings.MEDIA_ROOT = tmp_path / "media"


def _roster_member(*, row_path: bool = True) -> User:
    """A member as a union's roster import creates one (no consent of their own)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from datahub.services.imports import (
        roster_import_create,
        roster_import_run,
        roster_import_start,
    )

    staff = import_staff(region_code="131000")
    row = PersonFactory.build()
    upload = SimpleUploadedFile("roster.csv", roster_csv([row]))
    draft = roster_import_create(user=staff, upload=upload, name="roster.csv")
    roster_import_start(roster_import=draft, user=staff, mapping=draft.mapping, run_async=False)
    result = roster_import_run(import_id=draft.pk, row_path=row_path)
    assert result.accepted_count == 1
    return User.objects.get(phone=row["手机号"])


@pytest.fixture
def imported(union_tree, client):
    user = _roster_member()
    client.force_login(user)
    return user


def _consent_url(next_path: str) -> str:
    return f"{reverse('accounts:consent')}?{urlencode({'next': next_path})}"


# --- the roster import leaves the member to the gate -------------------------------------


@pytest.mark.parametrize("row_path", [False, True], ids=["set-based", "row-by-row"])
def test_a_roster_import_grants_no_consent(union_tree, row_path):
    if not row_path and connection.vendor != "postgresql":
        pytest.skip("the set-based path needs PostgreSQL")
    user = _roster_member(row_path=row_path)
    assert user.privacy_consent_version == ""
    assert not ConsentRecord.objects.filter(user=user).exists()
    assert MemberChange.objects.filter(user_id=user.pk, kind="member_created").exists()


# --- the gate -------------------------------------------------------------------------------


def test_imported_member_is_sent_to_the_consent_page_with_next(client, imported):
    response = client.get(reverse("accounts:me") + "?tab=1")
    assert response.status_code == 302
    assert response["Location"] == _consent_url("/me/?tab=1")
    page = client.get(response["Location"])
    assert page.status_code == 200
    html = page.content.decode()
    assert "您的会员信息由所在工会依据会员名册录入" in html
    assert reverse("accounts:privacy_policy") in html
    assert 'name="privacy_policy"' in html


def test_the_api_answers_403_with_a_chinese_detail(client, imported):
    response = client.get("/api/me/")
    assert response.status_code == 403
    body = response.json()
    assert "隐私政策" in body["detail"]
    assert body["consent_url"] == reverse("accounts:consent")


def test_htmx_is_redirected_as_a_whole_page(client, imported):
    response = client.get(reverse("accounts:notices"), headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert response["HX-Redirect"].startswith(reverse("accounts:consent"))


def test_a_post_elsewhere_goes_to_the_page_without_next(client, imported):
    response = client.post(reverse("accounts:notices_read"))
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:consent")


def test_exempt_pages_stay_open(client, imported):
    assert client.get(reverse("accounts:privacy_policy")).status_code == 200
    assert client.get(reverse("accounts:me_privacy")).status_code == 200
    export = client.get(reverse("accounts:me_data_export"))
    assert export.status_code == 200
    assert json.loads(export.content)["account"]["phone"] == imported.phone
    assert client.get("/api/me/export/").status_code == 200
    assert client.get(reverse("healthz")).status_code in (200, 503)
    toggle = client.post(reverse("large_text_toggle"), {"next": "/"})
    assert toggle.status_code == 302
    assert not toggle["Location"].startswith(reverse("accounts:consent"))
    # Signing out needs no consent either.
    out = client.post(reverse("account_logout"))
    assert out.status_code == 302
    assert "_auth_user_id" not in client.session


def test_accepting_records_consent_and_lands_on_next(client, imported):
    response = client.post(
        reverse("accounts:consent"), {"privacy_policy": "on", "next": "/me/wallet/"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/me/wallet/"
    imported.refresh_from_db()
    assert imported.privacy_consent_version == CURRENT
    record = ConsentRecord.objects.get(user=imported, kind="privacy_policy")
    assert (record.version, record.withdrawn_at) == (CURRENT, None)
    assert record.ip_address == "127.0.0.1"
    assert client.get(reverse("accounts:me")).status_code == 200
    assert client.get("/api/me/").status_code == 200


def test_without_the_box_a_chinese_error_and_nothing_saved(client, imported):
    response = client.post(reverse("accounts:consent"), {"next": "/me/"})
    assert response.status_code == 200
    assert "请阅读并勾选同意《隐私政策》后继续使用。" in response.content.decode()
    assert not ConsentRecord.objects.filter(user=imported).exists()
    imported.refresh_from_db()
    assert imported.privacy_consent_version == ""


@pytest.mark.parametrize(
    "unsafe", ["https://evil.example/", "//evil.example/me/", "/me/consent/?next=/me/"]
)
def test_unsafe_next_is_ignored(client, imported, unsafe):
    page = client.get(reverse("accounts:consent"), {"next": unsafe})
    assert page.context["form"]["next"].value() == "/"
    response = client.post(reverse("accounts:consent"), {"privacy_policy": "on", "next": unsafe})
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_a_policy_version_bump_sends_a_consented_member_back(client, settings):
    member = UserFactory()
    client.force_login(member)
    assert client.get(reverse("accounts:me")).status_code == 200
    settings.PORTAL_CONSENT_VERSIONS = {"privacy_policy": "2027-05", "id_number": CURRENT}
    response = client.get(reverse("accounts:me"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:consent"))
    page = client.get(response["Location"]).content.decode()
    assert "已更新为 2027-05 版" in page
    assert 'name="id_number"' not in page  # no ID number held
    client.post(reverse("accounts:consent"), {"privacy_policy": "on"})
    member.refresh_from_db()
    assert member.privacy_consent_version == "2027-05"
    versions = ConsentRecord.objects.filter(user=member, withdrawn_at__isnull=True)
    assert sorted(versions.values_list("version", flat=True)) == [CURRENT, "2027-05"]
    assert client.get(reverse("accounts:me")).status_code == 200


def test_a_consented_member_on_the_consent_page_goes_on(client):
    client.force_login(UserFactory())
    response = client.get(reverse("accounts:consent"), {"next": "/me/"})
    assert response.status_code == 302
    assert response["Location"] == "/me/"


def test_staff_are_not_gated(client):
    staff = StaffUserFactory(consented=False)
    client.force_login(staff)
    assert staff.privacy_consent_version == ""
    assert client.get(reverse("accounts:me")).status_code == 200
    assert client.get("/api/me/").status_code == 200


def test_anonymous_visitors_are_not_gated(client):
    assert client.get("/").status_code == 200
    response = client.get(reverse("accounts:consent"))
    assert response.status_code == 302
    assert "/auth/login/" in response["Location"]


# --- the separate consent to the ID number ---------------------------------------------------


def test_the_id_number_box_is_offered_to_a_roster_member_and_recorded(client, imported):
    page = client.get(reverse("accounts:consent")).content.decode()
    assert 'name="id_number"' in page
    assert "仅作为所在工会的会员名册记录保存" in page
    assert reverse("accounts:me_privacy") in page
    client.post(reverse("accounts:consent"), {"privacy_policy": "on", "id_number": "on"})
    kinds = ConsentRecord.objects.filter(user=imported, withdrawn_at__isnull=True)
    assert sorted(kinds.values_list("kind", "version")) == [
        ("id_number", CURRENT),
        ("privacy_policy", CURRENT),
    ]


def test_the_id_number_box_is_optional(client, imported):
    response = client.post(reverse("accounts:consent"), {"privacy_policy": "on"})
    assert response.status_code == 302
    assert list(ConsentRecord.objects.filter(user=imported).values_list("kind", flat=True)) == [
        "privacy_policy"
    ]


def test_no_id_number_box_when_its_consent_is_current(client, settings):
    identity = make_identity()  # 实名认证 records the id_number consent
    member = identity.user
    client.force_login(member)
    settings.PORTAL_CONSENT_VERSIONS = {"privacy_policy": "2027-05", "id_number": CURRENT}
    page = client.get(reverse("accounts:consent")).content.decode()
    assert 'name="privacy_policy"' in page
    assert 'name="id_number"' not in page


def test_the_service_refuses_an_id_consent_without_an_id_number():
    member = UserFactory(consented=False)
    with pytest.raises(ValidationError) as exc:
        consent_gate_accept(user=member, id_number=True, ip_address=None)
    assert "身份证号" in exc.value.messages[0]
    assert not ConsentRecord.objects.filter(user=member).exists()
    member.refresh_from_db()
    assert member.privacy_consent_version == ""


# --- withdrawal and closure keep the mirror right --------------------------------------------


def test_withdrawing_consent_brings_the_gate_back(client):
    member = UserFactory()
    client.force_login(member)
    assert client.get(reverse("accounts:me")).status_code == 200
    assert consent_withdraw(user=member, kind="privacy_policy") == 1
    assert User.objects.get(pk=member.pk).privacy_consent_version == ""
    response = client.get(reverse("accounts:me"))
    assert response["Location"].startswith(reverse("accounts:consent"))
    assert "您已撤回对《隐私政策》的同意" in client.get(response["Location"]).content.decode()


def test_granting_twice_is_idempotent_and_an_older_version_keeps_the_current():
    member = UserFactory(consented=False)
    consent_grant(user=member, kind="privacy_policy")
    consent_grant(user=member, kind="privacy_policy")
    consent_grant(user=member, kind="privacy_policy", version="2025-01")
    assert ConsentRecord.objects.filter(user=member).count() == 2
    assert User.objects.get(pk=member.pk).privacy_consent_version == CURRENT


def test_closing_the_account_clears_the_version(union_tree):
    member = UserFactory()
    assert member.privacy_consent_version == CURRENT
    account_close(user=member)
    member.refresh_from_db()
    assert member.privacy_consent_version == ""
    assert not ConsentRecord.objects.filter(user=member, withdrawn_at__isnull=True).exists()


# --- cost -----------------------------------------------------------------------------------


def _signed_in_client(user) -> Client:
    """A new client, so the handler loads the MIDDLEWARE of the moment."""
    client = Client()
    client.force_login(user)
    return client


def test_the_gate_adds_no_query_to_a_member_page(settings, django_assert_num_queries):
    member = UserFactory()
    # A page that queries on every request (我的 itself is served from the member page cache).
    url = reverse("accounts:me_privacy")
    gate = "accounts.middleware.ConsentGateMiddleware"
    with_gate = list(settings.MIDDLEWARE)
    assert gate in with_gate
    settings.MIDDLEWARE = [m for m in with_gate if m != gate]
    without = _signed_in_client(member)
    assert without.get(url).status_code == 200  # the session's first-request writes
    with CaptureQueriesContext(connection) as baseline:
        assert without.get(url).status_code == 200
    # Counted now: the next request's start empties the connection's query log.
    expected = len(baseline.captured_queries)
    assert expected > 0

    settings.MIDDLEWARE = with_gate
    gated = _signed_in_client(member)
    assert gated.get(url).status_code == 200
    with django_assert_num_queries(expected):
        assert gated.get(url).status_code == 200


# --- the backfill migration -----------------------------------------------------------------


def test_backfill_copies_active_consents_set_based():
    migration = importlib.import_module("accounts.migrations.0005_user_privacy_consent_version")
    current_only = UserFactory(consented=False)
    older_only = UserFactory(consented=False)
    withdrawn = UserFactory(consented=False)
    both = UserFactory(consented=False)
    none = UserFactory(consented=False)
    already = UserFactory(consented=False)
    ConsentRecord.objects.bulk_create(
        [
            ConsentRecord(user=current_only, kind="privacy_policy", version=CURRENT),
            ConsentRecord(user=older_only, kind="privacy_policy", version="2025-01"),
            ConsentRecord(
                user=withdrawn,
                kind="privacy_policy",
                version=CURRENT,
                withdrawn_at=timezone.now(),
            ),
            ConsentRecord(user=both, kind="privacy_policy", version="2099-01"),
            ConsentRecord(user=both, kind="privacy_policy", version=CURRENT),
            # Another kind is not the privacy policy.
            ConsentRecord(user=none, kind="id_number", version=CURRENT),
            ConsentRecord(user=already, kind="privacy_policy", version=CURRENT),
        ]
    )
    User.objects.filter(pk=already.pk).update(privacy_consent_version=CURRENT)

    with CaptureQueriesContext(connection) as queries:
        migration.backfill_privacy_consent_version(django_apps, connection.schema_editor())
    assert len(queries.captured_queries) == 1

    versions = dict(User.objects.values_list("pk", "privacy_consent_version"))
    assert versions[current_only.pk] == CURRENT
    assert versions[older_only.pk] == "2025-01"
    assert versions[withdrawn.pk] == ""
    assert versions[both.pk] == CURRENT  # the current version wins over a later-sorting one
    assert versions[none.pk] == ""
    assert versions[already.pk] == CURRENT


# --- seed_scale's members signed up online ----------------------------------------------------


@pytest.mark.postgres
def test_seed_scale_members_have_agreed(regions, client):
    from django.core.management import call_command

    from portal.scale.build import MEMBER_PHONE_PREFIX

    call_command("seed_scale", scale=0.0001, no_demo=True, stdout=_Sink())
    members = User.objects.filter(phone__startswith=MEMBER_PHONE_PREFIX)
    assert members.count() >= 50
    assert not members.exclude(privacy_consent_version=CURRENT).exists()
    agreed = ConsentRecord.objects.filter(
        kind="privacy_policy", version=CURRENT, withdrawn_at__isnull=True
    )
    assert agreed.filter(user__in=members).count() == members.count()
    verified = members.filter(identity__isnull=False)
    id_consents = ConsentRecord.objects.filter(kind="id_number", user__in=members)
    assert set(id_consents.values_list("user_id", flat=True)) == set(
        verified.values_list("pk", flat=True)
    )
    # The sequences moved past the COPied ids: an ordinary grant still inserts.
    member = members.filter(identity__isnull=True).first() or members.first()
    consent_grant(user=member, kind="privacy_policy", version="2027-05")
    client.force_login(member)
    assert client.get(reverse("accounts:me")).status_code == 200


class _Sink:
    def write(self, *args, **kwargs) -> None:
        pass

    def flush(self) -> None:
        pass
