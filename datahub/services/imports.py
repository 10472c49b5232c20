"""数据归集: uploading a member roster, and the one write path that applies it.

What an imported member is in this portal: a ``User`` whose login is the roster's mobile
number (no usable password: they sign in by SMS code), a ``DigitalIdentity`` holding the
name, the AES-GCM encrypted ID number, its HMAC hash, the masked number, the birth date and
a permanent member ID, and, when the row names a union, an active ``Membership`` in it with
its electronic member card. A row whose ID hash (first) or mobile number (then) matches an
existing member is merged into that member: only what is missing is added (the identity, a
membership, the display name); nothing existing is overwritten and a member's union never
changes by import (that is a transfer, 转会).

``roster_import_apply`` is the one write path. On PostgreSQL it is a documented exception
to "row-by-row services": the cleaned rows are streamed into a temporary staging table with
``COPY``, classified in one ``CREATE TABLE … AS SELECT`` (region and union exist and are in
scope, duplicates inside the file, matching), then applied in a few ``INSERT … SELECT``
statements; everything, the report included, in one transaction. Elsewhere (SQLite under
``make run``, and the exchange API's small pushes) ``rows_apply`` does the same row by row
through the ORM. Both give the same outcome for the same rows (tests compare them).
"""

from __future__ import annotations

import datetime
import hashlib
import itertools
import logging
import os
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import crypto
from accounts.models import DigitalIdentity, Membership, UnionOrganization, User
from accounts.permissions import Action, user_can, user_region_paths
from accounts.services.identity import MEMBER_ID_PREFIX, member_id_for_sequence
from accounts.services.wallet import member_card_issue
from datahub.cleaning import CleanRow, RegionResolver, RowCleaner, mapping_validate, union_key
from datahub.models import ImportRow, MemberChange, RosterImport
from datahub.parsing import sheet_detect, sheet_rows
from datahub.services.feed import member_change_record
from datahub.services.messages import fill, import_messages
from regions.models import Region
from regions.selectors import region_tree

logger = logging.getLogger(__name__)

PROGRESS_KEY = "datahub:import:{id}:progress"
PROGRESS_EVERY = 20_000
MAX_UPLOAD_BYTES = 1024 * 1024 * 1024
REPORT_BATCH = 5_000


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
        from core.outbox import outbox_enqueue
        from datahub.tasks import roster_import_run_task

        outbox_enqueue(
            roster_import_run_task,
            args=[locked.pk],
            key=f"datahub.roster_import_run:{locked.pk}",
        )
    return locked


# --- progress ---------------------------------------------------------------------------------


def _progress(roster_import: RosterImport, *, phase: str, processed: int, total: int) -> None:
    """Progress lives in the cache: the import's own transaction is not visible to the page
    that polls until it commits."""
    cache.set(
        PROGRESS_KEY.format(id=roster_import.pk),
        {"phase": phase, "processed": processed, "total": max(total, processed)},
        timeout=24 * 3600,
    )


def _estimate_rows(path: Path, file_format: str) -> int:
    if file_format == "xlsx":
        from openpyxl import load_workbook

        workbook = load_workbook(path, read_only=True)
        try:
            return max((workbook.worksheets[0].max_row or 1) - 1, 0)
        finally:
            workbook.close()
    size = path.stat().st_size
    with path.open("rb") as handle:
        sample = handle.read(256 * 1024)
    lines = sample.count(b"\n") or 1
    return max(int(size / (len(sample) / lines)) - 1, 1)


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


# --- the row-by-row path (SQLite, exchange pushes) ---------------------------------------------


@dataclass
class RowOutcome:
    line: int
    status: str
    reason: str
    user_id: int | None = None
    member_id: str = ""


def _mask(raw: str) -> str:
    return crypto.id_number_mask(raw)[:18] if raw else ""


