"""The registry of work databases and its one importer: declarations, Chinese row reports,
dedupe, idempotent re-runs, lineage, atomicity, on both write paths."""

from __future__ import annotations

import csv
import datetime
import io
from unittest import mock

import pytest
from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts import crypto
from datahub.models import ImportRow, RosterImport, WorkRecord
from datahub.registry import work_database_get, work_databases
from datahub.registry.samples import id_number_for, sample_csv, sample_rows
from datahub.services.works import work_import_create, work_import_run
from tests.datahub.factories import import_staff

BOTH_PATHS = pytest.mark.parametrize("row_path", [False, True], ids=["copy", "row-by-row"])
LANGFANG_COUNTIES = ["131082", "131002", "131003"]


def _skip_copy_without_postgres(row_path):
    from django.db import connection

    if not row_path and connection.vendor != "postgresql":
        pytest.skip("the COPY path needs PostgreSQL")


def run(content: bytes, *, user, database: str, row_path=None, name="台账.csv"):
    draft = work_import_create(
        user=user,
        database=database,
        upload=SimpleUploadedFile(name, content),
        name=name,
        run_async=False,
    )
    return work_import_run(import_id=draft.pk, row_path=row_path)


def reasons(work_import) -> dict[int, str]:
    return dict(ImportRow.objects.filter(roster_import=work_import).values_list("line", "reason"))


def test_the_28_databases_are_declared():
    databases = work_databases()
    assert len(databases) == 28
    assert len({d.code for d in databases}) == 28
    names = {d.name for d in databases}
    for name in ("会员", "困难职工档案", "互助保障理赔", "劳模", "工匠", "12351 工单", "积分"):
        assert name in names
    views = [d for d in databases if d.is_view]
    assert {d.code for d in views} == {
        "members", "unions", "hotline_requests", "job_posts", "activity_signups", "points"
    }  # fmt: skip
    for view in views:  # the views name real models and real region lookups
        model = apps.get_model(view.view.model)
        if view.view.region_field:
            assert str(
                model.objects.filter(**{f"{view.view.region_field}__path__startswith": "x"}).query
            )


def test_a_bad_declaration_is_refused_at_import_time():
    from datahub.registry import FieldSpec, WorkDatabase

    with pytest.raises(ValueError, match="dedupe key"):
        WorkDatabase("x", "x", "datahub", fields=(FieldSpec("a", "甲"),), dedupe_key=("b",))


@pytest.mark.django_db
@BOTH_PATHS
def test_valid_sample_rows_of_every_stored_database_import(union_tree, row_path):
    _skip_copy_without_postgres(row_path)
    staff = import_staff(region_code="131000")
    for database in work_databases():
        if database.is_view:
            continue
        rows = list(sample_rows(database, count=5, regions=LANGFANG_COUNTIES, seed=1))
        result = run(sample_csv(database, rows), user=staff, database=database.code,
                     row_path=row_path, name=f"{database.code}.csv")  # fmt: skip
        assert (result.status, result.accepted_count) == ("done", 5), (
            database.code,
            result.error,
            reasons(result),
        )
        assert WorkRecord.objects.filter(database=database.code).count() == 5


