/**
 * Event latency through Kafka, from the outbox commit to the consumer's handler (target:
 * p99 < 100 ms at 200 events/s).
 *
 *   node -r ./bench/register.js bench/messaging/event-latency.ts   (or bench/messaging/run.sh)
 *
 * Two processes, as in distributed mode:
 *  - this one plays the api: one transaction per event writes it to the outbox (OutboxWriter),
 *    then nudges the OutboxRelay, which publishes through the KafkaTransport;
 *  - a forked child plays the orchestrator: a ConsumerHost (decode + validate) on its own
 *    KafkaTransport, whose handler reports the time it was called.
 * Events are fired on a fixed schedule (open loop: a slow commit does not delay the next one).
 * Both processes read CLOCK_MONOTONIC (process.hrtime), so their timestamps compare directly.
 * Latency = handler start − the moment the writer's transaction is done and COMMIT goes out
 * (conservative by the commit round trip; timing the acknowledgement instead lets a busy event
 * loop report the ack after the consumer already ran). The first WARMUP seconds are left out.
 *
 * Settings (environment): RATE=200 events/s, DURATION=20 s, WARMUP=2 s, KAFKA_BROKERS
 * (default 127.0.0.1:9092), TEST_POSTGRES_URL (default: scripts/services/postgres.sh's server).
 * Prints a human line and a `RESULT {json}` line.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import { Logger } from '@nestjs/common';
import { Kafka, logLevel } from 'kafkajs';
import { newId } from '@deploysphere/common';
import { DeploymentRequestedV1, type IntegrationEventClass } from '@deploysphere/contracts';
import { PrismaClient, type PrismaService } from '@deploysphere/database';
import { ConsumerHost, DEFAULT_MESSAGING_OPTIONS, KafkaTransport, OutboxRelay, OutboxWriter, type KafkaTransportOptions } from '@deploysphere/messaging';
import { createTestDatabase } from '@deploysphere/testing';
import { PrismaPg } from '@prisma/adapter-pg';
import { Pool } from 'pg';

const RATE = Number(process.env.RATE ?? 200);
const DURATION_S = Number(process.env.DURATION ?? 20);
const WARMUP_S = Number(process.env.WARMUP ?? 2);
const BROKERS = (process.env.KAFKA_BROKERS || '127.0.0.1:9092').split(',').map((b) => b.trim());

interface ChildConfig {
  topic: string;
  groupPrefix: string;
}
type FromChild = { ready: true } | { ids: string[]; at: string[] } | { closed: true };

const now = () => process.hrtime.bigint();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

Logger.overrideLogger(['error']);

function transportOptions(topic: string, groupPrefix: string): KafkaTransportOptions {
  return {
    brokers: BROKERS,
    clientId: 'ds-bench',
    groupPrefix,
    partitions: 6,
    replicationFactor: 1,
    sessionTimeoutMs: 30_000,
    publishTimeoutMs: 10_000,
    topics: [topic],
  };
}

/** The orchestrator's side: report each handler call (id, monotonic ns) in small batches. */
async function consumer(config: ChildConfig): Promise<void> {
  const transport = new KafkaTransport(transportOptions(config.topic, config.groupPrefix));
  await transport.start();
  let ids: string[] = [];
  let at: string[] = [];
  const flush = setInterval(() => {
    if (ids.length === 0) return;
    process.send!({ ids, at } satisfies FromChild);
    ids = [];
    at = [];
  }, 20);
  await new ConsumerHost(transport, DEFAULT_MESSAGING_OPTIONS).consume('bench-latency', [config.topic], async (_event, envelope) => {
    at.push(now().toString());
    ids.push(envelope.id);
  });
  process.send!({ ready: true } satisfies FromChild);
  // The parent went away without saying stop (crashed, killed): do not linger as an orphan.
  process.on('disconnect', () => process.exit(0));
  process.on('message', async (m: { stop?: true }) => {
    if (!m.stop) return;
    await transport.close();
    clearInterval(flush);
    if (ids.length) process.send!({ ids, at } satisfies FromChild);
    process.send!({ closed: true } satisfies FromChild, () => process.exit(0));
  });
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

async function main(): Promise<void> {
  const runId = `${process.pid}-${randomBytes(3).toString('hex')}`;
  const topic = `bench.${runId}.latency.v1`;
  const groupPrefix = `bench.${runId}.`;
  const db = await createTestDatabase('postgres');
  // The api's pool size (DATABASE_POOL_SIZE default), not the test helper's 5.
  const pool = new Pool({ connectionString: db.url, max: 10 });
  pool.on('error', () => undefined); // idle clients are cut when the scratch database is dropped
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
  const producerSide = new KafkaTransport(transportOptions(topic, groupPrefix));
  let child: ChildProcess | undefined;
  const relay = new OutboxRelay(prisma as unknown as PrismaService, producerSide, { ...DEFAULT_MESSAGING_OPTIONS, relay: true });
  try {
    await producerSide.start();
    if (!producerSide.isReady()) throw new Error(`Kafka unreachable at ${BROKERS.join(',')}: scripts/services/kafka.sh start`);

    const handled = new Map<string, bigint>();
    let duplicates = 0;
    child = fork(__filename, ['--consumer', JSON.stringify({ topic, groupPrefix } satisfies ChildConfig)], { execArgv: process.execArgv });
    process.once('exit', () => child?.kill());
    const childReady = new Promise<void>((resolve, reject) => {
      child!.on('message', (m: FromChild) => {
        if ('ready' in m) resolve();
        if ('ids' in m) {
          m.ids.forEach((id, i) => {
            if (handled.has(id)) duplicates++;
            else handled.set(id, BigInt(m.at[i]));
          });
        }
      });
      child!.once('exit', (code) => reject(new Error(`consumer process exited (${code})`)));
    });
    await childReady;
    // Where the time goes: commit → broker ack (the relay's part) and ack → handler (Kafka + consumer).
    const acked = new Map<string, bigint>();
    const publish = producerSide.publish.bind(producerSide);
    producerSide.publish = async (messages) => {
      await publish(messages);
      const at = now();
      for (const m of messages) acked.set(m.value.id, at);
    };
    relay.onApplicationBootstrap();

    const writer = new OutboxWriter();
    const eventClass = { topic, type: DeploymentRequestedV1.type } as unknown as IntegrationEventClass<DeploymentRequestedV1>;
    const committed = new Map<string, bigint>();
    const total = Math.round(RATE * DURATION_S);
    const warmup = Math.round(RATE * WARMUP_S);
    const measured = new Set<string>();
    const commits: Promise<void>[] = [];
    const commitOne = async (i: number) => {
      const deploymentId = newId('dpl');
      const at = new Date().toISOString();
      let committing = 0n;
      const envelope = await prisma.$transaction(
        async (tx) => {
          const written = await writer.add(
            tx,
            eventClass,
            { deploymentId, projectId: newId('prj'), teamId: newId('team'), target: 'PREVIEW', source: 'UPLOAD', requestedAt: at },
            { key: deploymentId, correlationId: newId('req') },
          );
          committing = now();
          return written;
        },
        { maxWait: 10_000 },
      );
      committed.set(envelope.id, committing);
      if (i >= warmup) measured.add(envelope.id);
      relay.nudge();
    };

    const loadBefore = loadavg()[0];
    const intervalNs = BigInt(Math.round(1e9 / RATE));
    const start = now();
    for (let i = 0; i < total; i++) {
      const due = start + BigInt(i) * intervalNs;
      const wait = Number(due - now()) / 1e6;
      if (wait > 0) await sleep(wait); // ~1 ms timer jitter; no busy wait on a 2-core machine
      commits.push(commitOne(i));
    }
    await Promise.all(commits);
    const commitTimes = [...committed.values()];
    const committedS = Number(commitTimes[commitTimes.length - 1] - commitTimes[0]) / 1e9;
    const deadline = Date.now() + 30_000;
    while (handled.size < total && Date.now() < deadline) await sleep(50);

    const delivered = [...measured].filter((id) => handled.has(id) && acked.has(id));
    const ms = (from: Map<string, bigint>, to: Map<string, bigint>) =>
      delivered.map((id) => Number(to.get(id)! - from.get(id)!) / 1e6).sort((a, b) => a - b);
    const latencies = ms(committed, handled);
    const relayPart = ms(committed, acked);
    const kafkaPart = ms(acked, handled);
    const result = {
      rate: RATE,
      committedRate: Math.round(((total - 1) / committedS) * 10) / 10,
      durationS: DURATION_S,
      events: total,
      measured: measured.size,
      lost: total - handled.size,
      duplicates,
      medianMs: round(percentile(latencies, 50)),
      p90Ms: round(percentile(latencies, 90)),
      p99Ms: round(percentile(latencies, 99)),
      maxMs: round(latencies[latencies.length - 1]),
      minMs: round(latencies[0]),
      relay: { medianMs: round(percentile(relayPart, 50)), p99Ms: round(percentile(relayPart, 99)) },
      kafka: { medianMs: round(percentile(kafkaPart, 50)), p99Ms: round(percentile(kafkaPart, 99)) },
      // 1-minute load average before and after: the machine is shared, and a busy one shows here.
      load: [round(loadBefore), round(loadavg()[0])],
    };
    console.log(
      `outbox commit -> handler via Kafka @ ${RATE}/s for ${DURATION_S}s: median ${result.medianMs} ms, p90 ${result.p90Ms} ms, p99 ${result.p99Ms} ms, ` +
        `max ${result.maxMs} ms (${result.measured} measured, ${result.lost} lost, ${result.duplicates} duplicates, committed at ${result.committedRate}/s, load ${result.load.join('→')})`,
    );
    console.log(
      `  commit -> broker ack (relay): median ${result.relay.medianMs} ms, p99 ${result.relay.p99Ms} ms; ` +
        `ack -> handler (Kafka + consumer): median ${result.kafka.medianMs} ms, p99 ${result.kafka.p99Ms} ms`,
    );
    console.log(`RESULT ${JSON.stringify(result)}`);
    if (result.lost > 0) process.exitCode = 1;
  } finally {
    await relay.onModuleDestroy();
    if (child?.connected) {
      const closed = new Promise<void>((resolve) => child!.on('message', (m: FromChild) => 'closed' in m && resolve()));
      child.send({ stop: true });
      await Promise.race([closed, sleep(15_000)]);
    }
    child?.kill();
    await producerSide.close();
    await prisma.$disconnect().catch(() => undefined);
    await pool.end().catch(() => undefined);
    await db.close();
    await deleteBenchTopicsAndGroups(topic, groupPrefix);
  }
}

const round = (ms: number) => Math.round(ms * 10) / 10;

async function deleteBenchTopicsAndGroups(topic: string, groupPrefix: string): Promise<void> {
  const admin = new Kafka({ clientId: 'ds-bench-admin', brokers: BROKERS, logLevel: logLevel.NOTHING }).admin();
  try {
    await admin.connect();
    await admin.deleteTopics({ topics: [topic, `${topic}.dlq`] });
    await admin.deleteGroups([`${groupPrefix}bench-latency`]).catch(() => undefined);
  } catch {
    // Best effort: a leftover bench topic is harmless.
  } finally {
    await admin.disconnect();
  }
}

const consumerArg = process.argv.indexOf('--consumer');
if (consumerArg >= 0) {
  consumer(JSON.parse(process.argv[consumerArg + 1]) as ChildConfig).catch((err) => {
    console.error(err);
    process.exit(1);
  });
} else {
  main().then(
    () => process.exit(),
    (err) => {
      console.error(err);
      process.exit(1);
    },
  );
}
