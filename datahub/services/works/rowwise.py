"""The row-by-row path (SQLite under ``make run``, small files): the same outcome the COPY
path gives for the same rows (tests compare them)."""

from __future__ import annotations

from collections.abc import Iterator

from django.utils import timezone
from django.utils.translation import gettext as _

from datahub.models import ImportRow, RosterImport, WorkRecord
from datahub.registry.cleaning import WorkRow
from datahub.services.imports.progress import _progress
from regions.models import Region

BATCH = 1000


def _report(work_import: RosterImport, line: int, reason: str) -> ImportRow:
    return ImportRow(
        roster_import=work_import, line=line, status=ImportRow.Status.REJECTED, reason=reason[:500]
    )


def duplicate_message(first_line: int) -> str:
    return _("与第%(line)s行重复（去重键相同），只导入第一行。") % {"line": first_line}


def work_rows_apply_orm(
    *, work_import: RosterImport, rows: Iterator[WorkRow]
) -> tuple[dict[str, int], int]:
    counts = dict.fromkeys(ImportRow.Status.values, 0)
    region_ids = dict(Region.objects.values_list("code", "pk"))
    first_line: dict[str, int] = {}
    good: list[WorkRow] = []
    reports: list[ImportRow] = []
    read = 0
    for row in rows:
        read += 1
        if not row.ok:
            reports.append(_report(work_import, row.line, "；".join(row.reasons)))
        elif row.key in first_line:
            reports.append(_report(work_import, row.line, duplicate_message(first_line[row.key])))
        else:
            first_line[row.key] = row.line
            good.append(row)
    counts[ImportRow.Status.REJECTED] = len(reports)
    _progress(work_import, phase="applying", processed=read, total=read)
    now = timezone.now()
    for start in range(0, len(good), BATCH):
        batch = good[start : start + BATCH]
        existing = {
            record.key: record
            for record in WorkRecord.objects.filter(
                database=work_import.database, key__in=[r.key for r in batch]
            )
        }
        fresh, changed = [], []
        for row in batch:
            region_id = region_ids.get(row.region_code) if row.region_code else None
            record = existing.get(row.key)
            if record is None:
                fresh.append(
                    WorkRecord(
                        database=work_import.database,
                        key=row.key,
                        region_id=region_id,
                        data=row.data,
                        source_import=work_import,
                        source_line=row.line,
                        created_at=now,
                        updated_at=now,
                    )
                )
            elif record.data != row.data or record.region_id != region_id:
                record.data, record.region_id = row.data, region_id
                record.source_import, record.source_line = work_import, row.line
                record.updated_at = now
                changed.append(record)
        WorkRecord.objects.bulk_create(fresh)
        WorkRecord.objects.bulk_update(
            changed, ["data", "region", "source_import", "source_line", "updated_at"]
        )
        counts[ImportRow.Status.ACCEPTED] += len(fresh)
        counts[ImportRow.Status.MERGED] += len(changed)
        counts[ImportRow.Status.UNCHANGED] += len(batch) - len(fresh) - len(changed)
    ImportRow.objects.bulk_create(reports, batch_size=BATCH)
    return counts, read
