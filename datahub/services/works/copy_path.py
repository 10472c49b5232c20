"""The COPY staging path for work databases (PostgreSQL): the cleaned rows stream into a
temporary table with ``COPY``, repeats inside the file are found with one window, and one
``INSERT … ON CONFLICT DO UPDATE … WHERE changed`` adds new rows and updates changed ones;
the rejected lines' report is one ``INSERT … SELECT``. All inside the caller's transaction."""

from __future__ import annotations

import time
from collections.abc import Iterator

from django.db import connection
from django.utils import timezone

from datahub.models import ImportRow, RosterImport, WorkRecord
from datahub.registry.cleaning import WorkRow
from datahub.services.imports.copy_path import _copy_text, _CopyStream, _timed
from datahub.services.imports.progress import _progress
from datahub.services.works.rowwise import duplicate_message
from regions.models import Region


def _stage_lines(rows: Iterator[WorkRow], counter: list[int]) -> Iterator[str]:
    null = "\\N"
    for row in rows:
        counter[0] += 1
        if row.ok:
            yield (
                f"{row.line}\t{null}\t{row.key}\t{row.region_code or null}\t"
                f"{_copy_text(row.data_json())}\n"
            )
        else:
            reason = _copy_text("；".join(row.reasons)[:500])
            yield f"{row.line}\t{reason}\t{null}\t{null}\t{null}\n"


_CLASSIFY_SQL = """
CREATE TEMP TABLE datahub_work_classified ON COMMIT DROP AS
SELECT s.line, s.key, s.data, r.id AS region_id,
       CASE WHEN s.reason IS NOT NULL THEN s.reason
            WHEN s.line <> min(s.line) OVER (PARTITION BY s.key)
            THEN replace(%(dup)s, '{line}', (min(s.line) OVER (PARTITION BY s.key))::text)
       END AS reason
FROM datahub_work_stage s
LEFT JOIN {region_table} r ON r.code = s.region_code
"""

_UPSERT_SQL = """
WITH up AS (
    INSERT INTO {record_table} AS w
        (database, key, region_id, data, source_import_id, source_line, created_at, updated_at)
    SELECT %(db)s, key, region_id, data, %(import_id)s, line, %(now)s, %(now)s
    FROM datahub_work_classified WHERE reason IS NULL
    ON CONFLICT (database, key) DO UPDATE SET
        data = EXCLUDED.data, region_id = EXCLUDED.region_id,
        source_import_id = EXCLUDED.source_import_id, source_line = EXCLUDED.source_line,
        updated_at = EXCLUDED.updated_at
    WHERE w.data IS DISTINCT FROM EXCLUDED.data OR w.region_id IS DISTINCT FROM EXCLUDED.region_id
    RETURNING (xmax = 0) AS fresh
)
SELECT count(*) FILTER (WHERE fresh), count(*) FILTER (WHERE NOT fresh) FROM up
"""

_REPORT_SQL = """
INSERT INTO {row_table}
    (roster_import_id, line, status, reason, name, id_number_masked, phone, region_code,
     union_name, user_id)
SELECT %(import_id)s, line, 'rejected', left(reason, 500), '', '', '', '', '', NULL
FROM datahub_work_classified WHERE reason IS NOT NULL
"""


def work_rows_apply_copy(
    *, work_import: RosterImport, rows: Iterator[WorkRow]
) -> tuple[dict[str, int], int]:
    counter = [0]
    tables = {
        "region_table": Region._meta.db_table,
        "record_table": WorkRecord._meta.db_table,
        "row_table": ImportRow._meta.db_table,
    }
    params = {
        "db": work_import.database,
        "import_id": work_import.pk,
        "now": timezone.now(),
        "dup": duplicate_message("{line}"),
    }
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL work_mem = '256MB'")
        cursor.execute("SET LOCAL synchronous_commit = off")
        cursor.execute(
            "CREATE TEMP TABLE datahub_work_stage (line integer NOT NULL, reason text, key text,"
            " region_code text, data jsonb) ON COMMIT DROP"
        )
        clock = time.perf_counter()
        cursor.cursor.copy_expert(
            "COPY datahub_work_stage (line, reason, key, region_code, data) FROM STDIN",
            _CopyStream(_stage_lines(rows, counter)),
            size=1 << 20,
        )
        read = counter[0]
        if read == 0:
            return {}, 0
        clock = _timed("work: read, clean and COPY", clock, read)
        _progress(work_import, phase="applying", processed=read, total=read)
        cursor.execute(_CLASSIFY_SQL.replace("{region_table}", tables["region_table"]), params)
        clock = _timed("work: classify", clock, read)
        cursor.execute(_UPSERT_SQL.replace("{record_table}", tables["record_table"]), params)
        fresh, changed = cursor.fetchone()
        clock = _timed("work: upsert", clock, fresh + changed)
        cursor.execute(_REPORT_SQL.replace("{row_table}", tables["row_table"]), params)
        rejected = cursor.rowcount
        _timed("work: report", clock, rejected)
        cursor.execute("DROP TABLE datahub_work_classified")
        cursor.execute("DROP TABLE datahub_work_stage")
    good = read - rejected
    return {
        ImportRow.Status.ACCEPTED: fresh,
        ImportRow.Status.MERGED: changed,
        ImportRow.Status.UNCHANGED: good - fresh - changed,
        ImportRow.Status.REJECTED: rejected,
    }, read