def _hardship_file(today: datetime.date) -> tuple[bytes, dict[int, str]]:
    """Two good rows and 22 bad ones, each with the fragment its Chinese reason must hold."""
    good_id = id_number_for("130100", datetime.date(1980, 3, 1), 1)
    other_id = id_number_for("130100", datetime.date(1985, 6, 1), 2)
    ids = [id_number_for("130100", datetime.date(1970, 1, 1), n) for n in range(40)]
    bad_checksum = ids[30][:17] + ("0" if ids[30][17] != "0" else "1")
    base = ["刘芳", "", "13931600001", "三河市燕郊镇快递服务站", "因病", "3", "800.50",
            "2024-03-01", "2025-03-01", "三河市"]  # fmt: skip
    header = ["姓名", "身份证号", "手机号", "工作单位", "困难类型", "家庭人口",
              "家庭月人均收入（元）", "建档日期", "复核日期", "所在地区"]  # fmt: skip
    # column index -> bad value, expected fragment
    bad = [
        (0, "", "请填写姓名"),
        (0, "刘" * 51, "姓名不能超过50个字"),
        (1, bad_checksum, "身份证号"),
        (1, "13108219", "身份证号"),
        (2, "1393160000", "手机号"),
        (4, "因穷", "不在可选范围内"),
        (5, "三口", "家庭人口“三口”不是数字"),
        (5, "2.5", "应为整数"),
        (5, "0", "小于1"),
        (5, "25", "超过20"),
        (6, "-5", "小于0"),
        (6, "八百", "不是数字"),
        (6, "800.123", "最多保留两位小数"),
        (7, "去年三月", "无法识别"),
        (7, "2024-02-30", "不是有效日期"),
        (7, (today + datetime.timedelta(days=3)).isoformat(), "晚于今天"),
        (7, "1899-12-01", "早于1900年"),
        (8, "2023-01-01", "复核日期不能早于建档日期"),
        (9, "火星市", "不是河北省的地区"),
        (9, "长安区", "不在本次归集的地区范围内"),
        (3, "", "请填写工作单位"),
    ]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    expected: dict[int, str] = {}
    writer.writerow([*base[:1], good_id, *base[2:]])  # line 2: good
    writer.writerow(["张强", other_id, *base[2:]])  # line 3: good
    for n, (column, value, fragment) in enumerate(bad):
        row = list(base)
        row[1] = ids[n]
        row[column] = value
        writer.writerow(row)
        expected[4 + n] = fragment
    writer.writerow(["刘芳", good_id, *base[2:]])  # the same person as line 2 again
    expected[4 + len(bad)] = "与第2行重复"
    return out.getvalue().encode(), expected


@pytest.mark.django_db
@BOTH_PATHS
def test_twenty_kinds_of_bad_rows_are_reported_in_chinese(union_tree, row_path):
    _skip_copy_without_postgres(row_path)
    staff = import_staff(region_code="131000")
    content, expected = _hardship_file(datetime.date.today())
    assert len(expected) >= 20
    result = run(content, user=staff, database="hardship_files", row_path=row_path)
    assert result.status == "done", result.error
    assert (result.accepted_count, result.rejected_count) == (2, len(expected))
    got = reasons(result)
    assert set(got) == set(expected)
    for line, fragment in expected.items():
        assert fragment in got[line], (line, got[line])
    # Only whole good rows are kept; no ID number is stored in the clear.
    records = WorkRecord.objects.filter(database="hardship_files")
    assert records.count() == 2
    for record in records:
        assert "*" in record.data["id_number"]
        assert record.source_import_id == result.pk
        assert record.region.code == "131082"
        assert record.data["family_size"] == 3


@pytest.mark.django_db
@BOTH_PATHS
def test_a_rerun_is_idempotent_and_lineage_follows_changes(union_tree, row_path):
    _skip_copy_without_postgres(row_path)
    staff = import_staff(region_code="131000")
    database = work_database_get("aid_records")
    rows = list(sample_rows(database, count=4, regions=LANGFANG_COUNTIES, seed=2))
    first = run(sample_csv(database, rows), user=staff, database="aid_records", row_path=row_path)
    assert first.accepted_count == 4
    with pytest.raises(ValidationError, match="重复导入不会有任何变化"):
        run(sample_csv(database, rows), user=staff, database="aid_records", row_path=row_path)
    amount = [s.name for s in database.fields].index("amount")
    rows[0][amount] = "1234.00"
    extra = list(sample_rows(database, count=1, regions=LANGFANG_COUNTIES, seed=3, start=100))
    second = run(sample_csv(database, [*rows, *extra]), user=staff, database="aid_records",
                 row_path=row_path, name="台账2.csv")  # fmt: skip
    assert (second.accepted_count, second.merged_count, second.unchanged_count) == (1, 1, 3)
    assert WorkRecord.objects.filter(database="aid_records").count() == 5
    lineage = dict(
        WorkRecord.objects.filter(database="aid_records").values_list(
            "data__record_no", "source_import_id"
        )
    )
    record_no = [s.name for s in database.fields].index("record_no")
    assert lineage[rows[0][record_no]] == second.pk
    assert lineage[rows[1][record_no]] == first.pk
    assert WorkRecord.objects.get(data__record_no=rows[0][record_no]).data["amount"] == 1234.0


