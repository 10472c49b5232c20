"""Reading an uploaded roster: xlsx (openpyxl, read-only, streamed) or CSV in UTF-8 or GBK.

The format is decided by the file's first bytes, never by its name: a zip that is an
Office Open XML workbook is xlsx, an OLE2 file is an old .xls (refused with advice), text
that decodes as UTF-8 or GB18030 (a superset of GBK) is CSV, anything else is refused.
"""

from __future__ import annotations

import codecs
import csv
import datetime
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

SNIFF_BYTES = 64 * 1024
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

csv.field_size_limit(1 << 20)


@dataclass(frozen=True)
class SheetInfo:
    file_format: str  # "xlsx" or "csv"
    encoding: str  # CSV only
    headers: list[str]


def _not_a_sheet() -> ValidationError:
    return ValidationError(
        _("文件不是可识别的表格：请上传 Excel（.xlsx）或 CSV（UTF-8 或 GBK 编码）文件。"),
        code="not_a_spreadsheet",
    )


def _detect_encoding(head: bytes) -> str:
    if head.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    if b"\x00" in head:
        raise _not_a_sheet()
    for encoding in ("utf-8", "gb18030"):
        try:
            # A chunk may end inside a character: decode incrementally, not final.
            codecs.getincrementaldecoder(encoding)().decode(head, final=False)
            return encoding
        except UnicodeDecodeError:
            continue
    raise _not_a_sheet()


def sheet_detect(path: str | Path) -> SheetInfo:
    """The format, encoding and header row of a roster file; raises ``ValidationError``
    (Chinese) for a file that is not a spreadsheet or has no header."""
    path = Path(path)
    with path.open("rb") as handle:
        head = handle.read(SNIFF_BYTES)
    if not head.strip():
        raise ValidationError(_("文件是空的。"), code="empty")
    if head.startswith(_OLE2):
        raise ValidationError(
            _("不支持旧版 Excel（.xls）文件，请在 Excel 中另存为 .xlsx 或 CSV 后再上传。"),
            code="old_xls",
        )
    if head.startswith(b"PK\x03\x04"):
        headers = _xlsx_headers(path)
        return SheetInfo(file_format="xlsx", encoding="", headers=headers)
    encoding = _detect_encoding(head)
    with path.open("r", encoding=encoding, newline="") as handle:
        reader = csv.reader(handle)
        try:
            headers = next(reader, None)
        except (csv.Error, UnicodeDecodeError):
            raise _not_a_sheet() from None
    if not headers or not any(h.strip() for h in headers):
        raise ValidationError(_("文件第一行应为表头（如：姓名、身份证号、手机号）。"))
    return SheetInfo(file_format="csv", encoding=encoding, headers=[h.strip() for h in headers])


def _open_workbook(path: Path):
    from openpyxl import load_workbook

    try:
        return load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError):
        raise _not_a_sheet() from None


def _xlsx_headers(path: Path) -> list[str]:
    workbook = _open_workbook(path)
    try:
        sheet = workbook.worksheets[0]
        for values in sheet.iter_rows(values_only=True):
            if values and any(v not in (None, "") for v in values):
                return [cell_text(v) for v in values]
    finally:
        workbook.close()
    raise ValidationError(_("表格是空的。"), code="empty")


def cell_text(value: Any) -> Any:
    """A cell as the text a person typed: 13800000001.0 → "13800000001"; dates stay dates
    (the date parser takes them as they are)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime | datetime.date):
        return value
    return str(value)


def sheet_rows(path: str | Path, info: SheetInfo) -> Iterator[tuple[int, list[Any]]]:
    """``(line number, values)`` of every non-empty data row after the header; the line is
    the one a person sees in Excel (the header is line 1)."""
    path = Path(path)
    if info.file_format == "xlsx":
        workbook = _open_workbook(path)
        try:
            rows = workbook.worksheets[0].iter_rows(values_only=True)
            header_seen = False
            for line, values in enumerate(rows, start=1):
                if not values or all(v in (None, "") for v in values):
                    continue
                if not header_seen:
                    header_seen = True
                    continue
                yield line, [cell_text(v) for v in values]
        finally:
            workbook.close()
        return
    with path.open("r", encoding=info.encoding, newline="") as handle:
        reader = csv.reader(handle)
        try:
            next(reader, None)
            for values in reader:
                if values and any(v.strip() for v in values):
                    yield reader.line_num, values
        except UnicodeDecodeError:
            raise ValidationError(
                _("文件第%(line)d行附近的文字编码无法识别，请统一保存为 UTF-8 或 GBK。")
                % {"line": reader.line_num + 1}
            ) from None
        except csv.Error as exc:
            raise ValidationError(
                _("CSV 第%(line)d行格式错误：%(error)s。") % {"line": reader.line_num, "error": exc}
            ) from None