def rows_apply(
    *,
    rows: Iterable[CleanRow],
    scope: Region,
    source: str,
    source_ref: str,
) -> list[RowOutcome]:
    """Classify and apply cleaned rows one by one through the ORM, with the same rules and
    messages as the set-based path. Call inside ``transaction.atomic``.

    Side effects as ``roster_import_apply``'s, for these rows.
    """
    msg = import_messages()
    nodes = region_tree().nodes
    scope_path = scope.path
    now = timezone.now()
    seen_ids: dict[str, int] = {}
    seen_phones: dict[str, int] = {}
    union_cache: dict[str, tuple[str | None, UnionOrganization | None]] = {}
    outcomes: list[RowOutcome] = []
    rows = list(rows)
    for row in rows:
        if not row.ok:
            outcomes.append(RowOutcome(row.line, ImportRow.Status.REJECTED, "；".join(row.reasons)))
            continue
        node = nodes.get(row.region_code)
        reason = None
        organization = None
        if node is None:
            reason = fill(msg["region_unknown"], code=row.region_code)
        elif not node.path.startswith(scope_path):
            reason = fill(msg["region_out_of_scope"], region=node.name, scope=scope.name)
        elif row.union_key:
            if row.union_key not in union_cache:
                union_cache[row.union_key] = _union_lookup(row, scope, msg)
            reason, organization = union_cache[row.union_key]
        if reason is None:
            id_hash = crypto.id_number_hash(row.id_number)
            first = seen_ids.get(id_hash)
            if first is not None:
                reason = fill(msg["dup_id"], line=first)
            elif row.phone in seen_phones:
                reason = fill(msg["dup_phone"], line=seen_phones[row.phone])
            else:
                seen_ids[id_hash] = row.line
                seen_phones[row.phone] = row.line
        if reason is not None:
            outcomes.append(RowOutcome(row.line, ImportRow.Status.REJECTED, reason))
            continue
        outcomes.append(
            _row_apply(
                row=row,
                id_hash=id_hash,
                organization=organization,
                msg=msg,
                now=now,
                source=source,
                source_ref=source_ref,
            )
        )
    return outcomes


def _unions_by_key(key: str) -> list[UnionOrganization]:
    """Unions whose name is ``key`` once normalised (NFKC, no spaces)."""
    unions = UnionOrganization.objects.select_related("region")
    if connection.vendor == "postgresql":
        return list(
            unions.annotate(
                key=RawSQL("replace(normalize(accounts_unionorganization.name, NFKC), ' ', '')", [])
            ).filter(key=key)[:2]
        )
    # SQLite has no normalize(): compare in Python (the embedded demo is small).
    return [u for u in unions.only("id", "name", "kind", "accepts_applications", "region__path")
            if union_key(u.name) == key][:2]  # fmt: skip


def _union_lookup(
    row: CleanRow, scope: Region, msg: dict[str, str]
) -> tuple[str | None, UnionOrganization | None]:
    name = row.union_name
    matches = _unions_by_key(row.union_key)
    if not matches:
        return fill(msg["union_unknown"], union=name), None
    if len(matches) > 1:
        return fill(msg["union_ambiguous"], union=name), None
    organization = matches[0]
    if not organization.is_joinable:
        return fill(msg["union_not_joinable"], union=name), None
    if not organization.region.path.startswith(scope.path):
        return fill(msg["union_out_of_scope"], union=name, scope=scope.name), None
    return None, organization


def _started_at(row: CleanRow, now: datetime.datetime) -> datetime.datetime:
    if row.joined_on is None:
        return now
    return timezone.make_aware(datetime.datetime.combine(row.joined_on, datetime.time()))


