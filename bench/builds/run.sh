#!/usr/bin/env bash
# Build benchmarks: deploy latency, platform overhead vs a bare `docker run`, cold vs warm
# dependency cache. Figures and how to read them: docs/builds.md ("Measured").
#
#   bash bench/builds/run.sh                    # all three, RUNS=5
#   RUNS=3 bash bench/builds/run.sh latency     # one mode
#   bash bench/builds/run.sh overhead --db postgres   # against PostgreSQL instead of embedded PGlite
#
# Starts the Docker engine and builds the builder image if needed; the platform runs in-process
# in embedded mode (PGlite, fs artifacts) with the docker runner. Needs the npm registry (the
# Vite and React fixtures install from it). Loopback and local containers only.
set -euo pipefail
cd "$(dirname "$0")/../.."
RUNS=${RUNS:-5}
bash scripts/services/docker.sh start >&2
image="$(bash scripts/builder-image.sh | tail -n 1)"
exec node -r ./bench/register.js bench/builds/builds-bench.ts --runs "$RUNS" --image "$image" "$@"