@pytest.mark.django_db
@BOTH_PATHS
def test_a_failure_midway_leaves_nothing(union_tree, row_path):
    _skip_copy_without_postgres(row_path)
    staff = import_staff(region_code="131000")
    database = work_database_get("assets")
    content = sample_csv(database, sample_rows(database, count=3, regions=LANGFANG_COUNTIES))
    if row_path:
        patcher = mock.patch(
            "datahub.models.ImportRow.objects.bulk_create", side_effect=RuntimeError("disk full")
        )
    else:
        from datahub.services.works import copy_path

        patcher = mock.patch.object(copy_path, "_REPORT_SQL", "SELECT 1/0")
    with patcher:
        result = run(content, user=staff, database="assets", row_path=row_path)
    assert result.status == "failed"
    assert "已全部撤销" in result.error
    assert not WorkRecord.objects.exists()
    assert not ImportRow.objects.exists()


@pytest.mark.django_db
def test_refusals_before_anything_runs(union_tree):
    staff = import_staff(region_code="131000")
    database = work_database_get("assets")
    content = sample_csv(database, sample_rows(database, count=1, regions=LANGFANG_COUNTIES))
    with pytest.raises(ValidationError, match="没有名为"):
        run(content, user=staff, database="nope")
    with pytest.raises(ValidationError, match="视图"):
        run(content, user=staff, database="members")
    with pytest.raises(ValidationError, match="缺少必填列：资产编号"):
        run("资产名称,原值（元）\n车,1\n".encode(), user=staff, database="assets")
    outsider = import_staff(region_code="130100")
    with pytest.raises(PermissionDenied):
        work_import_create(
            user=outsider, database="assets", upload=SimpleUploadedFile("a.csv", content),
            name="a.csv", region=staff_region(),
        )  # fmt: skip
    assert not RosterImport.objects.filter(kind=RosterImport.Kind.WORK).exists()


def staff_region():
    from regions.models import Region

    return Region.objects.get(code="131000")


@pytest.mark.django_db
def test_the_import_is_queued_by_task_name(union_tree, django_capture_on_commit_callbacks):
    from core.models import OutboxMessage
    from datahub.tasks import work_import_run_task

    staff = import_staff(region_code="131000")
    database = work_database_get("trainings")
    content = sample_csv(database, sample_rows(database, count=2, regions=LANGFANG_COUNTIES))
    with (
        mock.patch.object(work_import_run_task, "apply_async") as send,
        django_capture_on_commit_callbacks(execute=True),
    ):
        draft = work_import_create(
                user=staff, database="trainings", upload=SimpleUploadedFile("t.csv", content),
                name="t.csv",
            )  # fmt: skip
    send.assert_called_once()
    message = OutboxMessage.objects.get(key=f"datahub.work_import_run:{draft.pk}")
    assert message.task == work_import_run_task.name == "datahub.tasks.work_import_run_task"
    assert work_import_run_task.run(draft.pk) == "done"
    assert work_import_run_task.run(draft.pk) == "done"  # a redelivery changes nothing
    assert WorkRecord.objects.filter(database="trainings").count() == 2


def test_id_numbers_in_keys_are_keyed_hashes():
    number = id_number_for("130100", datetime.date(1990, 1, 1), 1)
    assert crypto.id_number_hash(number) != crypto.id_number_hash(number[:-1] + "0")