def _row_apply(
    *,
    row: CleanRow,
    id_hash: str,
    organization: UnionOrganization | None,
    msg: dict[str, str],
    now: datetime.datetime,
    source: str,
    source_ref: str,
) -> RowOutcome:
    identity = DigitalIdentity.objects.filter(id_number_hash=id_hash).only("user_id").first()
    phone_user = User.objects.filter(phone=row.phone).first()
    changes: list[tuple[str, int | None]] = []
    notes: list[str] = []
    if identity is not None:
        if phone_user is not None and phone_user.pk != identity.user_id:
            return RowOutcome(row.line, ImportRow.Status.REJECTED, msg["phone_conflict"])
        user = User.objects.select_for_update().get(pk=identity.user_id)
        status = None
    elif phone_user is not None:
        if DigitalIdentity.objects.filter(user_id=phone_user.pk).exists():
            return RowOutcome(row.line, ImportRow.Status.REJECTED, msg["phone_taken"])
        user = User.objects.select_for_update().get(pk=phone_user.pk)
        identity = _identity_create(user=user, row=row, id_hash=id_hash, now=now)
        changes.append((MemberChange.Kind.IDENTITY_ADDED, None))
        notes.append(msg["note_identity"])
        status = None
    else:
        user = User(
            phone=row.phone,
            display_name=row.name,
            password="!datahub" + os.urandom(8).hex(),
            date_joined=now,
        )
        user.save(force_insert=True)
        identity = _identity_create(user=user, row=row, id_hash=id_hash, now=now)
        changes.append((MemberChange.Kind.MEMBER_CREATED, None))
        status = ImportRow.Status.ACCEPTED
    if status is None and not user.display_name:
        user.display_name = row.name
        user.save(update_fields=["display_name"])
        changes.append((MemberChange.Kind.PROFILE_UPDATED, None))
        notes.append(msg["note_name"])
    if organization is not None:
        active = (
            Membership.objects.filter(user=user, status=Membership.Status.ACTIVE)
            .select_related("organization")
            .first()
        )
        if active is None:
            membership = Membership.objects.create(
                user=user,
                organization=organization,
                employer=row.employer,
                employment_form="full_time",
                started_at=_started_at(row, now),
            )
            member_card_issue(membership=membership)
            changes.append((MemberChange.Kind.MEMBERSHIP_STARTED, organization.pk))
            notes.append(fill(msg["note_membership"], union=organization.name))
        elif active.organization_id != organization.pk:
            notes.append(fill(msg["note_membership_kept"], union=active.organization.name))
    if status is None:
        status = ImportRow.Status.MERGED if changes else ImportRow.Status.UNCHANGED
        if not notes:
            notes.append(msg["note_same"])
    for kind, org_id in changes:
        member_change_record(
            user_id=user.pk,
            kind=kind,
            source=source,
            source_ref=source_ref,
            organization_id=org_id,
            at=now,
        )
    return RowOutcome(row.line, status, "；".join(notes), user.pk, identity.member_id or "")


def _identity_create(
    *, user: User, row: CleanRow, id_hash: str, now: datetime.datetime
) -> DigitalIdentity:
    ciphertext, key_id = crypto.id_number_encrypt(row.id_number)
    identity = DigitalIdentity(
        user=user,
        real_name=row.name,
        id_number_ciphertext=ciphertext,
        id_number_hash=id_hash,
        id_number_masked=crypto.id_number_mask(row.id_number),
        key_id=key_id,
        birth_date=row.birth_date,
        verified_at=now,
    )
    identity.save(force_insert=True)
    identity.member_id = member_id_for_sequence(identity.pk)
    identity.save(update_fields=["member_id"])
    return identity


def _report_row(roster_import: RosterImport, row: CleanRow, outcome: RowOutcome) -> ImportRow:
    return ImportRow(
        roster_import=roster_import,
        line=row.line,
        status=outcome.status,
        reason=outcome.reason[:500],
        name=row.name[:50],
        id_number_masked=crypto.id_number_mask(row.id_number)
        if row.id_number
        else _mask(row.raw_id),
        phone=(row.phone or row.raw_phone)[:20],
        region_code=(row.region_code or row.raw_region)[:60],
        union_name=row.union_name[:100],
        user_id=outcome.user_id,
    )


def _apply_rowwise_report(
    *, roster_import: RosterImport, rows: Iterator[CleanRow], scope: Region
) -> tuple[dict[str, int], int]:
    """The slow path: duplicates are found across the whole file, so it is classified in
    one pass over all rows (fine for the sizes SQLite is used with)."""
    all_rows = list(rows)
    outcomes = rows_apply(
        rows=all_rows,
        scope=scope,
        source=MemberChange.Source.IMPORT,
        source_ref=str(roster_import.pk),
    )
    counts: dict[str, int] = {}
    report = []
    for row, outcome in zip(all_rows, outcomes, strict=True):
        counts[outcome.status] = counts.get(outcome.status, 0) + 1
        report.append(_report_row(roster_import, row, outcome))
    ImportRow.objects.bulk_create(report, batch_size=REPORT_BATCH)
    return counts, len(all_rows)


