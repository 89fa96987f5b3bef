// Live build-log latency through Redis: from a line written to the log sink (the build's output
// as the runner hands it over) to its arrival at a Socket.IO client, with DEPLOYMENTS concurrent
// builds writing RATE lines/s each.
//
//   node -r ./bench/register.js bench/logs/live-latency.bench.ts [--deployments 20] [--rate 500]
//        [--seconds 10] [--warmup 2] [--runs 3] [--writer [--writer-flush-ms N]]
//
// Three threads share the machine: the gateway (this thread, the real GatewayModule over Redis
// and PostgreSQL), the builds (a worker writing through BuildLogPublisher → RedisLiveLogBus, as
// the orchestrator does) and the clients (a worker with one socket.io-client per deployment).
// Each line carries its write time (performance.timeOrigin + now(), comparable across threads).
// `--writer` goes through the runner's BuildLogWriter first (its batching: 50 ms by default, or
// --writer-flush-ms), which is what a real build's lines go through.
// Every client must receive every line exactly once, in order; the run fails otherwise.
import { parseArgs } from 'node:util';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { performance } from 'node:perf_hooks';
import { join } from 'node:path';

const now = () => performance.timeOrigin + performance.now();

interface Settings {
  deployments: number;
  rate: number;
  seconds: number;
  warmup: number;
  writer: boolean;
  /** BuildLogWriter flushIntervalMs; undefined: its default. */
  writerFlushMs?: number;
}

interface RunSetup extends Settings {
  role: 'builds' | 'clients';
  redisUrl: string;
  gatewayUrl: string;
  token: string;
  deploymentIds: string[];
}

// ---- builds: write lines at the target rate ----------------------------------------------------
async function builds(setup: RunSetup): Promise<void> {
  const { BuildLogPublisher, RedisLiveLogBus } = require('@deploysphere/logs') as typeof import('@deploysphere/logs');
  const { BuildLogWriter } = require('../../apps/orchestrator/src/runner') as typeof import('../../apps/orchestrator/src/runner');
  const bus = new RedisLiveLogBus({ url: setup.redisUrl, maxLines: 50_000, ttlSeconds: 3600 });
  // The Kafka side is off the live path; it is dropped here so only the live path is measured.
  const nullTopics = { name: 'null', publishBuild: async () => undefined, publishAccess: async () => undefined };
  const publisher = new BuildLogPublisher(bus, nullTopics, { flushIntervalMs: 1000 });
  const writers = setup.deploymentIds.map((id) => (setup.writer ? new BuildLogWriter(publisher, id, { maxBytes: 1e12, flushIntervalMs: setup.writerFlushMs }) : undefined));
  const written = setup.deploymentIds.map(() => 0);
  const total = setup.rate * (setup.seconds + setup.warmup);
  const start = now();
  const padding = 'x'.repeat(60);
  while (written.some((w) => w < total)) {
    const due = Math.min(total, Math.floor(((now() - start) / 1000) * setup.rate));
    const pending: Promise<void>[] = [];
    setup.deploymentIds.forEach((deploymentId, d) => {
      const lines = [];
      for (; written[d] < due; written[d]++) {
        const message = `${now().toFixed(3)} compiled module ${written[d] + 1} ${padding}`;
        const w = writers[d];
        if (w) w.line({ stream: 'stdout', ts: new Date().toISOString(), message });
        else lines.push({ deploymentId, seq: written[d] + 1, ts: new Date().toISOString(), stream: 'stdout' as const, message });
      }
      if (lines.length > 0) pending.push(publisher.write(lines));
    });
    await Promise.all(pending);
    await new Promise((r) => setTimeout(r, 2));
  }
  await Promise.all(writers.map((w) => w?.flush()));
  await bus.close();
  parentPort!.postMessage({ type: 'done', written: written.reduce((a, b) => a + b, 0) });
}

// ---- clients: one socket per deployment, latency per line ---------------------------------------
async function clients(setup: RunSetup): Promise<void> {
  const { io } = require('socket.io-client') as typeof import('socket.io-client');
  const total = setup.rate * (setup.seconds + setup.warmup);
  const skip = setup.rate * setup.warmup;
  const latencies: number[] = [];
  const next = setup.deploymentIds.map(() => 1);
  let errors = 0;
  const sockets = await Promise.all(
    setup.deploymentIds.map(async (deploymentId, d) => {
      const socket = io(setup.gatewayUrl, { auth: { token: setup.token }, transports: ['websocket'], reconnection: false, forceNew: true });
      socket.on('logs:lines', ({ lines }: { lines: { seq: number; message: string }[] }) => {
        const t = now();
        for (const l of lines) {
          if (l.seq !== next[d]) errors++;
          next[d] = l.seq + 1;
          if (l.seq > skip) latencies.push(t - Number(l.message.slice(0, l.message.indexOf(' '))));
        }
        if (next.every((n) => n > total)) parentPort!.postMessage({ type: 'done', latencies, errors });
      });
      await new Promise<void>((resolve, reject) => {
        socket.once('connect', () => resolve());
        socket.once('connect_error', reject);
      });
      const ack = await socket.emitWithAck('logs:subscribe', { deploymentId });
      if (!ack.ok) throw new Error(JSON.stringify(ack));
      return socket;
    }),
  );
  parentPort!.postMessage({ type: 'ready', sockets: sockets.length });
}

