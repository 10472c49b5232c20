"""Benchmarks on PostgreSQL create their database when it is missing, so a first run (or a
``--smoke`` run on a fresh name) needs nothing but ``DATABASE_URL``."""

from __future__ import annotations

import os
from urllib.parse import unquote, urlsplit


def ensure_database(url: str | None = None) -> None:
    """Create the database ``DATABASE_URL`` names if the server does not have it. Does
    nothing for SQLite or an unset URL (the benchmark then says it wants PostgreSQL)."""
    url = url or os.environ.get("DATABASE_URL", "")
    parts = urlsplit(url)
    if not parts.scheme.startswith("postgres"):
        return
    from psycopg2 import sql

    name = unquote(parts.path.lstrip("/"))
    connection = server_connection(url)
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            if cursor.fetchone() is None:
                cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
                print(f"created database {name}", flush=True)
    finally:
        connection.close()


def server_connection(url: str):
    """An autocommit connection to the server's ``postgres`` database, as the user of
    ``url`` (any database path in it is ignored): for CREATE / DROP DATABASE."""
    import psycopg2

    parts = urlsplit(url)
    connection = psycopg2.connect(
        dbname="postgres",
        user=unquote(parts.username or "") or None,
        password=unquote(parts.password or "") or None,
        host=parts.hostname,
        port=parts.port,
    )
    connection.autocommit = True
    return connection