# --- the set-based path (PostgreSQL) ---------------------------------------------------------

_STAGE_COLUMNS = (
    "line",
    "reason",
    "name",
    "id_hash",
    "id_cipher",
    "id_masked",
    "key_id",
    "birth_date",
    "phone",
    "region_code",
    "union_name",
    "union_key",
    "joined_on",
    "employer",
)


_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_text(value: str | None) -> str:
    """A free-text value in COPY's text format (``\\N`` is NULL)."""
    if value is None:
        return "\\N"
    return value.translate(_COPY_ESCAPES)


class _CopyStream:
    """A file-like object ``copy_expert`` reads from, fed by the cleaning generator, so the
    file is never held in memory whole."""

    def __init__(self, lines: Iterator[str]) -> None:
        self._lines = lines
        self._buffer = b""

    def read(self, size: int = -1) -> bytes:
        while size < 0 or len(self._buffer) < size:
            chunk = list(itertools.islice(self._lines, 2000))
            if not chunk:
                break
            self._buffer += "".join(chunk).encode()
        if size < 0:
            data, self._buffer = self._buffer, b""
        else:
            data, self._buffer = self._buffer[:size], self._buffer[size:]
        return data

    readline = read


def _stage_lines(rows: Iterator[CleanRow], counter: list[int]) -> Iterator[str]:
    """One COPY line per row. Codes, digits, hashes and base64 need no escaping; the free
    text (name, union, employer, reasons) does."""
    seal = crypto.id_number_bulk_sealer()
    mask = crypto.id_number_mask
    escaped: dict[str | None, str] = {}

    def text(value: str | None) -> str:
        hit = escaped.get(value)
        if hit is None:
            hit = _copy_text(value)
            if len(escaped) < 100_000:
                escaped[value] = hit
        return hit

    null = "\\N"
    for row in rows:
        counter[0] += 1
        if row.ok:
            cipher, key_id, number_hash = seal(row.id_number)
            yield (
                f"{row.line}\t{null}\t{text(row.name)}\t{number_hash}\t{cipher}\t"
                f"{mask(row.id_number)}\t{key_id}\t{row.birth_date.isoformat()}\t{row.phone}\t"
                f"{row.region_code}\t{text(row.union_name)}\t{text(row.union_key)}\t"
                f"{row.joined_on.isoformat() if row.joined_on else null}\t{text(row.employer)}\n"
            )
        else:
            yield (
                "\t".join(
                    (
                        str(row.line),
                        text("；".join(row.reasons)),
                        text(row.name[:50]),
                        null,
                        null,
                        text(_mask(row.raw_id)),
                        null,
                        null,
                        text((row.phone or row.raw_phone)[:20]),
                        text((row.region_code or row.raw_region)[:60]),
                        text(row.union_name),
                        text(row.union_key),
                        null,
                        text(row.employer),
                    )
                )
                + "\n"
            )


def _member_id_sql(column: str) -> str:
    """``member_id_for_sequence`` in SQL: "13" + 10 digits + the ISO 7064 MOD 11-2
    character. The checksum of a string d1…d12 is Σ di·2^(12-i) mod 11."""
    body = f"('{MEMBER_ID_PREFIX}' || lpad({column}::text, 10, '0'))"
    terms = " + ".join(f"substr({body}, {i + 1}, 1)::int * {2 ** (11 - i)}" for i in range(12))
    check = f"mod(mod(1 - 2 * mod({terms}, 11), 11) + 11, 11)"
    return f"{body} || CASE WHEN {check} = 10 THEN 'X' ELSE {check}::text END"


