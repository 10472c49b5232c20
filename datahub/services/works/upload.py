"""Taking a file for a work database: the database must be a stored one, the uploader must
import for the region, the file must be new (same SHA-256 as a live import is refused: a
re-run of the same file would change nothing) and must carry every required column."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.permissions import Action, user_can
from core.outbox import outbox_enqueue
from datahub.models import RosterImport
from datahub.parsing import sheet_detect
from datahub.registry import work_database_get
from datahub.registry.cleaning import mapping_for
from datahub.services.imports.upload import _duplicate_error, _store, import_region_default
from regions.models import Region

TASK_NAME = "datahub.tasks.work_import_run_task"


@transaction.atomic
def work_import_create(
    *,
    user: Any,
    database: str,
    upload: Any,
    name: str,
    region: Region | None = None,
    run_async: bool = True,
) -> RosterImport:
    """Store the file, map its columns to the database's fields and queue the import (a
    Celery task by name, after commit; ``run_async=False`` leaves it queued for the caller to
    run with ``work_import_run``).

    Raises ``PermissionDenied`` unless ``user`` may import for ``region`` (default: the top
    of their scope), ``ValidationError`` (Chinese) for an unknown or view-only database, a
    repeated file, an empty or unreadable file or missing required columns.
    """
    schema = work_database_get(database)
    if schema is None:
        raise ValidationError(_("没有名为“%(code)s”的工作数据库。") % {"code": database})
    if schema.is_view:
        raise ValidationError(
            _("“%(name)s”是门户已有数据的视图，不从表格导入。") % {"name": schema.name}
        )
    region = region or import_region_default(user=user)
    if region is None or not user_can(user, Action.DATAHUB_IMPORT, region=region):
        raise PermissionDenied(_("您无权为该地区导入数据。"))
    stored, sha, size = _store(upload, name)
    if not size:
        raise ValidationError(_("文件是空的。"), code="empty")
    existing = (
        RosterImport.objects.filter(
            kind=RosterImport.Kind.WORK, file_sha256=sha, status__in=RosterImport.LIVE_STATUSES
        )
        .order_by("pk")
        .first()
    )
    if existing is not None:
        raise _duplicate_error(existing)
    info = sheet_detect(default_storage.path(stored))
    mapping = mapping_for(schema, info.headers)
    work_import = RosterImport.objects.create(
        kind=RosterImport.Kind.WORK,
        database=schema.code,
        region=region,
        file=stored,
        original_name=Path(name).name[:255] or schema.name,
        file_sha256=sha,
        file_format=info.file_format,
        encoding=info.encoding,
        headers=info.headers,
        mapping=mapping,
        status=RosterImport.Status.QUEUED,
        created_by=user if getattr(user, "is_authenticated", False) else None,
    )
    if run_async:
        # By name: services never import tasks.
        outbox_enqueue(
            TASK_NAME, args=[work_import.pk], key=f"datahub.work_import_run:{work_import.pk}"
        )
    return work_import
