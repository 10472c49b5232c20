"""Roster imports: matching and merging, idempotency, atomicity, both write paths."""

from __future__ import annotations

from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts import crypto
from accounts.models import Credential, DigitalIdentity, Membership, User
from accounts.services.identity import identity_verify, member_id_for_sequence
from datahub.models import ImportRow, MemberChange, RosterImport
from datahub.services.imports import roster_import_create, roster_import_run
from tests.accounts.factories import UserFactory, make_member
from tests.datahub.factories import (
    PersonFactory,
    bad_checksum,
    import_staff,
    roster_csv,
    roster_xlsx,
)

BOTH_PATHS = pytest.mark.parametrize("row_path", [False, True], ids=["set-based", "row-by-row"])


def _statuses(roster_import):
    return dict(ImportRow.objects.filter(roster_import=roster_import).values_list("line", "status"))


def _reasons(roster_import):
    return dict(ImportRow.objects.filter(roster_import=roster_import).values_list("line", "reason"))


def _row_path_or_skip(row_path, request):
    from django.db import connection

    if not row_path and connection.vendor != "postgresql":
        pytest.skip("the set-based path needs PostgreSQL")


@pytest.mark.django_db
@BOTH_PATHS
def test_new_members_get_user_identity_membership_and_card(
    staff, run_import, union_tree, row_path, request
):
    _row_path_or_skip(row_path, request)
    rows = PersonFactory.build_batch(3)
    result = run_import(roster_csv(rows), user=staff, row_path=row_path)
    assert (result.status, result.accepted_count, result.rejected_count) == ("done", 3, 0)
    for row in rows:
        user = User.objects.get(phone=row["手机号"])
        assert not user.has_usable_password()
        assert user.display_name == row["姓名"]
        identity = user.identity
        assert identity.id_number_hash == crypto.id_number_hash(row["身份证号"])
        assert (
            crypto.id_number_decrypt(identity.id_number_ciphertext, identity.key_id)
            == row["身份证号"]
        )
        assert identity.member_id == member_id_for_sequence(identity.pk)
        assert identity.id_number_masked == crypto.id_number_mask(row["身份证号"])
        membership = Membership.objects.get(user=user, status="active")
        assert membership.organization == union_tree["joint"]
        assert timezone.localtime(membership.started_at).date().isoformat() == "2023-05-01"
        assert Credential.objects.filter(
            user=user, kind="member_card", source_id=str(membership.pk)
        ).exists()
    assert MemberChange.objects.filter(kind="member_created").count() == 3
    assert MemberChange.objects.filter(kind="membership_started").count() == 3


@pytest.mark.django_db
@BOTH_PATHS
def test_match_by_id_hash_then_phone_and_merge_only_what_is_missing(
    staff, run_import, union_tree, row_path, request
):
    _row_path_or_skip(row_path, request)
    rows = PersonFactory.build_batch(4)
    # 0: verified already (matched by ID hash), with a membership elsewhere
    by_id = UserFactory(phone="13811110000", display_name="")
    identity_verify(
        user=by_id, real_name=rows[0]["姓名"], id_number=rows[0]["身份证号"], consent=True
    )
    make_member(organization=union_tree["factory"], user=by_id)
    # 1: registered with the same phone, never verified (matched by phone)
    by_phone = UserFactory(phone=rows[1]["手机号"], display_name="小李")
    # 2: the phone belongs to someone verified with another number
    taken = UserFactory(phone=rows[2]["手机号"])
    identity_verify(
        user=taken, real_name="赵六", id_number=PersonFactory()["身份证号"], consent=True
    )
    # 3: new
    result = run_import(roster_csv(rows), user=staff, row_path=row_path)
    statuses = _statuses(result)
    reasons = _reasons(result)
    assert statuses == {2: "merged", 3: "merged", 4: "rejected", 5: "accepted"}
    assert "补充姓名" in reasons[2] and "会籍未变更" in reasons[2]
    by_id.refresh_from_db()
    assert by_id.display_name == rows[0]["姓名"]
    assert Membership.objects.get(user=by_id, status="active").organization == union_tree["factory"]
    assert "补充实名信息" in reasons[3]
    assert DigitalIdentity.objects.get(user=by_phone).real_name == rows[1]["姓名"]
    by_phone.refresh_from_db()
    assert by_phone.display_name == "小李"  # never overwritten
    assert "已实名" in reasons[4]
    assert not DigitalIdentity.objects.filter(
        id_number_hash=crypto.id_number_hash(rows[2]["身份证号"])
    ).exists()


