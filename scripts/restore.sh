#!/usr/bin/env bash
# Restore a backup made by scripts/backup.sh into the database of DATABASE_URL: scripts/restore.sh FILE
# The target database must exist (it may be empty); objects in it are replaced (--clean).
set -euo pipefail
: "${DATABASE_URL:?set DATABASE_URL to the postgres:// URL of the database to restore into}"
file="${1:?usage: scripts/restore.sh FILE}"
test -r "$file" || { echo "cannot read $file" >&2; exit 2; }
pg_restore --clean --if-exists --no-owner --no-privileges --exit-on-error --single-transaction \
  --dbname="$DATABASE_URL" "$file"
echo "restored $file"