def _apply_set_based(
    *, roster_import: RosterImport, rows: Iterator[CleanRow], scope: Region
) -> tuple[dict[str, int], int]:
    msg = import_messages()
    counter = [0]
    now = timezone.now()
    params = {
        "scope": scope.path,
        "scope_name": scope.name,
        "now": now,
        "import_id": roster_import.pk,
        "ref": str(roster_import.pk),
        "source": MemberChange.Source.IMPORT,
        "tz": settings.TIME_ZONE,
        **{f"m_{key}": value for key, value in msg.items()},
    }
    with connection.cursor() as cursor:
        # Sorting two million rows for the duplicate checks wants memory, not temp files;
        # a lost commit is re-run from the same file, so it need not wait for the disk.
        cursor.execute("SET LOCAL work_mem = '256MB'")
        cursor.execute("SET LOCAL synchronous_commit = off")
        for name, table in (
            ("user_seq", "accounts_user"),
            ("identity_seq", "accounts_digitalidentity"),
            ("membership_seq", "accounts_membership"),
        ):
            cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
            params[name] = cursor.fetchone()[0]
        cursor.execute(
            """
            CREATE TEMP TABLE datahub_stage (
                line integer NOT NULL, reason text, name text, id_hash text, id_cipher text,
                id_masked text, key_id text, birth_date date, phone text, region_code text,
                union_name text, union_key text, joined_on date, employer text
            ) ON COMMIT DROP
            """
        )
        clock = time.perf_counter()
        raw = cursor.cursor  # psycopg2's own cursor, for COPY
        raw.copy_expert(
            f"COPY datahub_stage ({', '.join(_STAGE_COLUMNS)}) FROM STDIN",
            _CopyStream(_stage_lines(rows, counter)),
            size=1 << 20,
        )
        read = counter[0]
        if read == 0:
            return {}, 0
        clock = _timed("read, clean and COPY", clock, read)
        _progress(roster_import, phase="matching", processed=read, total=read)
        cursor.execute("ANALYZE datahub_stage")
        cursor.execute(_CLASSIFY_SQL.format(), params)
        cursor.execute("ANALYZE datahub_classified")
        clock = _timed("classify", clock, read)
        _progress(roster_import, phase="applying", processed=read, total=read)
        member_id = _member_id_sql("new_identity_id")
        for statement in _APPLY_SQL:
            cursor.execute(statement.format(member_id=member_id), params)
            clock = _timed(" ".join(statement.split()[:3]), clock, cursor.rowcount)
        cursor.execute("SELECT status, count(*) FROM datahub_classified GROUP BY status")
        counts = dict(cursor.fetchall())
        cursor.execute("DROP TABLE datahub_classified")
        cursor.execute("DROP TABLE datahub_stage")
    return counts, read


def _timed(step: str, since: float, rows: int) -> float:
    now = time.perf_counter()
    logger.info("datahub import: %s: %d rows in %.1fs", step, rows, now - since)
    return now


