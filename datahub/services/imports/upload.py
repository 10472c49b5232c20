"""Taking an uploaded roster: storing it under its hash, refusing a repeat, the draft and
its column mapping, and queueing the run (by task name through the outbox)."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.permissions import Action, user_can, user_region_paths
from core.outbox import outbox_enqueue
from datahub.cleaning import mapping_validate
from datahub.models import RosterImport
from datahub.parsing import sheet_detect
from regions.models import Region

MAX_UPLOAD_BYTES = 1024 * 1024 * 1024


# --- upload -----------------------------------------------------------------------------------


def import_region_default(*, user: Any) -> Region | None:
    """The top of the user's import scope (their first region grant)."""
    paths = user_region_paths(user, Action.DATAHUB_IMPORT)
    if not paths:
        return None
    if paths == [""]:
        return Region.objects.get(code=settings.PORTAL_DEFAULT_REGION_CODE)
    code = paths[0].rstrip("/").rsplit("/", 1)[-1]
    return Region.objects.get(code=code)


def _store(upload: Any, name: str) -> tuple[str, str, int]:
    """Save the upload under its content hash; returns (storage name, sha256, size)."""
    digest = hashlib.sha256()
    size = 0
    chunks = (
        upload.chunks() if hasattr(upload, "chunks") else iter(lambda: upload.read(1 << 20), b"")
    )
    media = Path(settings.MEDIA_ROOT)
    tmp_path = media / "datahub" / "tmp" / os.urandom(8).hex()
    tmp_path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with tmp_path.open("wb") as out:
            for chunk in chunks:
                size += len(chunk)
                if size > MAX_UPLOAD_BYTES:
                    raise ValidationError(_("文件超过1GB，请拆分后上传。"))
                digest.update(chunk)
                out.write(chunk)
        sha = digest.hexdigest()
        suffix = "".join(c for c in Path(name).suffix.lower()[:8] if c.isalnum() or c == ".")
        final = f"datahub/{sha[:2]}/{sha}{suffix}"
        final_path = media / final
        final_path.parent.mkdir(parents=True, exist_ok=True)
        os.replace(tmp_path, final_path)
    finally:
        tmp_path.unlink(missing_ok=True)
    return final, sha, size


def _duplicate_error(existing: RosterImport) -> ValidationError:
    return ValidationError(
        _(
            "该文件已于%(when)s上传（批次#%(id)d，%(status)s），同一文件重复导入不会有任何变化。"
            "如需更正，请修改文件后再上传。"
        )
        % {
            "when": timezone.localtime(existing.created_at).strftime("%Y-%m-%d %H:%M"),
            "id": existing.pk,
            "status": existing.get_status_display(),
        },
        code="duplicate_file",
    )


@transaction.atomic
def roster_import_create(
    *,
    user: Any,
    upload: Any,
    name: str,
    region: Region | None = None,
    kind: str = RosterImport.Kind.MEMBERS,
) -> RosterImport:
    """Take an uploaded roster: store it, refuse a file uploaded before (same SHA-256 and
    not failed) or one that is not a spreadsheet, read its header and suggest the column
    mapping. Returns a draft to be confirmed with ``roster_import_start``.

    Raises ``PermissionDenied`` unless ``user`` may import for ``region`` (default: the top
    of their scope) and ``ValidationError`` (Chinese) for bad files.
    """
    region = region or import_region_default(user=user)
    if region is None or not user_can(user, Action.DATAHUB_IMPORT, region=region):
        raise PermissionDenied(_("您无权为该地区导入数据。"))
    stored, sha, size = _store(upload, name)
    if not size:
        raise ValidationError(_("文件是空的。"), code="empty")
    existing = (
        RosterImport.objects.filter(
            kind=kind, file_sha256=sha, status__in=RosterImport.LIVE_STATUSES
        )
        .order_by("pk")
        .first()
    )
    if existing is not None:
        raise _duplicate_error(existing)
    info = sheet_detect(default_storage.path(stored))
    from datahub.cleaning import mapping_suggest

    roster_import = RosterImport.objects.create(
        kind=kind,
        region=region,
        file=stored,
        original_name=Path(name).name[:255] or "roster",
        file_sha256=sha,
        file_format=info.file_format,
        encoding=info.encoding,
        headers=info.headers,
        mapping=mapping_suggest(info.headers),
        created_by=user if getattr(user, "is_authenticated", False) else None,
    )
    return roster_import


@transaction.atomic
def roster_import_start(
    *, roster_import: RosterImport, user: Any, mapping: dict[str, Any], run_async: bool = True
) -> RosterImport:
    """Confirm the column mapping of a draft and queue the import (a Celery task after
    commit). Raises ``ValidationError`` for missing required columns or a non-draft."""
    locked = RosterImport.objects.select_for_update().get(pk=roster_import.pk)
    if not user_can(user, Action.DATAHUB_IMPORT, region=locked.region):
        raise PermissionDenied(_("您无权为该地区导入数据。"))
    if locked.status != RosterImport.Status.DRAFT:
        raise ValidationError(
            _("该批次%(status)s，不能再修改列对应。") % {"status": locked.get_status_display()}
        )
    locked.mapping = mapping_validate(mapping, column_count=len(locked.headers))
    locked.status = RosterImport.Status.QUEUED
    locked.save(update_fields=["mapping", "status"])
    if run_async:
        # By the task's name: services never import tasks (tasks import services).
        outbox_enqueue(
            "datahub.tasks.roster_import_run_task",
            args=[locked.pk],
            key=f"datahub.roster_import_run:{locked.pk}",
        )
    return locked
