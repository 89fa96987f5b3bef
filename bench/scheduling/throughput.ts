/**
 * Scheduling throughput (distributed mode): how many deployments per second go from the
 * API request to READY when the build itself costs nothing. Target: >= 200 deployments/s.
 *
 *   node -r ./bench/register.js bench/scheduling/throughput.ts     (or bench/scheduling/run.sh)
 *
 * Three processes, as in distributed mode, over PostgreSQL and the real Kafka broker:
 *  - api child: CoreModule + ApiModule (HTTP on a free loopback port), relay on;
 *  - orchestrator child: CoreModule + OrchestratorModule, relay on, BUILD_RUNNER replaced by
 *    NoopBuildRunner (each build succeeds at once with a one-file artifact, so storing the
 *    artifact, READY, the alias move and every event still happen);
 *  - this process: the client. It creates the team, token and projects through the API, then
 *    uploads DEPLOYMENTS tiny gzipped tars (POST /v1/projects/:id/deployments, application/gzip:
 *    the README's deploy) and polls the database until every one is READY.
 * Everything else is the production code path: the upload is checked and stored in the fs
 * artifact store (a data dir both children share), the row + DeploymentRequested go through the
 * outbox, the relay publishes to Kafka, the orchestrator's consumer accepts it, the scheduler
 * claims it, the pipeline extracts the upload, "builds", stores the artifact in the fs store,
 * sends its build log lines to the Kafka log topic (no log-ingest runs, so they are not stored)
 * and moves it to READY. Live logs stay in process (no REDIS_URL).
 *
 * End to end = from the moment the client sends the upload request to deployments.ready_at (both
 * wall clock on this machine). Throughput = DEPLOYMENTS / (last ready_at - first request sent).
 * Deployments spread over PROJECTS projects (one build at a time per project): the first
 * deployment of each project is PRODUCTION (it moves the alias), the others are uploaded PREVIEWs,
 * which are never superseded, so every request must end READY (one that does not fails the run;
 * its figures are still printed, over the deployments that ended). Also printed, per deployment:
 * database statements and CPU time of each process (load-independent, unlike the rate on a
 * shared machine), and the CPU the shared PostgreSQL and Kafka used meanwhile (upper bounds:
 * whatever else uses them counts too).
 *
 * Topics (KAFKA_TOPIC_PREFIX) and consumer groups (KAFKA_GROUP_PREFIX) are prefixed per run
 * (`bench.<run>.`), so the shared broker's platform topics are left alone; both are deleted at the
 * end, with the scratch database.
 *
 * Settings (environment):
 *  - DEPLOYMENTS=2000, PROJECTS=500, WARMUP=50 deployments first (not measured);
 *  - CLIENTS=32 requests in flight (burst, the default), or RATE=<n>/s open loop at a fixed rate,
 *    or DRAIN=1: every request goes in first with the outbox relays and the scheduler paused
 *    (rows QUEUED, their DeploymentRequested events held in the outbox), then both resume: the
 *    rate is the handling of deployments.requested end to end, from the backlog's publication to
 *    the last READY (publish, consume, accept, claim, no-op build, artifact, READY) without the
 *    api's HTTP intake competing for the CPU; CPU, statements and the profile count this phase
 *    only, and latencies include the pause;
 *  - ORCHESTRATORS=1: how many orchestrator processes (one consumer group; the CPU and statements
 *    printed for "orchestrator" are their sum, PROFILE=orchestrator profiles the first);
 *  - BUILD_CONCURRENCY=256; LOG_LEVEL=info (the production default; the children log to files,
 *    kept when the run fails or BENCH_KEEP_LOGS=1);
 *    BENCH_CHILD_ENV='{"DATABASE_POOL_SIZE":"20"}' for any other setting of both children;
 *  - KAFKA_BROKERS (default 127.0.0.1:9092), TEST_POSTGRES_URL;
 *  - PROFILE=api|orchestrator: a V8 CPU profile of that child during the measured phase (the path
 *    is printed; open it in Chrome DevTools); STATEMENTS=1: which statements each process sent,
 *    per deployment.
 * Prints a human summary and a `RESULT {json}` line.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Test } from '@nestjs/testing';
import { Logger as PinoLogger } from 'nestjs-pino';
import { Kafka, logLevel } from 'kafkajs';
import { Client as PgClient } from 'pg';
import { pack } from 'tar-stream';
import { CoreModule } from '@deploysphere/bootstrap';
import { BUILD_RUNNER } from '../../apps/orchestrator/src/runner';
import { connectIntegrationEvents, OutboxRelay } from '@deploysphere/messaging';
import { createTestDatabase } from '@deploysphere/testing';
import { ApiModule } from '../../apps/api/src/api.module';
import { configureApi } from '../../apps/api/src/http/configure-api';
import { BuildScheduler } from '../../apps/orchestrator/src/builds/build-scheduler';
import { OrchestratorModule } from '../../apps/orchestrator/src/orchestrator.module';
import { NoopBuildRunner } from './noop-runner';

const BROKERS = (process.env.KAFKA_BROKERS || '127.0.0.1:9092').split(',').map((b) => b.trim());
const DEPLOYMENTS = Number(process.env.DEPLOYMENTS ?? 2000);
const PROJECTS = Number(process.env.PROJECTS ?? 500);
const CLIENTS = Number(process.env.CLIENTS ?? 32);
const RATE = process.env.RATE ? Number(process.env.RATE) : undefined;
const WARMUP = Number(process.env.WARMUP ?? 50);
const CONCURRENCY = process.env.BUILD_CONCURRENCY ?? '256';
const TIMEOUT_MS = Number(process.env.BENCH_TIMEOUT_S ?? 180) * 1000;
const DRAIN = process.env.DRAIN === '1';
const ORCHESTRATORS = Number(process.env.ORCHESTRATORS ?? 1);

type Role = 'api' | 'orchestrator';
type Counters = { queries: number; cpuMs: number; kernelCpuMs: number; statements: Record<string, number> };
type FromChild = { ready: true; port?: number } | Counters | { profiled: string } | { held: boolean };
type ToChild = { stop?: true; count?: true; profile?: 'start' | 'stop'; hold?: boolean };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// ---------------------------------------------------------------------------------------------
// Children

async function child(role: Role): Promise<void> {
  // Counts the statements this process sends (each is a database round trip).
  let queries = 0;
  const byText = new Map<string, number>();
  const query = PgClient.prototype.query;
  PgClient.prototype.query = function (this: PgClient, ...args: unknown[]) {
    queries++;
    if (process.env.STATEMENTS) {
      const first = args[0] as string | { text?: string };
      const text = (typeof first === 'string' ? first : (first?.text ?? '?')).replace(/\s+/g, ' ').trim().slice(0, 110);
      byText.set(text, (byText.get(text) ?? 0) + 1);
    }
    return (query as (...a: unknown[]) => unknown).apply(this, args);
  } as typeof query;
  // Exactly the app's own composition (transport, log topics and all from the environment),
  // except for the build runner.
  let builder = Test.createTestingModule({ imports: [CoreModule.forRoot({ app: role }), role === 'api' ? ApiModule : OrchestratorModule] });
  if (role === 'orchestrator') builder = builder.overrideProvider(BUILD_RUNNER).useValue(new NoopBuildRunner());
  const moduleRef = await builder.compile();
  const app = moduleRef.createNestApplication<NestExpressApplication>({ bodyParser: false, bufferLogs: true, abortOnError: false });
  app.useLogger(app.get(PinoLogger));
  let port: number | undefined;
  if (role === 'api') {
    configureApi(app, { jsonBodyLimit: '1mb' });
    await app.listen(0, '127.0.0.1');
    port = (app.getHttpServer().address() as { port: number }).port;
  } else {
    await app.init();
    await connectIntegrationEvents(app);
  }
  process.send!({ ready: true, port } satisfies FromChild);
  process.on('disconnect', () => process.exit(0));
  const profiler = new Session();
  const post = (method: string, params?: object) =>
    new Promise<unknown>((ok, fail) => profiler.post(method, params ?? {}, (err, result) => (err ? fail(err) : ok(result))));
  process.on('message', async (m: ToChild) => {
    if (m.count) {
      const cpu = process.cpuUsage();
      process.send!({ queries, cpuMs: (cpu.user + cpu.system) / 1000, kernelCpuMs: cpu.system / 1000, statements: Object.fromEntries(byText) } satisfies FromChild);
    }
    // DRAIN=1: while the requests go in, no relay publishes (the outbox is shared: both children's
    // relays publish it) and the orchestrator's scheduler claims nothing (it reads the queue from
    // the table, the event only wakes it); then both resume.
    if (m.hold === true) {
      await app.get(OutboxRelay).onModuleDestroy();
      if (role === 'orchestrator') await app.get(BuildScheduler).onModuleDestroy();
      process.send!({ held: true } satisfies FromChild);
    }
    if (m.hold === false) {
      app.get(OutboxRelay).onApplicationBootstrap();
      if (role === 'orchestrator') app.get(BuildScheduler).onApplicationBootstrap();
      process.send!({ held: false } satisfies FromChild);
    }
    if (m.profile === 'start') {
      profiler.connect();
      await post('Profiler.enable');
      await post('Profiler.setSamplingInterval', { interval: 500 });
      await post('Profiler.start');
    }
    if (m.profile === 'stop') {
      const { profile } = (await post('Profiler.stop')) as { profile: object };
      const dir = join(tmpdir(), 'ds-sched-bench-profiles');
      mkdirSync(dir, { recursive: true });
      const file = join(dir, `${role}-${process.pid}.cpuprofile`);
      writeFileSync(file, JSON.stringify(profile));
      process.send!({ profiled: file } satisfies FromChild);
    }
    if (!m.stop) return;
    await app.close();
    process.exit(0);
  });
}

// ---------------------------------------------------------------------------------------------
// Client

interface Started {
  proc: ChildProcess;
  port?: number;
}

function startChild(role: Role, env: NodeJS.ProcessEnv, logFile: string): Promise<Started> {
  const proc = fork(__filename, ['--role', role], { env, stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
  const log = createWriteStream(logFile);
  proc.stdout!.pipe(log);
  proc.stderr!.pipe(log);
  return new Promise((resolveReady, reject) => {
    proc.on('message', (m: FromChild) => 'ready' in m && resolveReady({ proc, port: m.port }));
    proc.once('exit', (code) => reject(new Error(`${role} process exited (${code}) during start-up; see ${logFile}`)));
  });
}

async function stopChild(c: Started | undefined): Promise<void> {
  if (!c) return;
  if (!c.proc.connected) {
    c.proc.kill();
    return;
  }
  const exited = new Promise<void>((r) => c.proc.once('exit', () => r()));
  c.proc.send({ stop: true } satisfies ToChild);
  // It closes the app, then exits.
  await Promise.race([exited, sleep(30_000)]);
  c.proc.kill();
}

/**
 * CPU time (ms) used so far by the processes named `comm` (PostgreSQL backends and the postmaster,
 * whose reaped children count too; the Kafka JVM). These services are shared: anything else
 * running on the machine is counted as well, so it is an upper bound.
 */
