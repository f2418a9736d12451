#!/usr/bin/env bash
# Back up the portal's PostgreSQL database: scripts/backup.sh [FILE]
# Writes a compressed pg_dump archive (default backups/nantong_union-YYYYmmdd-HHMMSS.dump).
# Uploaded files live in MEDIA_ROOT: back that folder up alongside (e.g. tar or rsync).
set -euo pipefail
: "${DATABASE_URL:?set DATABASE_URL to the postgres:// URL of the portal database}"
case "$DATABASE_URL" in postgres://*|postgresql://*) ;; *) echo "backup.sh works with PostgreSQL only" >&2; exit 2;; esac
file="${1:-backups/nantong_union-$(date +%Y%m%d-%H%M%S).dump}"
mkdir -p "$(dirname "$file")"
pg_dump --format=custom --no-owner --no-privileges --file="$file" "$DATABASE_URL"
echo "$file"
