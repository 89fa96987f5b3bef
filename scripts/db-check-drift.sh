#!/usr/bin/env bash
# Exits 0 when applying prisma/migrations yields exactly what prisma/schema.prisma describes;
# otherwise prints the missing SQL and exits 1 (docs/database.md).
source "$(dirname "$0")/db-lib.sh"
ensure_migrate_tool
ensure_shadow_server
exec node "$TOOL_DIR/run.cjs" check
