# Sourced by scripts/db-*.sh: installs the migration tool package on demand and makes sure a
# PostgreSQL server is there for Prisma's shadow database (docs/database.md).
set -euo pipefail
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOL_DIR="$REPO_ROOT/tools/prisma-migrate"

ensure_migrate_tool() {
  if [ ! -f "$TOOL_DIR/node_modules/prisma/package.json" ]; then
    echo "[db] installing tools/prisma-migrate (npm ci)" >&2
    # --ignore-scripts: @prisma/engines' postinstall would try to download native engines.
    (cd "$TOOL_DIR" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >&2)
  fi
}

ensure_shadow_server() {
  # An explicit URL is the caller's business; the default one is our local service.
  if [ -z "${PRISMA_MIGRATE_TOOL_URL:-}" ] && [ -z "${TEST_POSTGRES_URL:-}" ]; then
    if ! (exec 3<>/dev/tcp/127.0.0.1/5432) 2>/dev/null; then
      bash "$REPO_ROOT/scripts/services/postgres.sh" start >&2
    fi
  fi
}
