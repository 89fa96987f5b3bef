#!/usr/bin/env bash
# Build benchmarks: deploy latency, platform overhead vs a bare `docker run`, cold vs warm
# dependency cache. Figures and how to read them: docs/builds.md ("Measured").
#
#   bash bench/builds/run.sh                    # all three, RUNS=5
#   RUNS=3 bash bench/builds/run.sh latency     # one mode
#   bash bench/builds/run.sh overhead --db postgres   # against PostgreSQL instead of embedded PGlite
#   BENCH_CPUS=1 bash bench/builds/run.sh overhead    # pin the bench process (platform, client, bare `docker` CLI) with taskset
#   BUILD_DOCKER_WORKSPACE=volume bash bench/builds/run.sh overhead   # the archive-API workspace instead of the bind mount
#
# Starts the Docker engine and builds the builder image if needed; the platform runs in-process
# in embedded mode (PGlite, fs artifacts) with the docker runner. Needs the npm registry (the
# Vite and React fixtures install from it). Loopback and local containers only.
set -euo pipefail
cd "$(dirname "$0")/../.."
RUNS=${RUNS:-5}
bash scripts/services/docker.sh start >&2
image="$(bash scripts/builder-image.sh | tail -n 1)"
pin=()
if [[ -n "${BENCH_CPUS:-}" ]]; then pin=(taskset -c "$BENCH_CPUS"); echo "pinned to CPU(s) $BENCH_CPUS (build containers are not: dockerd starts them)" >&2; fi
exec "${pin[@]}" node -r ./bench/register.js bench/builds/builds-bench.ts --runs "$RUNS" --image "$image" "$@"
