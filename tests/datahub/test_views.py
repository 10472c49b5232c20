"""Staff pages and admin: scope (another city's staff gets a 404), the mapping step, the
progress block, the report downloads, the Celery path."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from datahub.models import RosterImport
from tests.accounts.factories import UserFactory
from tests.datahub.factories import PersonFactory, bad_checksum, import_staff, roster_csv


def _client(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user, backend="accounts.backends.ModelBackend")
    return client


@pytest.fixture(autouse=True)
def _no_mfa(settings):
    settings.PORTAL_STAFF_MFA_REQUIRED = False


@pytest.mark.django_db
def test_upload_confirm_and_report_end_to_end(
    staff, union_tree, django_capture_on_commit_callbacks
):
    """The task is queued after commit and run as a worker would run it."""
    rows = PersonFactory.build_batch(3)
    rows[2]["身份证号"] = bad_checksum(rows[2]["身份证号"])
    client = _client(staff)
    response = client.post(
        reverse("datahub:import_list"),
        {"file": SimpleUploadedFile("廊坊名册.csv", roster_csv(rows)), "region": "131000"},
    )
    draft = RosterImport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("datahub:import_detail", args=[draft.pk])
    page = client.get(response["Location"])
    assert "确认各列对应" in page.content.decode()
    assert draft.mapping["id_number"] == 1
    from unittest import mock

    from datahub.tasks import roster_import_run_task

    def enqueue(args, *options, **more):  # what a worker does once the outbox sends it
        return roster_import_run_task.apply(args=args)

    with (
        mock.patch.object(roster_import_run_task, "apply_async", side_effect=enqueue),
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = client.post(
            reverse("datahub:import_detail", args=[draft.pk]),
            {"name": "0", "id_number": "1", "phone": "2", "region": "3", "union": "4",
             "joined_on": "5"},
        )  # fmt: skip
    assert response.status_code == 302
    draft.refresh_from_db()
    assert (draft.status, draft.accepted_count, draft.rejected_count) == ("done", 2, 1)
    page = client.get(reverse("datahub:import_detail", args=[draft.pk])).content.decode()
    assert "校验位" in page and "新增会员：2" in page
    csv_response = client.get(reverse("datahub:import_report", args=[draft.pk, "csv"]))
    body = b"".join(csv_response.streaming_content).decode("utf-8-sig")
    assert "行号,结果,原因或说明" in body and "拒收" in body
    rejected_only = client.get(
        reverse("datahub:import_report", args=[draft.pk, "csv"]) + "?status=rejected"
    )
    assert b"".join(rejected_only.streaming_content).decode("utf-8-sig").count("\n") == 2
    xlsx = client.get(reverse("datahub:import_report", args=[draft.pk, "xlsx"]))
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"


@pytest.mark.django_db
def test_bad_upload_shows_a_chinese_error_not_a_500(staff, union_tree):
    response = _client(staff).post(
        reverse("datahub:import_list"),
        {
            "file": SimpleUploadedFile("photo.xlsx", b"\x89PNG\r\n\x1a\n\x00\x00"),
            "region": "131000",
        },
    )
    assert response.status_code == 200
    assert "不是可识别的表格" in response.content.decode()
    assert not RosterImport.objects.exists()


@pytest.mark.django_db
def test_scope_anonymous_member_other_city_and_own_city(staff, union_tree):
    draft_response = _client(staff).post(
        reverse("datahub:import_list"),
        {"file": SimpleUploadedFile("r.csv", roster_csv(PersonFactory.build_batch(1)))},
    )
    assert draft_response.status_code == 302
    draft = RosterImport.objects.get()
    urls = [
        reverse("datahub:import_detail", args=[draft.pk]),
        reverse("datahub:import_progress", args=[draft.pk]),
    ]
    anonymous = _client().get(urls[0])
    assert anonymous.status_code == 302 and "/auth/" in anonymous["Location"]
    assert _client(UserFactory()).get(reverse("datahub:import_list")).status_code == 404
    other_city = import_staff(region_code="130100")
    for url in urls:
        assert _client(other_city).get(url).status_code == 404
        assert _client(staff).get(url).status_code == 200
    province = import_staff(region_code="130000")
    assert _client(province).get(urls[0]).status_code == 200
    assert "r.csv" not in _client(other_city).get(reverse("datahub:import_list")).content.decode()


@pytest.mark.django_db
def test_progress_block_polls_while_running_and_refreshes_when_done(staff, union_tree):
    from django.core.cache import cache

    from datahub.services.imports import PROGRESS_KEY, roster_import_create

    draft = roster_import_create(
        user=staff, upload=SimpleUploadedFile("r.csv", roster_csv(PersonFactory.build_batch(1))),
        name="r.csv",
    )  # fmt: skip
    RosterImport.objects.filter(pk=draft.pk).update(status="running")
    cache.set(PROGRESS_KEY.format(id=draft.pk), {"phase": "reading", "processed": 50, "total": 100})
    url = reverse("datahub:import_progress", args=[draft.pk])
    body = _client(staff).get(url, HTTP_HX_REQUEST="true").content.decode()
    assert 'hx-trigger="every 2s"' in body and 'value="35"' in body and "<script" not in body
    RosterImport.objects.filter(pk=draft.pk).update(status="done")
    done = _client(staff).get(url, HTTP_HX_REQUEST="true")
    assert done.status_code == 204 and done["HX-Refresh"] == "true"


@pytest.mark.django_db
def test_list_page_query_count(staff, union_tree, django_assert_max_num_queries):
    from datahub.services.imports import roster_import_create

    for i in range(5):
        roster_import_create(
            user=staff,
            upload=SimpleUploadedFile(f"r{i}.csv", roster_csv(PersonFactory.build_batch(i + 1))),
            name=f"r{i}.csv",
        )
    client = _client(staff)
    with django_assert_max_num_queries(9) as queries:
        assert client.get(reverse("datahub:import_list")).status_code == 200
    count = len(queries)
    for i in range(5, 10):  # more imports, the same number of queries
        roster_import_create(
            user=staff,
            upload=SimpleUploadedFile(f"r{i}.csv", roster_csv(PersonFactory.build_batch(i + 1))),
            name=f"r{i}.csv",
        )
    with django_assert_max_num_queries(count):
        assert client.get(reverse("datahub:import_list")).status_code == 200


@pytest.mark.django_db
def test_admin_lists_only_the_staff_members_scope(staff, union_tree):
    from datahub.services.imports import roster_import_create

    roster_import_create(
        user=staff, upload=SimpleUploadedFile("r.csv", roster_csv(PersonFactory.build_batch(1))),
        name="r.csv",
    )  # fmt: skip
    url = reverse("admin:datahub_rosterimport_changelist")
    assert "r.csv" in _client(staff).get(url).content.decode()
    other_city = import_staff(region_code="130100")
    assert "r.csv" not in _client(other_city).get(url).content.decode()
    # The exchange call log is for province-wide staff only.
    log_url = reverse("admin:datahub_exchangecalllog_changelist")
    assert _client(staff).get(log_url).status_code == 403
    assert _client(import_staff(region_code="130000")).get(log_url).status_code == 200


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_start_enqueues_the_task_after_commit(union_tree, settings):
    """With a broker, confirming the mapping only queues the import (after commit); a worker
    then runs it. Here the queued message is taken and run as the worker would."""
    from unittest import mock

    from datahub.services.imports import roster_import_create, roster_import_start
    from datahub.tasks import roster_import_run_task

    staff = import_staff(region_code="131000")
    draft = roster_import_create(
        user=staff, upload=SimpleUploadedFile("r.csv", roster_csv(PersonFactory.build_batch(2))),
        name="r.csv",
    )  # fmt: skip
    with mock.patch.object(roster_import_run_task, "apply_async") as send:
        roster_import_start(roster_import=draft, user=staff, mapping=draft.mapping)
    send.assert_called_once()
    assert send.call_args.args[0] == (draft.pk,)
    # Enqueued by name (services never import tasks): the name is the task's dotted path.
    from core.models import OutboxMessage

    message = OutboxMessage.objects.get(key=f"datahub.roster_import_run:{draft.pk}")
    assert message.task == roster_import_run_task.name == "datahub.tasks.roster_import_run_task"
    draft.refresh_from_db()
    assert draft.status == "queued"
    assert roster_import_run_task.run(draft.pk) == "done"
    assert roster_import_run_task.run(draft.pk) == "done"  # a redelivery changes nothing
    draft.refresh_from_db()
    assert draft.accepted_count == 2
