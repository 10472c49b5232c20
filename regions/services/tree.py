"""Writes for regions: loading the administrative tree from the data file in the repo."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from regions.models import Region

LEVEL_ORDER = [Region.Level.COUNTRY, Region.Level.PROVINCE, Region.Level.CITY, Region.Level.COUNTY]
FIELDS = ("code", "name", "short_name", "level", "parent_code", "slug", "lat", "lon")


@dataclass(frozen=True)
class RegionImportResult:
    created: int
    updated: int
    unchanged: int

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged


def _read_rows(path: Path) -> list[tuple[int, dict[str, str]]]:
    with path.open(encoding="utf-8", newline="") as handle:
        numbered = [
            (number, line)
            for number, line in enumerate(handle, start=1)
            if line.strip() and not line.startswith("#")
        ]
    if not numbered:
        raise ValidationError(_("地区数据文件为空。"))
    reader = csv.DictReader(line for _number, line in numbered)
    if tuple(reader.fieldnames or ()) != FIELDS:
        raise ValidationError(_("地区数据文件表头应为：%(fields)s") % {"fields": ",".join(FIELDS)})
    return [(number, row) for (number, _line), row in zip(numbered[1:], reader, strict=True)]


def _coordinate(value: str, *, line: int, name: str) -> Decimal:
    try:
        return Decimal(value).quantize(Decimal("0.0001"))
    except (InvalidOperation, ValueError):
        raise ValidationError(
            _("第%(line)d行：%(name)s“%(value)s”不是有效数字。")
            % {"line": line, "name": name, "value": value}
        ) from None


@transaction.atomic
def region_import_from_csv(*, path: Path) -> RegionImportResult:
    """Create or update every region in the file; idempotent.

    Rows are applied root first so each parent exists before its children. Regions missing
    from the file are left alone (they may be referenced). Any bad row raises
    ``ValidationError`` naming its line, and nothing is saved.
    """
    rows = _read_rows(path)
    existing = {region.code: region for region in Region.objects.all()}
    by_code: dict[str, Region] = dict(existing)
    created = updated = unchanged = 0
    seen: set[str] = set()

    def level_rank(item: tuple[int, dict[str, str]]) -> tuple[int, str]:
        level = item[1]["level"]
        rank = LEVEL_ORDER.index(level) if level in LEVEL_ORDER else len(LEVEL_ORDER)
        return rank, item[1]["code"]

    for line, row in sorted(rows, key=level_rank):
        code = row["code"].strip()
        if code in seen:
            raise ValidationError(
                _("第%(line)d行：区划代码 %(code)s 重复。") % {"line": line, "code": code}
            )
        seen.add(code)
        if row["level"] not in LEVEL_ORDER:
            raise ValidationError(
                _("第%(line)d行：未知级别“%(level)s”。") % {"line": line, "level": row["level"]}
            )
        parent = None
        if row["parent_code"]:
            parent = by_code.get(row["parent_code"])
            if parent is None:
                raise ValidationError(
                    _("第%(line)d行：上级代码 %(parent)s 不存在。")
                    % {"line": line, "parent": row["parent_code"]}
                )
        values = {
            "name": row["name"].strip(),
            "short_name": row["short_name"].strip(),
            "level": row["level"],
            "parent": parent,
            "slug": row["slug"].strip(),
            "latitude": _coordinate(row["lat"], line=line, name=_("纬度")),
            "longitude": _coordinate(row["lon"], line=line, name=_("经度")),
            "path": (parent.path if parent else "") + code + "/",
        }
        region = existing.get(code)
        if region is None:
            region = Region(code=code, **values)
            created += 1
        elif all(getattr(region, field) == value for field, value in values.items()):
            by_code[code] = region
            unchanged += 1
            continue
        else:
            for field, value in values.items():
                setattr(region, field, value)
            updated += 1
        try:
            region.full_clean(validate_unique=False, validate_constraints=False)
        except ValidationError as exc:
            raise ValidationError(
                _("第%(line)d行：%(errors)s") % {"line": line, "errors": "；".join(exc.messages)}
            ) from None
        if region.pk is None:
            region.save(force_insert=True)
        else:
            region.save(update_fields=list(values))
        by_code[code] = region
    return RegionImportResult(created=created, updated=updated, unchanged=unchanged)
