"""Running a queued work-database import: read and clean every row against the declared
schema, then apply on the COPY staging path (PostgreSQL) or row by row (elsewhere), the
report included, in one transaction: a failure leaves nothing behind."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from datahub.cleaning import RegionResolver
from datahub.models import ImportRow, RosterImport
from datahub.parsing import sheet_detect, sheet_rows
from datahub.registry import work_database_get
from datahub.registry.cleaning import SchemaCleaner, WorkRow
from datahub.services.imports.progress import (
    PROGRESS_EVERY,
    PROGRESS_KEY,
    _estimate_rows,
    _progress,
)
from datahub.services.works.copy_path import work_rows_apply_copy
from datahub.services.works.rowwise import work_rows_apply_orm
from regions.selectors import region_tree

logger = logging.getLogger(__name__)


def _rows(work_import: RosterImport, path: Path, *, total: int) -> Iterator[WorkRow]:
    schema = work_database_get(work_import.database)
    tree = region_tree()
    scope = work_import.region.path
    clean = SchemaCleaner(
        database=schema,
        mapping={k: int(v) for k, v in work_import.mapping.items()},
        regions=RegionResolver(tree.nodes),
        in_scope=lambda code: tree.nodes[code].path.startswith(scope),
        today=timezone.localdate(),
    )
    info = sheet_detect(path)
    for count, (line, values) in enumerate(sheet_rows(path, info), start=1):
        yield clean(line, values)
        if count % PROGRESS_EVERY == 0:
            _progress(work_import, phase="reading", processed=count, total=total)


@transaction.atomic
def work_import_apply(*, work_import: RosterImport, row_path: bool | None = None) -> RosterImport:
    """Apply one queued import. New rows are added, rows whose dedupe key exists are updated
    when their values changed and left alone otherwise (so a re-run changes nothing), bad
    rows and repeats inside the file are rejected with a Chinese reason per line."""
    if work_database_get(work_import.database) is None:
        raise ValidationError(_("工作数据库“%(code)s”已不存在。") % {"code": work_import.database})
    path = Path(default_storage.path(work_import.file.name))
    if not path.exists():
        raise ValidationError(_("上传的文件已不存在，请重新上传。"))
    total = _estimate_rows(path, work_import.file_format)
    RosterImport.objects.filter(pk=work_import.pk).update(total_rows=total)
    _progress(work_import, phase="reading", processed=0, total=total)
    rows = _rows(work_import, path, total=total)
    use_sql = connection.vendor == "postgresql" if row_path is None else not row_path
    apply = work_rows_apply_copy if use_sql else work_rows_apply_orm
    counts, read = apply(work_import=work_import, rows=rows)
    if read == 0:
        raise ValidationError(_("文件中没有数据行。"))
    work_import.status = RosterImport.Status.DONE
    work_import.phase = "done"
    work_import.total_rows = work_import.processed_rows = read
    work_import.accepted_count = counts.get(ImportRow.Status.ACCEPTED, 0)
    work_import.merged_count = counts.get(ImportRow.Status.MERGED, 0)
    work_import.unchanged_count = counts.get(ImportRow.Status.UNCHANGED, 0)
    work_import.rejected_count = counts.get(ImportRow.Status.REJECTED, 0)
    work_import.finished_at = timezone.now()
    work_import.error = ""
    work_import.save(
        update_fields=[
            "status", "phase", "total_rows", "processed_rows", "accepted_count",
            "merged_count", "unchanged_count", "rejected_count", "finished_at", "error",
        ]
    )  # fmt: skip
    transaction.on_commit(lambda: cache.delete(PROGRESS_KEY.format(id=work_import.pk)))
    return work_import


def work_import_run(*, import_id: int, row_path: bool | None = None) -> RosterImport | None:
    """The task's body. Idempotent: only a queued import is claimed; a finished, failed or
    running one is returned as it is."""
    claimed = RosterImport.objects.filter(
        pk=import_id, kind=RosterImport.Kind.WORK, status=RosterImport.Status.QUEUED
    ).update(status=RosterImport.Status.RUNNING, started_at=timezone.now(), phase="reading")
    work_import = RosterImport.objects.select_related("region").filter(pk=import_id).first()
    if not claimed or work_import is None:
        return work_import
    try:
        return work_import_apply(work_import=work_import, row_path=row_path)
    except ValidationError as exc:
        message = "；".join(exc.messages)
    except Exception as exc:  # report, never leave it "running"
        logger.exception("datahub work import %s failed", import_id)
        message = _("导入时发生系统错误，已全部撤销，请联系管理员。（%(error)s）") % {
            "error": type(exc).__name__
        }
    RosterImport.objects.filter(pk=import_id).update(
        status=RosterImport.Status.FAILED, error=message[:2000], finished_at=timezone.now()
    )
    cache.delete(PROGRESS_KEY.format(id=import_id))
    work_import.refresh_from_db()
    return work_import
