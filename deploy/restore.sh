#!/usr/bin/env bash
# Restore a backup made by deploy/backup.sh into a FRESH, empty database.
#
#   createdb -h host -U user portal_restored      # or CREATE DATABASE … in psql
#   DATABASE_URL=postgres://user:pw@host:5432/portal_restored MEDIA_ROOT=/app/var/media \
#     deploy/restore.sh backups/zgzj-….dump [backups/zgzj-…-media.tar.gz]
#
# Checks the checksums written beside the dump, refuses a database that already has tables
# (never restores over live data), restores in one transaction (all or nothing), then
# unpacks the media archive into MEDIA_ROOT. Afterwards run `python manage.py migrate` if
# the code is newer than the backup, and point DATABASE_URL of the app at the new database.
set -euo pipefail

: "${DATABASE_URL:?set DATABASE_URL to the fresh database to restore into}"
dump=${1:?usage: deploy/restore.sh DUMP_FILE [MEDIA_TARBALL]}
media_archive=${2:-}
here=$(cd "$(dirname "$0")" && pwd)
media=${MEDIA_ROOT:-$here/../var/media}

sums="${dump%.dump}.sha256"
if [ -f "$sums" ]; then
  (cd "$(dirname "$dump")" && sha256sum --check --quiet "$(basename "$sums")")
else
  echo "restore: no checksum file $sums; restoring unchecked" >&2
fi

tables=$(psql "$DATABASE_URL" -X -q -t -A -c \
  "SELECT count(*) FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')")
if [ "$tables" != "0" ]; then
  echo "restore: the target database already has $tables tables; restore only into a fresh one" >&2
  exit 1
fi

pg_restore --no-owner --no-privileges --exit-on-error --single-transaction \
  --dbname "$DATABASE_URL" "$dump"

if [ -n "$media_archive" ]; then
  mkdir -p "$media"
  tar -xzf "$media_archive" -C "$media"
fi
echo "restore: done into $(psql "$DATABASE_URL" -X -q -t -A -c 'SELECT current_database()')"
