#!/usr/bin/env bash
# Scheduling throughput: deployments/s from the upload request to READY with builds
# replaced by a no-op runner, api and orchestrator as separate processes over PostgreSQL and
# Kafka. Runs bench/scheduling/throughput.ts RUNS times (a fresh database, topics and groups
# each time) and prints each run and the median of each figure. Target: >= 200
# deployments/s of deployments.requested handling, the DRAIN=1 reading; the default burst adds the
# api's HTTP intake of every upload and is CPU-bound on two cores (docs/builds.md).
#
#   bash bench/scheduling/run.sh           # RUNS=3 DEPLOYMENTS=2000 PROJECTS=500 CLIENTS=32 BUILD_CONCURRENCY=256
#   RATE=100 bash bench/scheduling/run.sh  # open loop at a fixed request rate instead of a burst
#   DRAIN=1 bash bench/scheduling/run.sh  # requests held in the outbox first, then deployments.requested handling: published -> READY
#   ORCHESTRATORS=2 bash bench/scheduling/run.sh  # two orchestrator processes in one consumer group
#   PROFILE=orchestrator RUNS=1 bash bench/scheduling/run.sh   # + a CPU profile of the orchestrator
#
# Starts PostgreSQL and Kafka with scripts/services (no-ops when already running) and leaves them
# running. Loopback only.
set -euo pipefail
cd "$(dirname "$0")/../.."

RUNS=${RUNS:-3}
scripts/services/postgres.sh start >/dev/null
scripts/services/kafka.sh start >/dev/null
if [ -z "${KAFKA_BROKERS:-}" ]; then eval "$(scripts/services/kafka.sh env)"; fi
export KAFKA_BROKERS
export TEST_POSTGRES_URL="${TEST_POSTGRES_URL:-postgresql://deploysphere:deploysphere@127.0.0.1:5432/postgres}"
node scripts/prisma-generate.cjs >/dev/null

results=$(mktemp /tmp/ds-sched-bench.XXXXXX)
out=$(mktemp /tmp/ds-sched-bench-run.XXXXXX)
trap 'rm -f "$results" "$out"' EXIT
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
failed=0
for run in $(seq 1 "$RUNS"); do
  echo "run $run/$RUNS"
  # A run fails when a deployment ends anything but READY (its figures still count, over the
  # deployments that ended) or when it cannot finish at all.
  if ! node -r ./bench/register.js bench/scheduling/throughput.ts >"$out" 2>&1; then
    failed=$((failed + 1))
    echo "run $run FAILED"
  fi
  grep -v '^RESULT ' "$out"
  sed -n 's/^RESULT //p' "$out" >>"$results"
done

node -e '
const runs = require("fs").readFileSync(process.argv[1], "utf8").trim().split("\n").filter(Boolean).map((l) => JSON.parse(l));
if (runs.length === 0) { console.log("no run finished"); process.exit(1); }
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
const r0 = runs[0];
console.log(`\n${runs.length} runs: ${r0.deployments} deployments over ${r0.projects} projects, ${r0.mode}, ${r0.orchestrators} orchestrator(s), BUILD_CONCURRENCY=${r0.concurrency} (1-min load average ${runs.map((r) => r.load.join("→")).join(", ")}):`);
const row = (name, get) => console.log(`  ${name.padEnd(34)} per run ${runs.map(get).join(" / ").padEnd(26)} median ${median(runs.map(get))}`);
row(r0.mode.startsWith("drain") ? "deployments/s (published -> READY)" : "deployments/s (request -> READY)", (r) => r.perSecond);
row("requests accepted/s", (r) => r.acceptedPerSecond);
row("deployments not READY", (r) => Object.values(r.notReady).reduce((a, b) => a + b, 0));
row("latency p50 ms", (r) => r.p50Ms);
row("latency p99 ms", (r) => r.p99Ms);
row("db statements/deployment, api", (r) => r.statementsPerDeployment.api);
row("db statements/deployment, orch.", (r) => r.statementsPerDeployment.orchestrator);
row("CPU ms/deployment, api", (r) => r.cpuMsPerDeployment.api);
row("CPU ms/deployment, orchestrator", (r) => r.cpuMsPerDeployment.orchestrator);
row("  of which in the kernel", (r) => r.orchestratorKernelCpuMs);
row("CPU ms/deployment, bench client", (r) => r.cpuMsPerDeployment.client);
row("CPU ms/deployment, PostgreSQL <=", (r) => r.cpuMsPerDeployment.postgres);
row("CPU ms/deployment, Kafka <=", (r) => r.cpuMsPerDeployment.kafka);
// Every process of the run together: the rate these cores could give if they did nothing else and
// never waited (cores x 1000 / total), the bound the measured rate is compared against.
const total = (r) => Math.round(Object.values(r.cpuMsPerDeployment).reduce((a, b) => a + b, 0) * 10) / 10;
row("CPU ms/deployment, all processes", total);
row(`CPU-bound ceiling on ${require("os").cpus().length} cores, /s`, (r) => Math.round(require("os").cpus().length * 1000 / total(r)));
const rate = median(runs.map((r) => r.perSecond));
// The target is the handling of deployments.requested, which DRAIN=1 times; the other
// modes add the HTTP intake of every upload by the api (a reading of the whole platform on these cores).
if (r0.mode.startsWith("drain")) console.log(`  target >= 200 deployments/s: ${rate >= 200 ? "met" : "NOT met"} (median ${rate})`);
else console.log(`  target >= 200 deployments/s is read with DRAIN=1 (deployments.requested handling); request -> READY here, api intake included: median ${rate}`);
' "$results"
if [ "$failed" -gt 0 ]; then echo "$failed of $RUNS runs FAILED (a deployment did not end READY, or the run could not finish; see above)"; exit 1; fi
