"""The downloadable import report: every data line with its result and reason (CSV,
streamed), or the same as an Excel sheet (capped at Excel's row limit)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from django.utils.translation import gettext as _

from datahub.models import ImportRow, RosterImport
from datahub.selectors import import_rows

XLSX_MAX_ROWS = 1_048_575  # Excel's limit, less the header


def report_header() -> list[str]:
    return [
        _("行号"),
        _("结果"),
        _("原因或说明"),
        _("姓名"),
        _("身份证号（脱敏）"),
        _("手机号"),
        _("地区"),
        _("工会"),
    ]


def _values(row: ImportRow, labels: dict[str, str]) -> list:
    return [
        row.line,
        labels.get(row.status, row.status),
        row.reason,
        row.name,
        row.id_number_masked,
        row.phone,
        row.region_code,
        row.union_name,
    ]


def _safe(value):
    # A cell starting with = + - @ would run as a formula in Excel (CSV injection).
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


def report_csv_lines(*, roster_import: RosterImport, status: str | None = None) -> Iterator[str]:
    labels = {key: str(label) for key, label in ImportRow.Status.choices}
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write("\ufeff")  # Excel opens UTF-8 CSV with Chinese correctly only with a BOM
    writer.writerow(report_header())
    rows = import_rows(roster_import=roster_import, status=status)
    for count, row in enumerate(rows.iterator(chunk_size=5000), start=1):
        writer.writerow([_safe(v) for v in _values(row, labels)])
        if count % 1000 == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def report_xlsx(*, roster_import: RosterImport, status: str | None = None) -> bytes:
    from openpyxl import Workbook

    labels = {key: str(label) for key, label in ImportRow.Status.choices}
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("导入结果"))
    sheet.append(report_header())
    rows = import_rows(roster_import=roster_import, status=status)
    for count, row in enumerate(rows.iterator(chunk_size=5000), start=1):
        if count > XLSX_MAX_ROWS:
            sheet.append([_("超过 Excel 行数上限，其余行请下载 CSV 报告。")])
            break
        sheet.append([_safe(v) for v in _values(row, labels)])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
