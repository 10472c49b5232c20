"""The set-based path (PostgreSQL): COPY into a staging table, classify in one statement,
apply in a few ``INSERT … SELECT``; the report included, in one transaction."""

from __future__ import annotations

import itertools
import logging
import time
from collections.abc import Iterator

from django.conf import settings
from django.db import connection
from django.utils import timezone

from accounts import crypto
from accounts.services.identity import MEMBER_ID_PREFIX
from datahub.cleaning import CleanRow
from datahub.models import MemberChange, RosterImport
from datahub.services.imports.progress import _progress
from datahub.services.imports.rowwise import _mask
from datahub.services.messages import import_messages
from regions.models import Region

logger = logging.getLogger(__name__)


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
