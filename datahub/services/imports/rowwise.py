"""The row-by-row path (SQLite, exchange pushes): ``rows_apply`` through the ORM, the same
outcome the COPY path gives for the same rows."""

from __future__ import annotations

import datetime
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.db import connection
from django.db.models.expressions import RawSQL
from django.utils import timezone

from accounts import crypto
from accounts.models import DigitalIdentity, Membership, UnionOrganization, User
from accounts.services.identity import member_id_for_sequence
from accounts.services.wallet import member_card_issue
from datahub.cleaning import CleanRow, union_key
from datahub.models import ImportRow, MemberChange, RosterImport
from datahub.services.feed import member_change_record
from datahub.services.messages import fill, import_messages
from regions.models import Region
from regions.selectors import region_tree

REPORT_BATCH = 5_000


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
