"""Roster files and valid resident ID numbers for datahub tests."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import factory
from stdnum.cn import ric

from accounts.models import Role
from accounts.services.roles import role_assign
from regions.models import Region
from tests.accounts.factories import StaffUserFactory

HEADER = ["姓名", "身份证号", "手机号", "所在地区", "工会", "入会日期", "工作单位"]


def id_number(region: str = "131022", birth: str = "19950312", seq: int = 123) -> str:
    """A valid 18-digit number (check character computed)."""
    body = f"{region}{birth}{seq:03d}"
    return body + ric.calc_check_digit(body + "0")


def bad_checksum(number: str) -> str:
    last = number[-1]
    return number[:-1] + ("0" if last != "0" else "1")


class PersonFactory(factory.DictFactory):
    """One roster row as a dict of the Chinese headers."""

    姓名 = factory.Iterator(["王建国", "李秀英", "张伟", "刘洋", "陈静", "杨帆", "赵磊", "黄敏"])
    身份证号 = factory.Sequence(
        lambda n: id_number(seq=100 + n % 900, birth=f"{1990 + n % 15}0101")
    )
    手机号 = factory.Sequence(lambda n: f"159{n:08d}")
    所在地区 = "131082"
    工会 = "三河市新就业形态联合工会"
    入会日期 = "2023-05-01"
    工作单位 = "三河市顺丰速运营业部"


def roster_csv(
    rows: list[dict], *, encoding: str = "utf-8", header: list[str] | None = None
) -> bytes:
    header = header or HEADER
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    for row in rows:
        writer.writerow([row.get(h, "") for h in header])
    return buffer.getvalue().encode(encoding)


def roster_xlsx(rows: list[dict], path: Path, *, header: list[str] | None = None) -> Path:
    from openpyxl import Workbook

    header = header or HEADER
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append([row.get(h, "") for h in header])
    workbook.save(path)
    return path


def import_staff(*, region_code: str = "131000", **fields):
    """A city union editor allowed to import for ``region_code``."""
    user = StaffUserFactory(**fields)
    role_assign(user=user, role=Role.REGION_EDITOR, region=Region.objects.get(code=region_code))
    return user
