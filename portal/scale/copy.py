"""COPY rows into a model's table from a generated CSV stream (PostgreSQL only).

``copy_rows(Model, ["id", "user_id", ...], rows)`` names its columns explicitly and fills
every other concrete column of the model from the model itself: the field's ``default`` (or
``now`` for ``auto_now``/``auto_now_add``), NULL where the field is nullable, and nothing at
all where the field has a ``db_default`` (the database fills it). A NOT NULL column with
neither is an error naming the field, so a column added later by another module is reported
instead of silently breaking the load.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.db import connection, models
from django.db.models import NOT_PROVIDED
from django.utils import timezone

#: Rows per COPY statement: big enough to amortise the round trip, small enough that one
#: statement's deferred foreign-key checks stay cheap in memory.
CHUNK_ROWS = 50_000
NULL = r"\N"


def to_text(value: Any) -> str:
    """One value as PostgreSQL's CSV COPY reads it (NULL is ``\\N``)."""
    if value is None:
        return NULL
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, int | float | Decimal | str):
        return str(value)
    raise TypeError(f"cannot COPY {type(value).__name__}: {value!r}")


def _filled_columns(model: type[models.Model], given: Sequence[str]) -> dict[str, str]:
    """Columns the caller did not give → their constant text value."""
    named = set(given)
    now = timezone.now()
    extra: dict[str, str] = {}
    for field in model._meta.concrete_fields:
        if field.attname in named or field.column in named:
            continue
        if getattr(field, "generated", False):
            continue  # the database computes it
        if field.primary_key:
            raise ValueError(f"{model.__name__}: give '{field.attname}' explicitly")
        if getattr(field, "db_default", NOT_PROVIDED) is not NOT_PROVIDED:
            continue  # the database fills it
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            extra[field.column] = to_text(now)
        elif field.has_default():
            extra[field.column] = to_text(field.get_default())
        elif field.null:
            extra[field.column] = NULL
        elif field.blank and field.empty_strings_allowed:
            extra[field.column] = ""
        else:
            raise ValueError(
                f"{model.__name__}.{field.name} is NOT NULL without a default: give it in the "
                "seed_scale generator"
            )
    return extra


def copy_rows(
    model: type[models.Model],
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    chunk_rows: int = CHUNK_ROWS,
) -> int:
    """COPY ``rows`` (tuples in the order of ``columns``, attnames such as ``user_id``) into
    the model's table, committing chunk by chunk. Returns the number of rows written."""
    fields = {f.attname: f.column for f in model._meta.concrete_fields}
    db_columns = [fields.get(name, name) for name in columns]
    extra = _filled_columns(model, columns)
    all_columns = [*db_columns, *extra]
    constant = list(extra.values())
    column_list = ", ".join(f'"{c}"' for c in all_columns)
    sql = (
        f'COPY "{model._meta.db_table}" ({column_list}) '
        f"FROM STDIN WITH (FORMAT csv, NULL '{NULL}')"
    )
    total = 0
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    pending = 0

    def flush() -> None:
        nonlocal buffer, writer, pending
        if not pending:
            return
        buffer.seek(0)
        with connection.cursor() as cursor:
            cursor.cursor.copy_expert(sql, buffer)
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        pending = 0

    for row in rows:
        writer.writerow([*(to_text(v) for v in row), *constant])
        pending += 1
        total += 1
        if pending >= chunk_rows:
            flush()
    flush()
    return total


def next_id(model: type[models.Model]) -> int:
    """The first free primary key: rows are COPied with explicit ids so that children can
    reference them without reading them back."""
    table = model._meta.db_table
    with connection.cursor() as cursor:
        # Table names come from the models, never from input.
        cursor.execute(f'SELECT COALESCE(MAX("id"), 0) + 1 FROM "{table}"')  # noqa: S608
        return cursor.fetchone()[0]


def reset_sequences(*model_list: type[models.Model]) -> None:
    """Move each table's id sequence past the COPied ids, so ordinary inserts keep working."""
    with connection.cursor() as cursor:
        for model in model_list:
            table = model._meta.db_table
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "  # noqa: S608
                f'COALESCE((SELECT MAX("id") FROM "{table}"), 0) + 1, false)'
            )
