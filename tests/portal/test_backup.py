"""Backup and restore (deploy/backup.sh, deploy/restore.sh): a dump of the seeded demo
restored into a fresh database has every table with the same rows, and the media files."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import tempfile
from io import StringIO
from pathlib import Path

import psycopg2
import pytest
from django.conf import settings
from django.core.management import call_command
from psycopg2 import sql

from tests.faults.servers import database_url_of_test_db, require

DEPLOY = Path(settings.BASE_DIR) / "deploy"
BASH = shutil.which("bash") or "/bin/bash"


@contextlib.contextmanager
def _connect(url: str):
    connection = psycopg2.connect(url)
    connection.autocommit = True  # CREATE/DROP DATABASE cannot run in a transaction
    try:
        yield connection
    finally:
        connection.close()


def _table_counts(url: str) -> dict[str, int]:
    with _connect(url) as connection, connection.cursor() as cursor:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        tables = sorted(row[0] for row in cursor.fetchall())
        counts = {}
        for table in tables:
            cursor.execute(sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table)))
            counts[table] = cursor.fetchone()[0]
    return counts


def _rows(url: str, query: str, *params) -> list[tuple]:
    with _connect(url) as connection, connection.cursor() as cursor:
        cursor.execute(query, params)
        return cursor.fetchall()


def _run(script: str, *args: str, env: dict[str, str]) -> str:
    result = subprocess.run(  # noqa: S603 - our own scripts
        [BASH, str(DEPLOY / script), *args],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.fixture
def fresh_database():
    """An empty database beside the test database, dropped afterwards."""
    source = database_url_of_test_db()
    name = f"{source.rsplit('/', 1)[1]}_restored"
    admin = source.rsplit("/", 1)[0] + "/postgres"
    with _connect(admin) as connection, connection.cursor() as cursor:
        cursor.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
        cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    yield source.rsplit("/", 1)[0] + f"/{name}"
    with _connect(admin) as connection, connection.cursor() as cursor:
        cursor.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_backup_of_the_demo_restores_into_a_fresh_database(regions, fresh_database):
    for tool in ("pg_dump", "pg_restore", "psql"):
        require(shutil.which(tool) is not None, f"{tool} is not installed")
    call_command("seed_demo", stdout=StringIO())
    source = database_url_of_test_db()
    work = Path(tempfile.mkdtemp(prefix="backup-test-"))
    media = work / "media"
    (media / "articles").mkdir(parents=True)
    (media / "articles" / "封面.jpg").write_bytes(b"\xff\xd8\xff demo image")

    try:
        dump, archive = _run(
            "backup.sh",
            str(work / "backups"),
            env={"DATABASE_URL": source, "MEDIA_ROOT": str(media)},
        ).split()
        restored_media = work / "restored-media"
        _run(
            "restore.sh",
            dump,
            archive,
            env={"DATABASE_URL": fresh_database, "MEDIA_ROOT": str(restored_media)},
        )

        before, after = _table_counts(source), _table_counts(fresh_database)
        assert after == before
        assert before["accounts_user"] >= 6 and before["hotline_hotlinerequest"] > 0
        assert before["regions_article"] > 0 and before["regions_region"] == 180

        member = "SELECT phone, display_name, password FROM accounts_user WHERE phone = %s"
        assert _rows(fresh_database, member, "13800000001") == _rows(source, member, "13800000001")
        assert _rows(source, member, "13800000001")[0][1] == "王伟"
        article = "SELECT id, title, body, status FROM regions_article ORDER BY id LIMIT 3"
        assert _rows(fresh_database, article) == _rows(source, article)
        ticket = (
            "SELECT id, member_id, title, state, created_at FROM hotline_hotlinerequest "
            "ORDER BY id LIMIT 3"
        )
        assert _rows(fresh_database, ticket) == _rows(source, ticket)
        assert (restored_media / "articles" / "封面.jpg").read_bytes() == b"\xff\xd8\xff demo image"

        # Never over live data: a second restore into the now non-empty database is refused.
        refused = subprocess.run(  # noqa: S603 - our own script
            [BASH, str(DEPLOY / "restore.sh"), dump],
            env={**os.environ, "DATABASE_URL": fresh_database},
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert refused.returncode != 0 and "fresh" in refused.stderr
    finally:
        shutil.rmtree(work, ignore_errors=True)
