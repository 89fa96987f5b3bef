#!/usr/bin/env bash
# Start-up time of the dedicated Kafka test broker (test/support/kafka-process.ts).
#   RUNS=3 bash bench/test-broker/run.sh
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
exec node -r ./bench/register.js bench/test-broker/start-time.ts
