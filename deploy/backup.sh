#!/usr/bin/env bash
# Back up 职工之家·河北: the database (pg_dump, custom format) and the uploaded media files.
#
#   DATABASE_URL=postgres://user:pw@host:5432/portal MEDIA_ROOT=/app/var/media \
#     deploy/backup.sh [DEST_DIR]
#
# Writes DEST_DIR/zgzj-<UTC time>.dump, …-media.tar.gz and …sha256 (checksums of both),
# each first under a temporary name, so a backup that fails half-way leaves no file that
# looks complete. Needs pg_dump of the server's major version or newer. Consistent: pg_dump
# reads one snapshot; media are copied after it, so a file uploaded meanwhile may be in the
# tarball without its row, never the reverse within the dump's snapshot.
# In the compose deployment: docker compose -f deploy/compose.yaml run --rm backup
set -euo pipefail

: "${DATABASE_URL:?set DATABASE_URL=postgres://user:password@host:5432/database}"
here=$(cd "$(dirname "$0")" && pwd)
dest=${1:-${BACKUP_DIR:-backups}}
media=${MEDIA_ROOT:-$here/../var/media}
stamp=$(date -u +%Y%m%dT%H%M%SZ)
base="zgzj-$stamp"

mkdir -p "$dest"
cd "$dest"
trap 'rm -f "$base.dump.partial" "$base-media.tar.gz.partial"' EXIT

pg_dump --format=custom --compress=6 --file "$base.dump.partial" --dbname "$DATABASE_URL"
if [ -d "$media" ]; then
  tar -czf "$base-media.tar.gz.partial" -C "$media" .
else
  echo "backup: no media directory at $media; an empty media archive is written" >&2
  tar -czf "$base-media.tar.gz.partial" --files-from /dev/null
fi
mv "$base.dump.partial" "$base.dump"
mv "$base-media.tar.gz.partial" "$base-media.tar.gz"
sha256sum "$base.dump" "$base-media.tar.gz" >"$base.sha256"

echo "$PWD/$base.dump"
echo "$PWD/$base-media.tar.gz"