function serviceCpuMs(comm: string): number {
  let ticks = 0;
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    let stat: string;
    try {
      stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    } catch {
      continue;
    }
    const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    if (name !== comm) continue;
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    ticks += Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]);
  }
  return (ticks * 1000) / 100; // USER_HZ
}

function counters(c: Started): Promise<Counters> {
  return new Promise((resolveCount) => {
    const on = (m: FromChild) => {
      if (!('queries' in m)) return;
      c.proc.off('message', on);
      resolveCount(m);
    };
    c.proc.on('message', on);
    c.proc.send({ count: true } satisfies ToChild);
  });
}

/** The api's counters, and the orchestrators' summed. */
async function allCounters(api: Started, orchestrators: Started[]): Promise<[Counters, Counters]> {
  const [a, ...os] = await Promise.all([api, ...orchestrators].map(counters));
  const statements: Record<string, number> = {};
  for (const o of os) for (const [text, n] of Object.entries(o.statements)) statements[text] = (statements[text] ?? 0) + n;
  return [a, { queries: os.reduce((n, o) => n + o.queries, 0), cpuMs: os.reduce((n, o) => n + o.cpuMs, 0), kernelCpuMs: os.reduce((n, o) => n + o.kernelCpuMs, 0), statements }];
}

function hold(c: Started, held: boolean): Promise<void> {
  return new Promise((done) => {
    const on = (m: FromChild) => {
      if (!('held' in m)) return;
      c.proc.off('message', on);
      done();
    };
    c.proc.on('message', on);
    c.proc.send({ hold: held } satisfies ToChild);
  });
}

