"""The demo import and exchange client (idempotent), and the datahub_import command."""

from __future__ import annotations

from io import StringIO

import pytest
from allauth.idp.oidc.models import Client
from django.core.management import CommandError, call_command

from datahub.models import ImportRow, RosterImport
from tests.datahub.factories import PersonFactory, roster_csv


@pytest.mark.django_db
def test_demo_import_and_client_are_seeded_once(regions, settings):
    from accounts import demo, demo_membership
    from datahub import demo as datahub_demo

    for module in (demo, demo_membership):
        module.seed(stdout=StringIO())
    out = StringIO()
    datahub_demo.seed(stdout=out)
    roster = RosterImport.objects.get()
    assert (roster.status, roster.accepted_count, roster.rejected_count) == ("done", 8, 4)
    assert roster.region.code == "131000"
    reasons = " ".join(
        ImportRow.objects.filter(roster_import=roster, status="rejected").values_list(
            "reason", flat=True
        )
    )
    assert "校验位" in reasons and "手机号" in reasons and "归集范围" in reasons
    assert "第2行" in reasons  # 张海涛 is listed twice
    assert Client.objects.get(pk="acftu-member-exchange").get_grant_types() == [
        "client_credentials"
    ]
    assert "acftu-member-exchange" in out.getvalue()
    assert "secret not shown" in out.getvalue()  # tests run with DEBUG off
    again = StringIO()
    datahub_demo.seed(stdout=again)
    assert RosterImport.objects.count() == 1
    assert "[exists]" in again.getvalue()


@pytest.mark.django_db
def test_command_imports_and_writes_the_report(staff, union_tree, tmp_path):
    path = tmp_path / "roster.csv"
    path.write_bytes(roster_csv(PersonFactory.build_batch(3)))
    report = tmp_path / "report.csv"
    out = StringIO()
    call_command(
        "datahub_import", str(path), "--user", staff.phone, "--report", str(report), stdout=out
    )
    assert "新增 3" in out.getvalue()
    assert report.read_text(encoding="utf-8-sig").count("新增") == 3
    with pytest.raises(CommandError, match="重复导入"):
        call_command("datahub_import", str(path), "--user", staff.phone, stdout=StringIO())
    from tests.accounts.factories import UserFactory

    member = UserFactory()
    other = tmp_path / "other.csv"
    other.write_bytes(roster_csv(PersonFactory.build_batch(1)))
    with pytest.raises(CommandError, match="无权"):
        call_command("datahub_import", str(other), "--user", member.phone, stdout=StringIO())
