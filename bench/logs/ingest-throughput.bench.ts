// Log ingest throughput, Kafka → ClickHouse (LogTopics on KafkaTransport + LogIngestor + ClickHouseLogStore,
// as log-ingest runs them), against a raw batched insert of the same rows with the ClickHouse
// client, in the same run on the same machine.
//
//   node -r ./bench/register.js bench/logs/ingest-throughput.bench.ts [--rows 1000000] [--batch 20000] [--runs 3]
//
// Per run: ROWS lines of 20 deployments are produced to a fresh topic (not timed). Then
//  - raw: the same rows, already in memory, inserted with @clickhouse/client in batches of BATCH
//    (JSONEachRow, one insert at a time) into a fresh table;
//  - pipeline: a fresh consumer group reads the topic, decodes and validates every message and
//    stores the rows in batches of BATCH (LOG_BATCH_MAX_ROWS), committing offsets after each insert.
// Pipeline time runs from the first delivery to the last row stored (group join excluded; it
// is printed apart). Target: pipeline >= 50% of raw.
import { createClient } from '@clickhouse/client';
import { Logger } from '@nestjs/common';
import { ClickHouseLogStore, LogTopics, type BuildLogLine } from '@deploysphere/logs';
import { KafkaTransport } from '@deploysphere/messaging';
import { LogIngestor } from '../../apps/log-ingest/src/ingest/log-ingestor';
import type { BuildLogBatchV1 } from '@deploysphere/contracts';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { rows: { type: 'string', default: '1000000' }, batch: { type: 'string', default: '20000' }, runs: { type: 'string', default: '3' } } });
  const rows = Number(values.rows);
  const batchRows = Number(values.batch);
  Logger.overrideLogger(['error', 'warn']);
  const { requireClickHouse, requireKafka, deleteKafkaTopics } = await import(join(__dirname, '../../test/support/log-services'));
  const brokers: string[] = await requireKafka();
  const ch = await requireClickHouse();
  const client = createClient({ url: ch.url });
  const results: { raw: number; pipeline: number; join: number }[] = [];
  try {
    for (let run = 1; run <= Number(values.runs); run++) {
      const tag = `${process.pid}_${run}_${randomBytes(3).toString('hex')}`;
      const topics = { build: `bench.logs.build.${tag}`, access: `bench.logs.access.${tag}` };
      const deployments = Array.from({ length: 20 }, () => `dpl_${randomBytes(13).toString('hex').slice(0, 26)}`);
      const t0 = Date.parse('2026-11-26T12:00:00Z');
      const lines: BuildLogLine[] = [];
      for (let i = 0; i < rows; i++) {
        const d = i % deployments.length;
        const seq = Math.floor(i / deployments.length) + 1;
        lines.push({ deploymentId: deployments[d], seq, ts: new Date(t0 + i).toISOString(), stream: i % 10 === 0 ? 'stderr' : 'stdout', message: `[${seq}] transforming src/components/Module${seq % 500}.tsx (${i % 97} modules)` });
      }

      // Produce (not timed): 1,000 lines per message, as BuildLogPublisher batches them.
      const transport = async () => {
        const t = new KafkaTransport({ brokers, clientId: 'bench', groupPrefix: '', partitions: 6, replicationFactor: 1, sessionTimeoutMs: 30_000, publishTimeoutMs: 30_000, topics: [] });
        await t.start();
        return t;
      };
      const producerTransport = await transport();
      const producer = new LogTopics(producerTransport, { topics, group: `bench-${tag}` });
      for (let i = 0; i < lines.length; i += 20_000) {
        const chunk = lines.slice(i, i + 20_000);
        const batches: BuildLogBatchV1[] = [];
        for (const d of deployments) {
          const own = chunk.filter((l) => l.deploymentId === d);
          for (let j = 0; j < own.length; j += 1000) {
            batches.push({ deploymentId: d, lines: own.slice(j, j + 1000).map(({ seq, ts, stream, message }) => ({ seq, ts, stream, message })) });
          }
        }
        await producer.publishBuild(batches);
      }

      // Raw: the same rows straight into ClickHouse.
      const rawStore = new ClickHouseLogStore({ url: ch.url, database: `${ch.database}_raw_${run}` });
      await rawStore.ensureSchema();
      const table = `\`${ch.database}_raw_${run}\`.build_log_lines`;
      const rawStart = performance.now();
      for (let i = 0; i < lines.length; i += batchRows) {
        const values = lines.slice(i, i + batchRows).map((l) => {
          const ms = Date.parse(l.ts);
          return { deployment_id: l.deploymentId, seq: l.seq, time_ms: ms, ts: Math.floor(ms / 1000), stream: l.stream, message: l.message };
        });
        await client.insert({ table, values, format: 'JSONEachRow' });
      }
      const rawSeconds = (performance.now() - rawStart) / 1000;
      await rawStore.close();

      // Pipeline: Kafka → decode/validate → batch → ClickHouse, offsets committed after inserts.
      const store = new ClickHouseLogStore({ url: ch.url, database: `${ch.database}_pipe_${run}` });
      await store.ensureSchema();
      const ingestor = new LogIngestor(store, { maxRows: batchRows, maxAgeMs: 1000 });
      const consumerTransport = await transport();
      const consumer = new LogTopics(consumerTransport, { topics, group: `bench-ingest-${tag}` });
      const joinStart = performance.now();
      let first = 0;
      await consumer.start(async (d) => {
        if (!first) first = performance.now();
        await ingestor.add(d);
      });
      while (ingestor.getStats().insertedBuildRows < rows) await new Promise((r) => setTimeout(r, 5));
      const pipeSeconds = (performance.now() - first) / 1000;
      const joinSeconds = (first - joinStart) / 1000;
      await consumer.pause();
      await ingestor.close();
      await consumer.stop();
      await Promise.all([consumerTransport.close(), producerTransport.close()]);
      await store.close();

      const count = await client.query({ query: `SELECT count() AS n FROM \`${ch.database}_pipe_${run}\`.build_log_lines FINAL`, format: 'JSONEachRow' });
      const stored = Number((await count.json<{ n: string }>())[0].n);
      if (stored !== rows) throw new Error(`run ${run}: ${stored} rows stored, expected ${rows}`);
      for (const db of [`${ch.database}_raw_${run}`, `${ch.database}_pipe_${run}`]) await client.command({ query: `DROP DATABASE IF EXISTS \`${db}\`` });
      await deleteKafkaTopics(brokers, [topics.build, topics.access, `${topics.build}.dlq`, `${topics.access}.dlq`]);

      const r = { raw: rows / rawSeconds, pipeline: rows / pipeSeconds, join: joinSeconds };
      results.push(r);
      process.stdout.write(
        `run ${run}: raw ${Math.round(r.raw).toLocaleString('en')} rows/s, pipeline ${Math.round(r.pipeline).toLocaleString('en')} rows/s ` +
          `(${((100 * r.pipeline) / r.raw).toFixed(0)}% of raw; group join ${r.join.toFixed(1)} s not counted)\n`,
      );
    }
  } finally {
    await client.close();
    await ch.drop();
  }
  const raw = median(results.map((r) => r.raw));
  const pipe = median(results.map((r) => r.pipeline));
  const ratio = median(results.map((r) => r.pipeline / r.raw));
  process.stdout.write(
    `\ningest, ${rows.toLocaleString('en')} rows, batches of ${batchRows}, median of ${results.length} runs: raw ${Math.round(raw).toLocaleString('en')} rows/s, ` +
      `Kafka→ClickHouse ${Math.round(pipe).toLocaleString('en')} rows/s = ${(100 * ratio).toFixed(0)}% of raw (target >= 50%)\n`,
  );
}

main().then(
  () => process.exit(0),
  (err) => {
    process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  },
);
