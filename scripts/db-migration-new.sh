#!/usr/bin/env bash
# Usage: scripts/db-migration-new.sh <name>
# Writes prisma/migrations/<UTC yyyymmddHHMMSS>_<name>/migration.sql with exactly the SQL that takes
# the existing migrations to prisma/schema.prisma (Prisma 6.19.3 Wasm engine; docs/database.md).
source "$(dirname "$0")/db-lib.sh"
[ $# -eq 1 ] || { echo "usage: $0 <name>" >&2; exit 2; }
ensure_migrate_tool
ensure_shadow_server
exec node "$TOOL_DIR/run.cjs" new "$1"
