#!/usr/bin/env bash
# Usage: scripts/db-prisma.sh <prisma args...>   e.g. DATABASE_URL=... scripts/db-prisma.sh migrate status
# Runs the Prisma 6.19.3 CLI (Wasm schema engine, tools/prisma-migrate) against DATABASE_URL
# (or PRISMA_MIGRATE_TOOL_URL), for `migrate status|deploy|resolve` where no native engine exists.
source "$(dirname "$0")/db-lib.sh"
[ $# -ge 1 ] || { echo "usage: $0 <prisma args...>" >&2; exit 2; }
ensure_migrate_tool
if [ -z "${PRISMA_MIGRATE_TOOL_URL:-}" ]; then
  [ -n "${DATABASE_URL:-}" ] || { echo "$0: set DATABASE_URL (or PRISMA_MIGRATE_TOOL_URL)" >&2; exit 2; }
  export PRISMA_MIGRATE_TOOL_URL="$DATABASE_URL"
fi
exec node "$TOOL_DIR/run.cjs" prisma "$@"