@pytest.mark.django_db
@BOTH_PATHS
def test_rejections_with_line_and_reason(staff, run_import, union_tree, row_path, request):
    _row_path_or_skip(row_path, request)
    rows = PersonFactory.build_batch(8)
    rows[0]["身份证号"] = bad_checksum(rows[0]["身份证号"])
    rows[1]["所在地区"] = "139999"
    rows[2]["所在地区"] = "130102"  # 石家庄: outside 廊坊's import
    rows[3]["工会"] = "不存在的工会"
    rows[4]["工会"] = "三河市总工会"  # a federation: members join grassroots unions
    rows[5]["手机号"] = rows[6]["手机号"]  # two people, one phone
    rows.append(dict(rows[7]))  # the same person twice
    result = run_import(roster_csv(rows), user=staff, row_path=row_path)
    reasons = _reasons(result)
    assert "校验位" in reasons[2]
    assert "139999" in reasons[3] and "不存在" in reasons[3]
    assert "归集范围" in reasons[4]
    assert "不存在的工会" in reasons[5]
    assert "不直接接收会员" in reasons[6]
    assert _statuses(result)[7] == "accepted" and "第7行" in reasons[8]
    assert "第9行" in reasons[10]
    assert (result.accepted_count, result.rejected_count) == (2, 7)


@pytest.mark.django_db
def test_both_paths_agree_on_the_same_file(union_tree, run_import, request):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("the set-based path needs PostgreSQL")
    rows = PersonFactory.build_batch(6)
    rows[1]["身份证号"] = bad_checksum(rows[1]["身份证号"])
    rows.append(dict(rows[0]))
    outcomes = []
    for row_path in (False, True):
        user = import_staff()
        Membership.objects.all().delete()
        Credential.objects.all().delete()
        DigitalIdentity.objects.all().delete()
        MemberChange.objects.all().delete()
        User.objects.filter(phone__startswith="159").delete()
        content = roster_csv(rows) + (b"\n" if row_path else b"")  # another file hash
        result = run_import(content, user=user, row_path=row_path)
        outcomes.append(
            list(
                ImportRow.objects.filter(roster_import=result).values_list(
                    "line", "status", "reason"
                )
            )
        )
    assert outcomes[0] == outcomes[1]


@pytest.mark.django_db
@BOTH_PATHS
def test_running_the_same_rows_again_changes_nothing(
    staff, run_import, union_tree, row_path, request
):
    _row_path_or_skip(row_path, request)
    rows = PersonFactory.build_batch(4)
    run_import(roster_csv(rows), user=staff, row_path=row_path)
    counts = (User.objects.count(), DigitalIdentity.objects.count(), Membership.objects.count(),
              Credential.objects.count(), MemberChange.objects.count())  # fmt: skip
    # The same rows in another file (another hash): every row is "unchanged".
    again = run_import(roster_csv(rows, encoding="gbk"), user=staff, row_path=row_path)
    assert again.unchanged_count == 4 and again.accepted_count == again.merged_count == 0
    assert counts == (User.objects.count(), DigitalIdentity.objects.count(),
                      Membership.objects.count(), Credential.objects.count(),
                      MemberChange.objects.count())  # fmt: skip


@pytest.mark.django_db
def test_the_same_file_twice_is_refused(staff, run_import, union_tree):
    content = roster_csv(PersonFactory.build_batch(2))
    first = run_import(content, user=staff)
    with pytest.raises(ValidationError) as exc:
        roster_import_create(
            user=staff, upload=SimpleUploadedFile("again.csv", content), name="again.csv"
        )
    assert f"批次#{first.pk}" in exc.value.messages[0]
    assert "不会有任何变化" in exc.value.messages[0]
    assert RosterImport.objects.count() == 1


