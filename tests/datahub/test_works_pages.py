"""The work databases' staff page and admin: anonymous / member / other city / own city,
the upload into a stored database, the lineage column, the demo seed."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from datahub.models import RosterImport, WorkRecord
from datahub.registry import work_database_get
from datahub.registry.samples import sample_csv, sample_rows
from tests.accounts.factories import UserFactory
from tests.datahub.factories import import_staff


def _client(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user, backend="accounts.backends.ModelBackend")
    return client


@pytest.fixture(autouse=True)
def _no_mfa(settings):
    settings.PORTAL_STAFF_MFA_REQUIRED = False


def _ledger(code: str, regions=("131082",), count=3) -> bytes:
    database = work_database_get(code)
    return sample_csv(database, sample_rows(database, count=count, regions=list(regions)))


@pytest.mark.django_db
def test_page_scope_and_upload(union_tree, django_assert_max_num_queries):
    url = reverse("datahub:work_database_list")
    anonymous = _client().get(url)
    assert anonymous.status_code == 302 and "/auth/" in anonymous["Location"]
    assert _client(UserFactory()).get(url).status_code == 404
    staff = import_staff(region_code="131000")
    # Constant: a count per view and one for the stored ones (plus session and grants).
    with django_assert_max_num_queries(40):
        page = _client(staff).get(url)
    assert page.status_code == 200
    text = page.content.decode()
    for name in ("困难职工档案", "互助保障理赔", "12351 工单", "视图"):
        assert name in text
    response = _client(staff).post(
        url,
        {"database": "craftsmen", "file": SimpleUploadedFile("工匠.csv", _ledger("craftsmen"))},
    )
    assert response.status_code == 302, response.content.decode()[:500]
    work_import = RosterImport.objects.get(kind=RosterImport.Kind.WORK)
    assert response["Location"] == reverse("datahub:import_detail", args=[work_import.pk])
    detail = _client(staff).get(response["Location"])
    assert detail.status_code == 200
    other_city = import_staff(region_code="130100")
    assert _client(other_city).get(response["Location"]).status_code == 404


@pytest.mark.django_db
def test_bad_upload_is_a_chinese_message_not_a_500(union_tree):
    staff = import_staff(region_code="131000")
    response = _client(staff).post(
        reverse("datahub:work_database_list"),
        {"database": "assets", "file": SimpleUploadedFile("a.csv", "名称\n车\n".encode())},
    )
    assert response.status_code == 200
    assert "缺少必填列" in response.content.decode()
    assert not RosterImport.objects.exists()


@pytest.mark.django_db
def test_admin_shows_only_the_staff_members_region_with_lineage(union_tree):
    from datahub.services.works import work_import_create, work_import_run

    province = import_staff(region_code="130000")
    content = _ledger("assets", regions=("131082", "130102"), count=4)
    draft = work_import_create(
        user=province, database="assets", upload=SimpleUploadedFile("a.csv", content),
        name="a.csv", run_async=False,
    )  # fmt: skip
    work_import_run(import_id=draft.pk, row_path=True)
    assert WorkRecord.objects.count() == 4
    url = reverse("admin:datahub_workrecord_changelist")
    langfang = import_staff(region_code="131000")
    text = _client(langfang).get(url).content.decode()
    assert text.count("三河市") >= 2 and "长安区" not in text
    assert reverse("datahub:import_detail", args=[draft.pk]) in text
    assert "长安区" in _client(province).get(url).content.decode()
    assert _client(UserFactory(is_staff=True)).get(url).status_code in (302, 403)
    other = WorkRecord.objects.filter(region__code="130102").first()
    change = reverse("admin:datahub_workrecord_change", args=[other.pk])
    assert _client(langfang).get(change).status_code in (302, 403)


@pytest.mark.django_db
def test_demo_seed_is_idempotent(union_tree):
    from accounts import demo as accounts_demo
    from datahub import demo_works

    accounts_demo.seed(stdout=io.StringIO())
    demo_works.seed(stdout=io.StringIO())
    count = WorkRecord.objects.count()
    assert count == 22 * demo_works.ROWS
    out = io.StringIO()
    demo_works.seed(stdout=out)
    assert WorkRecord.objects.count() == count
    assert "already imported" in out.getvalue()
