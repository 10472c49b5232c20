"""Running a queued import: the one write path, ``roster_import_apply``, choosing the COPY
path on PostgreSQL and the row-by-row path elsewhere."""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterator
from pathlib import Path

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from datahub.cleaning import CleanRow, RegionResolver, RowCleaner
from datahub.models import ImportRow, RosterImport
from datahub.parsing import sheet_detect, sheet_rows
from datahub.services.imports.copy_path import _apply_set_based
from datahub.services.imports.progress import (
    PROGRESS_EVERY,
    PROGRESS_KEY,
    _estimate_rows,
    _progress,
)
from datahub.services.imports.rowwise import _apply_rowwise_report
from regions.selectors import region_tree

logger = logging.getLogger(__name__)


# --- running ------------------------------------------------------------------------------------


def roster_import_run(*, import_id: int, row_path: bool | None = None) -> RosterImport | None:
    """Run a queued import (the Celery task's body). Idempotent: a finished or failed import
    is left as it is; a redelivered task finds the import running and leaves it too.

    A failure rolls the whole import back (``roster_import_apply`` is one transaction) and
    marks the import failed with the reason; nothing is half-imported.
    """
    claimed = RosterImport.objects.filter(pk=import_id, status=RosterImport.Status.QUEUED).update(
        status=RosterImport.Status.RUNNING, started_at=timezone.now(), phase="reading"
    )
    roster_import = RosterImport.objects.filter(pk=import_id).first()
    if not claimed or roster_import is None:
        return roster_import
    try:
        return roster_import_apply(roster_import=roster_import, row_path=row_path)
    except ValidationError as exc:
        message = "；".join(exc.messages)
    except Exception as exc:  # report, never leave it "running"
        logger.exception("datahub import %s failed", import_id)
        message = _("导入时发生系统错误，已全部撤销，请联系管理员。（%(error)s）") % {
            "error": type(exc).__name__
        }
    RosterImport.objects.filter(pk=import_id).update(
        status=RosterImport.Status.FAILED, error=message[:2000], finished_at=timezone.now()
    )
    cache.delete(PROGRESS_KEY.format(id=import_id))
    roster_import.refresh_from_db()
    return roster_import


def _clean_rows(
    roster_import: RosterImport, path: Path, *, total: int, today: datetime.date
) -> Iterator[CleanRow]:
    info = sheet_detect(path)
    clean = RowCleaner(
        mapping={k: int(v) for k, v in roster_import.mapping.items()},
        regions=RegionResolver(region_tree().nodes),
        today=today,
    )
    for count, (line, values) in enumerate(sheet_rows(path, info), start=1):
        yield clean(line, values)
        if count % PROGRESS_EVERY == 0:
            _progress(roster_import, phase="reading", processed=count, total=total)


@transaction.atomic
def roster_import_apply(
    *, roster_import: RosterImport, row_path: bool | None = None
) -> RosterImport:
    """Read, clean, classify and apply a roster, and write its report, in one transaction.

    Preconditions: the import's mapping has been validated (``roster_import_start``).
    Side effects: users, identities, memberships, member cards and ``MemberChange`` rows
    for what was accepted or merged; one ``ImportRow`` per data line; the import's counts.
    Re-running the same rows changes nothing (they come back "unchanged").
    """
    path = Path(default_storage.path(roster_import.file.name))
    if not path.exists():
        raise ValidationError(_("上传的文件已不存在，请重新上传。"))
    total = _estimate_rows(path, roster_import.file_format)
    RosterImport.objects.filter(pk=roster_import.pk).update(total_rows=total)
    _progress(roster_import, phase="reading", processed=0, total=total)
    today = timezone.localdate()
    rows = _clean_rows(roster_import, path, total=total, today=today)
    scope = roster_import.region
    use_sql = connection.vendor == "postgresql" if row_path is None else not row_path
    if use_sql:
        counts, read = _apply_set_based(roster_import=roster_import, rows=rows, scope=scope)
    else:
        counts, read = _apply_rowwise_report(roster_import=roster_import, rows=rows, scope=scope)
    if read == 0:
        raise ValidationError(_("文件中没有数据行。"))
    roster_import.status = RosterImport.Status.DONE
    roster_import.phase = "done"
    roster_import.total_rows = read
    roster_import.processed_rows = read
    roster_import.accepted_count = counts.get(ImportRow.Status.ACCEPTED, 0)
    roster_import.merged_count = counts.get(ImportRow.Status.MERGED, 0)
    roster_import.unchanged_count = counts.get(ImportRow.Status.UNCHANGED, 0)
    roster_import.rejected_count = counts.get(ImportRow.Status.REJECTED, 0)
    roster_import.finished_at = timezone.now()
    roster_import.error = ""
    roster_import.save(
        update_fields=[
            "status",
            "phase",
            "total_rows",
            "processed_rows",
            "accepted_count",
            "merged_count",
            "unchanged_count",
            "rejected_count",
            "finished_at",
            "error",
        ]
    )
    transaction.on_commit(lambda: cache.delete(PROGRESS_KEY.format(id=roster_import.pk)))
    return roster_import