// ---- main: the gateway, the runs, the figures ---------------------------------------------------
function startWorker(setup: RunSetup): Worker {
  return new Worker(`require(${JSON.stringify(__filename)})`, { eval: true, workerData: setup });
}

const waitFor = <T>(worker: Worker, type: string) =>
  new Promise<T>((resolve, reject) => {
    worker.on('message', (m: { type: string }) => m.type === type && resolve(m as T));
    worker.once('error', reject);
  });

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      deployments: { type: 'string', default: '20' },
      rate: { type: 'string', default: '500' },
      seconds: { type: 'string', default: '10' },
      warmup: { type: 'string', default: '2' },
      runs: { type: 'string', default: '3' },
      writer: { type: 'boolean', default: false },
      'writer-flush-ms': { type: 'string' },
    },
  });
  const settings: Settings = { deployments: Number(values.deployments), rate: Number(values.rate), seconds: Number(values.seconds), warmup: Number(values.warmup), writer: values.writer!, writerFlushMs: values['writer-flush-ms'] ? Number(values['writer-flush-ms']) : undefined };
  const { Logger } = await import('@nestjs/common');
  Logger.overrideLogger(['error', 'warn']);
  const { createTestDatabase } = await import('@deploysphere/testing');
  const { requireRedis } = await import(join(__dirname, '../../test/support/log-services'));
  const { startGateway, seedTenant } = await import(join(__dirname, '../../test/e2e/gateway/gateway-harness'));
  const redisUrl: string = await requireRedis();
  const db = await createTestDatabase('postgres');
  const gateway = await startGateway({ DATABASE_URL: db.url, REDIS_URL: redisUrl, LOG_LEVEL: 'error' });
  const tenant = await seedTenant(gateway.prisma);
  const results: { p50: number; p99: number; max: number; lines: number }[] = [];
  try {
    for (let run = 1; run <= Number(values.runs); run++) {
      const deploymentIds: string[] = [];
      for (let i = 0; i < settings.deployments; i++) deploymentIds.push(await tenant.deploymentId());
      const base = { ...settings, redisUrl, gatewayUrl: gateway.url, token: tenant.token, deploymentIds };
      const clientWorker = startWorker({ ...base, role: 'clients' });
      const received = waitFor<{ latencies: number[]; errors: number }>(clientWorker, 'done');
      await waitFor(clientWorker, 'ready');
      const buildWorker = startWorker({ ...base, role: 'builds' });
      const { written } = await waitFor<{ written: number }>(buildWorker, 'done');
      const { latencies, errors } = await received;
      await Promise.all([clientWorker.terminate(), buildWorker.terminate()]);
      if (errors > 0) throw new Error(`run ${run}: ${errors} lines out of order, missing or duplicated`);
      latencies.sort((a, b) => a - b);
      const r = { p50: percentile(latencies, 0.5), p99: percentile(latencies, 0.99), max: latencies[latencies.length - 1], lines: written };
      results.push(r);
      process.stdout.write(`run ${run}: ${written} lines, ${latencies.length} measured: p50 ${r.p50.toFixed(2)} ms, p99 ${r.p99.toFixed(2)} ms, max ${r.max.toFixed(1)} ms\n`);
    }
  } finally {
    await gateway.close();
    await db.close();
  }
  const mode = settings.writer ? `through BuildLogWriter (flushIntervalMs ${settings.writerFlushMs ?? 'runner default'})` : 'from LogSink.write';
  process.stdout.write(
    `\nlive latency, ${settings.deployments} deployments x ${settings.rate} lines/s, ${settings.seconds} s each, ${mode}, median of ${results.length} runs: ` +
      `p50 ${median(results.map((r) => r.p50)).toFixed(2)} ms, p99 ${median(results.map((r) => r.p99)).toFixed(2)} ms (target p50 <= 20, p99 <= 100)\n`,
  );
}

if (isMainThread) {
  main().then(
    () => process.exit(0),
    (err) => {
      process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
      process.exit(1);
    },
  );
} else {
  const setup = workerData as RunSetup;
  (setup.role === 'builds' ? builds(setup) : clients(setup)).catch((err) => {
    process.stderr.write(`${setup.role}: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  });
}