# One statement classifies every row; the reasons are the templates of messages.py filled
# with replace(). nextval() inside CASE runs only for the rows that need a new id.
_CLASSIFY_SQL = """
CREATE TEMP TABLE datahub_classified ON COMMIT DROP AS
WITH orgs AS (
    SELECT replace(normalize(o.name, NFKC), ' ', '') AS key, min(o.id) AS id,
           min(o.name) AS name, count(*) AS n, min(r.path) AS path,
           bool_and(o.kind IN ('grassroots', 'joint', 'industry') AND o.accepts_applications)
               AS joinable
    FROM accounts_unionorganization o
    JOIN regions_region r ON r.id = o.region_id
    WHERE replace(normalize(o.name, NFKC), ' ', '') IN (
        SELECT DISTINCT union_key FROM datahub_stage WHERE union_key <> '')
    GROUP BY 1
),
checked AS (
    SELECT s.*, o.id AS org_id, o.name AS org_name,
        CASE
            WHEN s.reason IS NOT NULL THEN s.reason
            WHEN r.id IS NULL THEN replace(%(m_region_unknown)s, '{{code}}', s.region_code)
            WHEN r.path NOT LIKE %(scope)s || '%%' THEN replace(replace(
                %(m_region_out_of_scope)s, '{{region}}', r.name), '{{scope}}', %(scope_name)s)
            WHEN s.union_key <> '' AND o.name IS NULL
                THEN replace(%(m_union_unknown)s, '{{union}}', s.union_name)
            WHEN o.n > 1 THEN replace(%(m_union_ambiguous)s, '{{union}}', s.union_name)
            WHEN o.name IS NOT NULL AND NOT o.joinable
                THEN replace(%(m_union_not_joinable)s, '{{union}}', s.union_name)
            WHEN o.name IS NOT NULL AND o.path NOT LIKE %(scope)s || '%%' THEN replace(replace(
                %(m_union_out_of_scope)s, '{{union}}', s.union_name), '{{scope}}', %(scope_name)s)
        END AS why
    FROM datahub_stage s
    LEFT JOIN regions_region r ON r.code = s.region_code
    LEFT JOIN orgs o ON o.key = s.union_key
),
ranked AS (
    SELECT c.*,
        min(c.line) FILTER (WHERE c.why IS NULL) OVER (PARTITION BY c.id_hash) AS id_first,
        min(c.line) FILTER (WHERE c.why IS NULL) OVER (PARTITION BY c.phone) AS phone_first
    FROM checked c
),
matched AS (
    SELECT k.*,
        CASE
            WHEN k.why IS NOT NULL THEN k.why
            WHEN k.id_first <> k.line
                THEN replace(%(m_dup_id)s, '{{line}}', k.id_first::text)
            WHEN k.phone_first <> k.line
                THEN replace(%(m_dup_phone)s, '{{line}}', k.phone_first::text)
            WHEN di.user_id IS NOT NULL AND pu.id IS NOT NULL AND pu.id <> di.user_id
                THEN %(m_phone_conflict)s
            WHEN di.user_id IS NULL AND pdi.id IS NOT NULL THEN %(m_phone_taken)s
        END AS final_why,
        coalesce(di.user_id, pu.id) AS existing_user_id,
        di.user_id IS NULL AND pu.id IS NOT NULL AS needs_identity,
        eu.display_name AS existing_name,
        am.organization_id AS active_org_id,
        ao.name AS active_org_name
    FROM ranked k
    LEFT JOIN accounts_digitalidentity di ON di.id_number_hash = k.id_hash AND k.why IS NULL
    LEFT JOIN accounts_user pu ON pu.phone = k.phone AND k.why IS NULL
    LEFT JOIN accounts_digitalidentity pdi ON pdi.user_id = pu.id
    LEFT JOIN accounts_user eu ON eu.id = coalesce(di.user_id, pu.id)
    LEFT JOIN accounts_membership am ON am.user_id = eu.id AND am.status = 'active'
    LEFT JOIN accounts_unionorganization ao ON ao.id = am.organization_id
),
decided AS (
    SELECT m.*,
        m.final_why IS NULL AND m.existing_user_id IS NULL AS is_new,
        m.final_why IS NULL AND m.existing_user_id IS NOT NULL AND m.existing_name = ''
            AS fill_name,
        m.final_why IS NULL AND m.org_id IS NOT NULL AND m.active_org_id IS NULL
            AS new_membership,
        m.final_why IS NULL AND m.org_id IS NOT NULL AND m.active_org_id IS NOT NULL
            AND m.active_org_id <> m.org_id AS membership_kept
    FROM matched m
)
SELECT d.line, d.name, d.id_hash, d.id_cipher, d.id_masked, d.key_id, d.birth_date, d.phone,
    d.region_code, d.union_name, d.joined_on, d.employer, d.org_id, d.org_name,
    d.is_new, d.fill_name, d.new_membership,
    d.final_why IS NULL AND (d.is_new OR d.needs_identity) AS new_identity,
    CASE WHEN d.is_new THEN nextval(%(user_seq)s::regclass)
         ELSE d.existing_user_id END AS user_id,
    CASE WHEN d.final_why IS NULL AND (d.is_new OR d.needs_identity)
         THEN nextval(%(identity_seq)s::regclass)
    END AS new_identity_id,
    CASE WHEN d.new_membership THEN nextval(%(membership_seq)s::regclass)
    END AS new_membership_id,
    CASE
        WHEN d.final_why IS NOT NULL THEN 'rejected'
        WHEN d.is_new THEN 'accepted'
        WHEN d.needs_identity OR d.fill_name OR d.new_membership THEN 'merged'
        ELSE 'unchanged'
    END AS status,
    CASE
        WHEN d.final_why IS NOT NULL THEN d.final_why
        WHEN d.is_new THEN coalesce(CASE WHEN d.new_membership
            THEN replace(%(m_note_membership)s, '{{union}}', d.org_name) END, '')
        ELSE coalesce(nullif(concat_ws('；',
            CASE WHEN d.needs_identity THEN %(m_note_identity)s END,
            CASE WHEN d.fill_name THEN %(m_note_name)s END,
            CASE WHEN d.new_membership
                THEN replace(%(m_note_membership)s, '{{union}}', d.org_name) END,
            CASE WHEN d.membership_kept
                THEN replace(%(m_note_membership_kept)s, '{{union}}', d.active_org_name) END
        ), ''), %(m_note_same)s)
    END AS reason
FROM decided d
"""