@pytest.mark.django_db
@BOTH_PATHS
def test_a_failure_midway_leaves_nothing(staff, run_import, union_tree, row_path, request):
    _row_path_or_skip(row_path, request)
    rows = PersonFactory.build_batch(5)
    target = "datahub.models.ImportRow.objects.bulk_create" if row_path else None
    if row_path:
        patcher = mock.patch(target, side_effect=RuntimeError("disk full"))
    else:
        from datahub.services.imports import copy_path

        broken = [*copy_path._APPLY_SQL[:-1], "SELECT 1/0"]
        patcher = mock.patch.object(copy_path, "_APPLY_SQL", broken)
    users_before = User.objects.count()
    with patcher:
        result = run_import(roster_csv(rows), user=staff, row_path=row_path)
    assert result.status == "failed"
    assert "已全部撤销" in result.error
    assert User.objects.count() == users_before
    assert not DigitalIdentity.objects.exists()
    assert not Membership.objects.exists()
    assert not MemberChange.objects.exists()
    assert not ImportRow.objects.exists()
    # A failed import does not block a corrected upload of the same file.
    retry = run_import(roster_csv(rows), user=staff, row_path=row_path)
    assert retry.accepted_count == 5


@pytest.mark.postgres
@pytest.mark.django_db
def test_postgres_copy_path_is_used(staff, run_import, union_tree):
    from datahub.services.imports import run

    with mock.patch.object(run, "_apply_rowwise_report", side_effect=AssertionError):
        result = run_import(roster_csv(PersonFactory.build_batch(3)), user=staff)
    assert result.accepted_count == 3


@pytest.mark.postgres
@pytest.mark.django_db
def test_member_id_in_sql_matches_python():
    from django.db import connection

    from datahub.services.imports.copy_path import _member_id_sql

    ids = [1, 9, 10, 42, 1234567, 9999999999]
    with connection.cursor() as cursor:
        sql = f"SELECT {_member_id_sql('n')} FROM unnest(%s::bigint[]) AS n"  # noqa: S608
        cursor.execute(sql, [ids])
        assert [r[0] for r in cursor.fetchall()] == [member_id_for_sequence(i) for i in ids]


@pytest.mark.django_db
def test_xlsx_and_gbk_rosters_import(staff, run_import, union_tree, tmp_path):
    rows = PersonFactory.build_batch(4)
    path = roster_xlsx(rows[:2], tmp_path / "r.xlsx")
    assert run_import(path.read_bytes(), user=staff, name="r.xlsx").accepted_count == 2
    assert run_import(roster_csv(rows[2:], encoding="gbk"), user=staff).accepted_count == 2


@pytest.mark.django_db
def test_bad_files_and_columns_are_refused_before_anything_runs(staff, union_tree):
    from datahub.services.imports import roster_import_start

    with pytest.raises(ValidationError, match="不是可识别的表格"):
        roster_import_create(
            user=staff, upload=SimpleUploadedFile("x.xlsx", b"\x00\x01binary"), name="x.xlsx"
        )
    draft = roster_import_create(
        user=staff,
        upload=SimpleUploadedFile("r.csv", "姓名,电话\n张三,13800000000\n".encode()),
        name="r.csv",
    )
    with pytest.raises(ValidationError, match="缺少必需的列"):
        roster_import_start(roster_import=draft, user=staff, mapping=draft.mapping, run_async=False)
    draft.refresh_from_db()
    assert draft.status == "draft"


@pytest.mark.django_db
def test_only_staff_with_the_region_may_import(union_tree):
    content = SimpleUploadedFile("r.csv", roster_csv(PersonFactory.build_batch(1)))
    with pytest.raises(PermissionDenied):
        roster_import_create(user=UserFactory(), upload=content, name="r.csv")
    other_city = import_staff(region_code="130100")
    from regions.models import Region

    with pytest.raises(PermissionDenied):
        roster_import_create(
            user=other_city, upload=content, name="r.csv", region=Region.objects.get(code="131000")
        )


@pytest.mark.django_db
def test_a_finished_import_is_not_run_twice(staff, run_import, union_tree):
    result = run_import(roster_csv(PersonFactory.build_batch(2)), user=staff)
    again = roster_import_run(import_id=result.pk)
    assert again.status == "done"
    assert ImportRow.objects.filter(roster_import=result).count() == 2
