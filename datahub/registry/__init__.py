"""The registry of work databases (数智中台的重点工作数据库): each one a declared schema in
``declarations``; ``fields`` turns a schema into a row cleaner with Chinese messages."""

from __future__ import annotations

from datahub.registry.declarations import DATABASES
from datahub.registry.schema import FieldSpec, Rule, ViewSource, WorkDatabase

_BY_CODE: dict[str, WorkDatabase] = {}
for _database in DATABASES:
    if _database.code in _BY_CODE:
        raise ValueError(f"work database {_database.code} declared twice")
    _BY_CODE[_database.code] = _database


def work_databases() -> list[WorkDatabase]:
    return list(DATABASES)


def work_database_get(code: str) -> WorkDatabase | None:
    return _BY_CODE.get(code)


def work_database_choices(*, stored_only: bool = False) -> list[tuple[str, str]]:
    return [(d.code, d.name) for d in DATABASES if not (stored_only and d.is_view)]


__all__ = [
    "DATABASES",
    "FieldSpec",
    "Rule",
    "ViewSource",
    "WorkDatabase",
    "work_database_choices",
    "work_database_get",
    "work_databases",
]