_APPLY_SQL = [
    # New members: a login without a usable password (they sign in by SMS code).
    """
    INSERT INTO accounts_user (id, password, last_login, is_superuser, phone, email,
        display_name, is_staff, is_active, date_joined, phone_verified_at, closed_at)
    SELECT user_id, '!datahub' || md5(random()::text), NULL, false, phone, '', name,
        false, true, %(now)s, NULL, NULL
    FROM datahub_classified WHERE status = 'accepted'
    """,
    """
    INSERT INTO accounts_digitalidentity (id, user_id, member_id, real_name,
        id_number_ciphertext, id_number_hash, id_number_masked, key_id, birth_date, verified_at)
    SELECT new_identity_id, user_id, member_id, name, id_cipher, id_hash, id_masked, key_id,
        birth_date, %(now)s
    FROM (SELECT *, {member_id} AS member_id FROM datahub_classified WHERE new_identity) c
    """,
    """
    UPDATE accounts_user u SET display_name = c.name
    FROM datahub_classified c WHERE c.fill_name AND u.id = c.user_id
    """,
    """
    INSERT INTO accounts_membership (id, user_id, organization_id, status, employer,
        occupation, employment_form, started_at, ended_at, end_reason)
    SELECT new_membership_id, user_id, org_id, 'active', coalesce(employer, ''), '', 'full_time',
        coalesce(joined_on::timestamp AT TIME ZONE %(tz)s, %(now)s), NULL, ''
    FROM datahub_classified WHERE new_membership
    """,
    # The electronic member card of every new membership, as membership approval issues it.
    """
    INSERT INTO accounts_credential (user_id, kind, serial, title, issuer, data, source_type,
        source_id, issued_at, expires_at, revoked_at, revoke_reason)
    SELECT user_id, 'member_card',
        upper(substr(replace(gen_random_uuid()::text, '-', ''), 1, 20)),
        '中华全国总工会会员电子会员卡', org_name,
        jsonb_build_object('organization_id', org_id, 'organization', org_name),
        'accounts.membership', new_membership_id::text, %(now)s, NULL, NULL, ''
    FROM datahub_classified WHERE new_membership
    """,
    """
    INSERT INTO datahub_memberchange (txid, user_id, kind, source, source_ref, organization_id,
        created_at)
    SELECT pg_current_xact_id()::text::bigint, user_id, kind, %(source)s, %(ref)s, org, %(now)s
    FROM (
        SELECT line, 1 AS step, user_id, 'member_created' AS kind, NULL::bigint AS org
            FROM datahub_classified WHERE status = 'accepted'
        UNION ALL
        SELECT line, 1, user_id, 'identity_added', NULL
            FROM datahub_classified WHERE status = 'merged' AND new_identity
        UNION ALL
        SELECT line, 2, user_id, 'profile_updated', NULL
            FROM datahub_classified WHERE fill_name
        UNION ALL
        SELECT line, 3, user_id, 'membership_started', org_id
            FROM datahub_classified WHERE new_membership
    ) changes
    """,
    """
    INSERT INTO datahub_importrow (roster_import_id, line, status, reason, name,
        id_number_masked, phone, region_code, union_name, user_id)
    SELECT %(import_id)s, line, status, left(reason, 500), left(coalesce(name, ''), 50),
        coalesce(id_masked, ''), left(coalesce(phone, ''), 20),
        left(coalesce(region_code, ''), 60), left(coalesce(union_name, ''), 100),
        CASE WHEN status <> 'rejected' THEN user_id END
    FROM datahub_classified
    """,
]