async function tinySite(): Promise<Buffer> {
  const archive = pack();
  const chunks: Buffer[] = [];
  const done = (async () => {
    for await (const chunk of archive) chunks.push(chunk as Buffer);
  })();
  const html = Buffer.from('<!doctype html><h1>bench</h1>\n');
  await new Promise<void>((r, j) => archive.entry({ name: './index.html', size: html.length, mode: 0o644 }, html, (e) => (e ? j(e) : r())));
  archive.finalize();
  await done;
  return gzipSync(Buffer.concat(chunks));
}

async function pool<T>(items: T[], width: number, work: (item: T, i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(width, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        await work(items[i], i);
      }
    }),
  );
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

const round = (n: number) => Math.round(n * 10) / 10;

async function main(): Promise<void> {
  const runId = `${process.pid}-${randomBytes(3).toString('hex')}`;
  const topicPrefix = `bench.${runId}.`;
  const groupPrefix = `bench.${runId}.`;
  const dataDir = mkdtempSync(join(tmpdir(), 'ds-sched-bench-'));
  const db = await createTestDatabase('postgres');
  const adminToken = `admin_${randomBytes(24).toString('hex')}`;
  const childEnv: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: 'production',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'info',
    DATABASE_URL: db.url,
    DATABASE_MIGRATE_ON_START: 'false',
    DEPLOYSPHERE_DATA_DIR: dataDir,
    DEPLOYSPHERE_ADMIN_TOKEN: adminToken,
    DEPLOYSPHERE_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    KAFKA_BROKERS: BROKERS.join(','),
    KAFKA_GROUP_PREFIX: groupPrefix,
    KAFKA_TOPIC_PREFIX: topicPrefix,
    BUILD_CONCURRENCY: CONCURRENCY,
    ...(process.env.STATEMENTS ? { STATEMENTS: '1' } : {}),
    ...(process.env.BENCH_CHILD_ENV ? (JSON.parse(process.env.BENCH_CHILD_ENV) as Record<string, string>) : {}),
  };
  const logDir = mkdtempSync(join(tmpdir(), 'ds-sched-bench-logs-'));
  let api: Started | undefined;
  let orchestrators: Started[] = [];
  let succeeded = false;
  try {
    [api, ...orchestrators] = await Promise.all([
      startChild('api', childEnv, join(logDir, 'api.log')),
      // Several: one consumer group, each its own instance id (the default, the host name, is shared here).
      ...Array.from({ length: ORCHESTRATORS }, (_, i) =>
        startChild('orchestrator', { ...childEnv, ORCHESTRATOR_INSTANCE_ID: `bench-${runId}-${i}` }, join(logDir, `orchestrator-${i}.log`)),
      ),
    ]);
    const base = `http://127.0.0.1:${api.port}`;
    const call = async (token: string, method: string, path: string, body?: unknown, type = 'application/json') => {
      const res = await fetch(base + path, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': type }) },
        body: body === undefined ? undefined : Buffer.isBuffer(body) ? body : JSON.stringify(body),
      });
      const text = await res.text();
      if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text.slice(0, 300)}`);
      return JSON.parse(text) as { id: string; token: string };
    };

    const team = await call(adminToken, 'POST', '/v1/teams', { name: 'Bench' });
    const { token } = await call(adminToken, 'POST', `/v1/teams/${team.id}/tokens`, { name: 'bench' });
    const projects: string[] = new Array(PROJECTS);
    await pool([...Array(PROJECTS).keys()], 16, async (i) => {
      projects[i] = (await call(token, 'POST', '/v1/projects', { name: `Bench ${runId} ${i}` })).id;
    });
    const archive = await tinySite();
    const deploy = (projectId: string, target: 'PRODUCTION' | 'PREVIEW') =>
      call(token, 'POST', `/v1/projects/${projectId}/deployments?target=${target}`, archive, 'application/gzip');

    /** Waits until every deployment ended; how many did not end READY (by status). */
    const waitAll = async (ids: string[], what: string): Promise<Record<string, number>> => {
      const deadline = Date.now() + TIMEOUT_MS;
      for (;;) {
        const rows = await db.pool.query<{ status: string; n: number }>(
          'SELECT status::text AS status, count(*)::int AS n FROM deployments WHERE id = ANY($1) GROUP BY status',
          [ids],
        );
        const by: Record<string, number> = Object.fromEntries(rows.rows.map((r) => [r.status, r.n]));
        const notReady = Object.fromEntries(Object.entries(by).filter(([status]) => status !== 'READY'));
        const ended = ['READY', 'FAILED', 'CANCELED', 'TIMED_OUT'].reduce((n, status) => n + (by[status] ?? 0), 0);
        if (ended === ids.length) return notReady;
        if (Date.now() > deadline) throw new Error(`${what}: not all ended within ${TIMEOUT_MS / 1000} s: ${JSON.stringify(by)}`);
        await sleep(50);
      }
    };

    // Warm-up: JIT, pools, the consumer's first fetches. Not measured.
    const warm: string[] = [];
    await pool([...Array(WARMUP).keys()], 8, async (i) => void warm.push((await deploy(projects[i % PROJECTS], 'PREVIEW')).id));
    const warmFailed = await waitAll(warm, 'warm-up');
    if (Object.keys(warmFailed).length > 0) throw new Error(`warm-up: not all READY: ${JSON.stringify(warmFailed)}`);

    const sent = new Map<string, number>();
    let t0 = 0;
    let lastAccepted = 0;
    const one = async (i: number) => {
      const at = Date.now();
      const d = await deploy(projects[i % PROJECTS], i < PROJECTS ? 'PRODUCTION' : 'PREVIEW');
      sent.set(d.id, at);
      lastAccepted = Date.now();
    };
    const send = async () => {
      t0 = Date.now();
      if (RATE) {
        const inFlight: Promise<void>[] = [];
        for (let i = 0; i < DEPLOYMENTS; i++) {
          const wait = t0 + (i * 1000) / RATE - Date.now();
          if (wait > 0) await sleep(wait);
          inFlight.push(one(i));
        }
        await Promise.all(inFlight);
      } else {
        await pool([...Array(DEPLOYMENTS).keys()], CLIENTS, one);
      }
    };
    // DRAIN=1: every request goes in first, its DeploymentRequested held in the api's outbox; the
    // measured phase starts when the relay resumes publishing them.
    if (DRAIN) {
      await Promise.all([api, ...orchestrators].map((c) => hold(c, true)));
      await send();
    }
    const before = await allCounters(api, orchestrators);
    const servicesBefore = { postgres: serviceCpuMs('postgres'), kafka: serviceCpuMs('java') };
    const clientBefore = process.cpuUsage();
    const profiled = process.env.PROFILE === 'api' ? api : process.env.PROFILE === 'orchestrator' ? orchestrators[0] : undefined;
    profiled?.proc.send({ profile: 'start' } satisfies ToChild);
    const loadBefore = loadavg()[0];
    const drainStart = Date.now();
    if (DRAIN) await Promise.all([api, ...orchestrators].map((c) => hold(c, false)));
    else await send();
    const ids = [...sent.keys()];
    const failed = await waitAll(ids, 'measured run');
    const after = await allCounters(api, orchestrators);
    const clientCpu = process.cpuUsage(clientBefore);
    const services = { postgres: serviceCpuMs('postgres') - servicesBefore.postgres, kafka: serviceCpuMs('java') - servicesBefore.kafka };
    if (profiled) {
      const file = await new Promise<string>((done) => {
        profiled.proc.on('message', (m: FromChild) => 'profiled' in m && done(m.profiled));
        profiled.proc.send({ profile: 'stop' } satisfies ToChild);
      });
      console.log(`CPU profile of the ${process.env.PROFILE} process during the measured phase: ${file}`);
    }
    // Per deployment, each process (including its relay's and pollers' work): database statements
    // sent, and CPU time used (load-independent, unlike the rate on a shared machine).
    const perDeployment = (i: number, what: 'queries' | 'cpuMs' | 'kernelCpuMs') => round((after[i][what] - before[i][what]) / DEPLOYMENTS);
    if (process.env.STATEMENTS) {
      // Which statements make up the count (STATEMENTS=1): per deployment, most frequent first.
      for (const [i, role] of (['api', 'orchestrator'] as const).entries()) {
        console.log(`statements per deployment, ${role}:`);
        const rows = Object.entries(after[i].statements).map(([text, n]) => [text, (n - (before[i].statements[text] ?? 0)) / DEPLOYMENTS] as const);
        for (const [text, n] of rows.filter(([, n]) => n > 0).sort((a, b) => b[1] - a[1]).slice(0, 25)) console.log(`  ${n.toFixed(2).padStart(7)}  ${text}`);
      }
    }
    // Rate and latencies over every deployment that ended (a failed one ended at finished_at).
    const rows = await db.pool.query<{ id: string; ready: Date }>('SELECT id, coalesce(ready_at, finished_at) AS ready FROM deployments WHERE id = ANY($1)', [ids]);
    const latencies = rows.rows.map((r) => r.ready.getTime() - sent.get(r.id)!).sort((a, b) => a - b);
    const firstSent = Math.min(...sent.values());
    const lastReady = Math.max(...rows.rows.map((r) => r.ready.getTime()));
    const seconds = (lastReady - (DRAIN ? drainStart : firstSent)) / 1000;
    const result = {
      mode: DRAIN ? 'drain: requests held in the outbox, then published -> READY' : RATE ? `open loop ${RATE}/s` : `burst, ${CLIENTS} clients`,
      deployments: DEPLOYMENTS,
      projects: PROJECTS,
      concurrency: Number(CONCURRENCY),
      orchestrators: ORCHESTRATORS,
      perSecond: round(DEPLOYMENTS / seconds),
      acceptedPerSecond: round(DEPLOYMENTS / ((lastAccepted - t0) / 1000)),
      seconds: round(seconds),
      p50Ms: percentile(latencies, 50),
      p99Ms: percentile(latencies, 99),
      maxMs: latencies[latencies.length - 1],
      notReady: failed,
      statementsPerDeployment: { api: perDeployment(0, 'queries'), orchestrator: perDeployment(1, 'queries') },
      cpuMsPerDeployment: {
        api: perDeployment(0, 'cpuMs'),
        orchestrator: perDeployment(1, 'cpuMs'),
        client: round((clientCpu.user + clientCpu.system) / 1000 / DEPLOYMENTS),
        // Shared services: everything else using them meanwhile is counted too (upper bounds).
        postgres: round(services.postgres / DEPLOYMENTS),
        kafka: round(services.kafka / DEPLOYMENTS),
      },
      // The share of the orchestrators' CPU spent in the kernel (system calls: sockets, files).
      orchestratorKernelCpuMs: perDeployment(1, 'kernelCpuMs'),
      load: [round(loadBefore), round(loadavg()[0])],
    };
    console.log(
      `${DEPLOYMENTS} deployments over ${PROJECTS} projects (${result.mode}, BUILD_CONCURRENCY=${CONCURRENCY}): ` +
        `${result.perSecond} deployments/s ${DRAIN ? 'requested event published' : 'request'} -> READY (requests accepted at ${result.acceptedPerSecond}/s), ` +
        `latency p50 ${result.p50Ms} ms, p99 ${result.p99Ms} ms, max ${result.maxMs} ms; ` +
        `per deployment: database statements api ${result.statementsPerDeployment.api} / orchestrator ${result.statementsPerDeployment.orchestrator}, ` +
        `CPU ms api ${result.cpuMsPerDeployment.api} / orchestrator ${result.cpuMsPerDeployment.orchestrator} (kernel ${result.orchestratorKernelCpuMs}) / this client ${result.cpuMsPerDeployment.client} ` +
        `(shared PostgreSQL <= ${result.cpuMsPerDeployment.postgres}, Kafka <= ${result.cpuMsPerDeployment.kafka}); ` +
        `load ${result.load.join('→')}`,
    );
    console.log(`RESULT ${JSON.stringify(result)}`);
    const failures = Object.values(failed).reduce((a, b) => a + b, 0);
    if (failures > 0) {
      const reasons = await db.pool.query<{ code: string; message: string; n: number }>(
        `SELECT failure_code AS code, left(failure_message, 160) AS message, count(*)::int AS n FROM deployments
         WHERE id = ANY($1) AND status <> 'READY' GROUP BY 1, 2 ORDER BY n DESC LIMIT 5`,
        [ids],
      );
      console.log(`FAILED: ${failures} of ${DEPLOYMENTS} deployments did not end READY ${JSON.stringify(failed)}: ${JSON.stringify(reasons.rows)}`);
      process.exitCode = 1;
    }
    succeeded = failures === 0;
  } finally {
    await Promise.all([api, ...orchestrators].map(stopChild));
    // The children's logs are kept only when something went wrong (or BENCH_KEEP_LOGS=1).
    if (succeeded && !process.env.BENCH_KEEP_LOGS) rmSync(logDir, { recursive: true, force: true });
    else console.log(`the api's and orchestrator's logs: ${logDir}`);
    await db.close().catch(() => undefined);
    rmSync(dataDir, { recursive: true, force: true });
    await deleteTopicsAndGroups(topicPrefix, groupPrefix);
  }
}

async function deleteTopicsAndGroups(topicPrefix: string, groupPrefix: string): Promise<void> {
  const admin = new Kafka({ clientId: 'ds-bench-admin', brokers: BROKERS, logLevel: logLevel.NOTHING }).admin();
  try {
    await admin.connect();
    const topics = (await admin.listTopics()).filter((t) => t.startsWith(topicPrefix));
    if (topics.length > 0) await admin.deleteTopics({ topics });
    const groups = (await admin.listGroups()).groups.map((g) => g.groupId).filter((g) => g.startsWith(groupPrefix));
    if (groups.length > 0) await admin.deleteGroups(groups).catch(() => undefined);
  } catch {
    // Best effort: leftover bench topics are harmless to the platform's own.
  } finally {
    await admin.disconnect();
  }
}

const roleArg = process.argv.indexOf('--role');
if (roleArg >= 0) {
  child(process.argv[roleArg + 1] as Role).catch((err) => {
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
