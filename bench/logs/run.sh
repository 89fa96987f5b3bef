#!/usr/bin/env bash
# The log pipeline's two benchmarks, each run RUNS times (medians printed last):
#   1. live latency through Redis: 20 deployments x 500 lines/s, LogSink.write → Socket.IO client
#      (then the same through the runner's BuildLogWriter, whose batching the live path inherits);
#   2. ingest throughput Kafka → ClickHouse vs a raw batched insert of the same rows.
#
#   bash bench/logs/run.sh            # RUNS=3 SECONDS_PER_RUN=10 ROWS=1000000
#
# Starts (or reuses) Redis, ClickHouse, Kafka and PostgreSQL on loopback with scripts/services.
set -euo pipefail
cd "$(dirname "$0")/../.."
RUNS=${RUNS:-3}
SECONDS_PER_RUN=${SECONDS_PER_RUN:-10}
ROWS=${ROWS:-1000000}

for svc in redis clickhouse kafka; do bash "scripts/services/$svc.sh" start >&2; eval "$(bash "scripts/services/$svc.sh" env)"; done
bash scripts/services/postgres.sh start >&2
export TEST_POSTGRES_URL="${TEST_POSTGRES_URL:-postgresql://deploysphere:deploysphere@127.0.0.1:5432/postgres}"
node scripts/prisma-generate.cjs >/dev/null

run() { node -r ./bench/register.js "$@"; }
echo "== machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== live latency (LogSink.write → client)"
run bench/logs/live-latency.bench.ts --runs "$RUNS" --seconds "$SECONDS_PER_RUN"
echo "== live latency through BuildLogWriter (runner defaults)"
run bench/logs/live-latency.bench.ts --runs "$RUNS" --seconds "$SECONDS_PER_RUN" --writer
echo "== ingest throughput"
run bench/logs/ingest-throughput.bench.ts --runs "$RUNS" --rows "$ROWS"
