#!/usr/bin/env bash
# Event latency from the outbox commit to the consumer's handler, through the real Kafka broker
# (target: p99 < 100 ms at 200 events/s). Runs bench/messaging/event-latency.ts RUNS times and
# prints each run and the median of each figure across runs.
#
#   bash bench/messaging/run.sh            # RATE=200 DURATION=20 RUNS=3 WARMUP=2
#
# Starts PostgreSQL and Kafka with scripts/services (no-ops when already running) and leaves them
# running; each run uses a scratch database, topic and consumer group, removed at its end.
set -euo pipefail
cd "$(dirname "$0")/../.."

RUNS=${RUNS:-3}
export RATE=${RATE:-200} DURATION=${DURATION:-20} WARMUP=${WARMUP:-2}

scripts/services/postgres.sh start >/dev/null
scripts/services/kafka.sh start
if [ -z "${KAFKA_BROKERS:-}" ]; then eval "$(scripts/services/kafka.sh env)"; fi
export KAFKA_BROKERS

results=$(mktemp /tmp/ds-event-latency.XXXXXX)
trap 'rm -f "$results"' EXIT
for run in $(seq 1 "$RUNS"); do
  echo "run $run/$RUNS" >&2
  node -r ./bench/register.js bench/messaging/event-latency.ts | tee /dev/stderr | sed -n 's/^RESULT //p' >>"$results"
done

node -e '
const runs = require("fs").readFileSync(process.argv[1], "utf8").trim().split("\n").map((l) => JSON.parse(l));
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
const fields = ["medianMs", "p90Ms", "p99Ms", "maxMs"];
console.log(`\n${runs.length} runs at ${runs[0].rate} events/s for ${runs[0].durationS} s each (${runs.map((r) => r.measured).join("/")} events measured; 1-min load average ${runs.map((r) => r.load.join("→")).join(", ")} on ${require("os").cpus().length} cores):`);
for (const f of fields) console.log(`  ${f.padEnd(9)} per run ${runs.map((r) => r[f]).join(" / ").padEnd(24)} median ${median(runs.map((r) => r[f]))}`);
const lost = runs.reduce((n, r) => n + r.lost, 0);
const p99 = median(runs.map((r) => r.p99Ms));
console.log(`  lost ${lost}, duplicates ${runs.reduce((n, r) => n + r.duplicates, 0)}; target p99 < 100 ms: ${p99 < 100 ? "met" : "NOT met"} (median p99 ${p99} ms)`);
process.exitCode = lost > 0 ? 1 : 0;
' "$results"
