import { DeleteBucketCommand, DeleteObjectsCommand, GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, S3Client, CreateBucketCommand } from '@aws-sdk/client-s3';
import { createTestDatabase, type TestDatabase } from '@deploysphere/testing';
import Docker from 'dockerode';
import { Kafka, logLevel } from 'kafkajs';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ClientToServerEvents, ServerToClientEvents } from '@deploysphere/contracts';
import { io, type Socket } from 'socket.io-client';
import * as stack from '../../scripts/distributed/stack';
import type { AppName, Env } from '../../scripts/distributed/stack';
import { builderImage, REPO_ROOT } from './builds';
import { requireClickHouse, requireKafka, requireRedis, type TestClickHouse } from './log-services';
import { motoEndpoint } from './moto';
import { freePort } from './ports';
export { get as edgeGet } from '../../apps/edge-router/test-support/edge-client';

/**
 * The distributed stack as separate OS processes for end-to-end tests, configured by the same
 * code as `npm run start:distributed` (scripts/distributed/stack.js): each app runs from `dist/`
 * (`npm run build` first; scripts/test.sh builds before jest) with its own data dir, against
 * real services on loopback, all of them scratch for this run:
 *
 *  - a scratch PostgreSQL database (createTestDatabase), migrated by the launcher's migrate step;
 *  - Kafka: topics AND groups under `test.<runId>.` (KAFKA_TOPIC_PREFIX, KAFKA_GROUP_PREFIX) and
 *    its own client id, so runs sharing the broker neither consume nor replay each other's events;
 *  - Redis (keys are per deployment id), a fresh ClickHouse database, a fresh moto S3 bucket;
 *  - the Docker runner with the locally built builder image.
 *
 * Each process's stdout+stderr goes to `<stateDir>/logs/<name>.log`; `explain()` appends every
 * tail to a failing test's error. `kill(name)` sends kill -9, `startProcess()` starts one more
 * (or a replacement) instance. `stop()` tears everything down: the processes, the containers and
 * volumes the builds left, the Kafka topics and groups, the bucket, the ClickHouse database and
 * the scratch database.
 */

export const BUILD_LABELS = { role: 'io.deploysphere.role', deployment: 'io.deploysphere.deployment-id', project: 'io.deploysphere.project-id' };

export interface StackResources {
  runId: string;
  /** The environment every process starts from (no variable of the test runner's own leaks in). */
  env: Env;
  /** Per-process data dirs, logs and (for the launcher) its state. */
  stateDir: string;
  db: TestDatabase;
  s3: S3Client;
  bucket: string;
  clickhouse: TestClickHouse;
  kafka: { brokers: string[]; prefix: string };
  adminToken: string;
}


/** Variables of the test runner passed on to the apps; everything else is set explicitly. */
const INHERITED = ['PATH', 'HOME', 'LANG', 'TMPDIR', 'DOCKER_HOST', 'NODE_EXTRA_CA_CERTS', 'SSL_CERT_FILE', 'SSL_CERT_DIR'];

/** Creates this run's scratch resources and the base environment of every process. */
export async function prepareStack(overrides: Env = {}): Promise<StackResources> {
  const runId = `${process.pid}-${randomBytes(3).toString('hex')}`;
  const [redisUrl, clickhouse, brokers, endpoint, image] = await Promise.all([requireRedis(), requireClickHouse(), requireKafka(), motoEndpoint(), builderImage()]);
  const db = await createTestDatabase('postgres', { migrate: false });
  const region = process.env.AWS_REGION ?? 'us-east-1';
  const credentials = { accessKeyId: process.env.AWS_ACCESS_KEY_ID ?? 'test', secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY ?? 'test' };
  const s3 = new S3Client({ region, endpoint, forcePathStyle: true, credentials });
  const bucket = `ds-dist-${runId.replace(/[^a-z0-9]/g, '-')}`;
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  const stateDir = mkdtempSync(join(tmpdir(), 'ds-stack-'));
  mkdirSync(join(stateDir, 'logs'));
  const prefix = `test.${runId}.`;
  const adminToken = `admin_${randomBytes(24).toString('hex')}`;
  const env: Env = {};
  for (const name of INHERITED) if (process.env[name] !== undefined) env[name] = process.env[name];
  Object.assign(env, {
    NODE_ENV: 'test',
    LOG_LEVEL: 'info',
    BIND_HOST: '127.0.0.1',
    DATABASE_URL: db.url,
    DATABASE_POOL_SIZE: '5',
    DEPLOYSPHERE_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    DEPLOYSPHERE_ADMIN_TOKEN: adminToken,
    KAFKA_BROKERS: brokers.join(','),
    KAFKA_CLIENT_ID: `ds-test-${runId}`,
    KAFKA_GROUP_PREFIX: prefix,
    KAFKA_TOPIC_PREFIX: prefix,
    KAFKA_PARTITIONS: '3',
    // A killed process's partitions move to the others within seconds.
    KAFKA_SESSION_TIMEOUT_MS: '6000',
    REDIS_URL: redisUrl,
    CLICKHOUSE_URL: clickhouse.url,
    CLICKHOUSE_DATABASE: clickhouse.database,
    LOG_BATCH_MAX_AGE_MS: '200',
    LOG_LIVE_BUFFER_TTL_SECONDS: '600',
    S3_BUCKET: bucket,
    S3_ENDPOINT: endpoint,
    S3_REGION: region,
    AWS_REGION: region,
    AWS_ACCESS_KEY_ID: credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
    BUILD_RUNNER: 'docker',
    BUILDER_IMAGE: image,
    BUILD_QUEUE_POLL_MS: '200',
    EDGE_ACCESS_LOG_FLUSH_MS: '200',
    ...overrides,
  });
  return { runId, env, stateDir, db, s3, bucket, clickhouse, kafka: { brokers, prefix }, adminToken };
}

/** Drops everything `prepareStack` created and whatever the builds left in Docker. */
export async function releaseStack(r: StackResources): Promise<void> {
  const problems: string[] = [];
  const attempt = async (what: string, fn: () => Promise<unknown>) => {
    try {
      await fn();
    } catch (err) {
      problems.push(`${what}: ${(err as Error).message}`);
    }
  };
  await attempt('docker', async () => {
    const deployments = (await r.db.pool.query<{ id: string }>('SELECT id FROM deployments').catch(() => ({ rows: [] }))).rows.map((d) => d.id);
    const projects = (await r.db.pool.query<{ id: string }>('SELECT id FROM projects').catch(() => ({ rows: [] }))).rows.map((p) => p.id);
    const docker = new Docker();
    const ours = new Set(deployments);
    for (const c of await docker.listContainers({ all: true, filters: { label: [`${BUILD_LABELS.role}=build`] } })) {
      if (ours.has(c.Labels[BUILD_LABELS.deployment])) await docker.getContainer(c.Id).remove({ force: true, v: true }).catch(() => undefined);
    }
    for (const volume of [...deployments.map((d) => `ds-build-${d}`), ...projects.map((p) => `ds-cache-${p}`)]) await docker.getVolume(volume).remove().catch(() => undefined);
  });
  await attempt('kafka', async () => {
    const admin = new Kafka({ clientId: `ds-test-cleanup-${r.runId}`, brokers: r.kafka.brokers, logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    try {
      const groups = (await admin.listGroups()).groups.map((g) => g.groupId).filter((g) => g.startsWith(r.kafka.prefix));
      if (groups.length > 0) await admin.deleteGroups(groups).catch(() => undefined);
      const topics = (await admin.listTopics()).filter((t) => t.startsWith(r.kafka.prefix));
      if (topics.length > 0) await admin.deleteTopics({ topics });
    } finally {
      await admin.disconnect();
    }
  });
  await attempt('s3', async () => {
    for (;;) {
      const page = await r.s3.send(new ListObjectsV2Command({ Bucket: r.bucket, MaxKeys: 1000 }));
      const keys = (page.Contents ?? []).map((o) => ({ Key: o.Key! }));
      if (keys.length === 0) break;
      await r.s3.send(new DeleteObjectsCommand({ Bucket: r.bucket, Delete: { Objects: keys } }));
    }
    await r.s3.send(new DeleteBucketCommand({ Bucket: r.bucket }));
    r.s3.destroy();
  });
  await attempt('clickhouse', () => r.clickhouse.drop());
  await attempt('postgres', () => r.db.close());
  if (!process.env.TEST_KEEP_STACK) rmSync(r.stateDir, { recursive: true, force: true });
  if (problems.length > 0) throw new Error(`tearing the stack down: ${problems.join('; ')}`);
}

export interface StackProcess {
  name: string;
  app: AppName;
  instance: number;
  port: number;
  /** Where it answers /metrics (the api, orchestrator, log-ingest and gateway on their port, the edge on its management port). */
  metricsUrl: string;
  pid: number;
  env: Env;
  log: string;
  child: ChildProcess;
  alive: boolean;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** The last `lines` lines of a file (empty when it does not exist). */
export function tailOf(file: string, lines = 60): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-lines - 1).join('\n');
  } catch {
    return '';
  }
}

/** Every process as its own OS process, started and stopped one by one (the crash tests). */
export class ProcessStack {
  readonly processes = new Map<string, StackProcess>();

  private constructor(readonly resources: StackResources) {}

  /** Prepares the resources, migrates once, then starts each app of `counts` (default one of each) and waits for every /readyz. */
  static async start(options: { counts?: Partial<Record<AppName, number>>; env?: Env } = {}): Promise<ProcessStack> {
    const resources = await prepareStack(options.env);
    const s = new ProcessStack(resources);
    try {
      await stack.migrate(resources.env);
      const counts = { api: 1, orchestrator: 1, 'log-ingest': 1, gateway: 1, 'edge-router': 1, ...options.counts };
      // Started together, as the launcher does; each waits for its own readiness.
      const starts: Promise<StackProcess>[] = [];
      for (const app of stack.APPS) for (let i = 1; i <= counts[app]; i++) starts.push(s.startProcess(app, i));
      const failed = (await Promise.allSettled(starts)).find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed) throw failed.reason;
    } catch (err) {
      const failure = s.withTails(err);
      await s.stop().catch(() => undefined);
      throw failure;
    }
    return s;
  }

  /**
   * Starts instance `instance` of `app` (a new one, or the replacement of a dead one) and waits
   * until it is ready. A free port can be taken by someone else between the probe and the bind:
   * a start that fails with EADDRINUSE is retried on another port.
   */
  async startProcess(app: AppName, instance: number, env: Env = {}): Promise<StackProcess> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.startOnce(app, instance, env);
      } catch (err) {
        const p = this.processes.get(stack.processName(app, instance));
        if (attempt >= 3 || !p || p.alive || !tailOf(p.log, 30).includes('EADDRINUSE')) throw err;
      }
    }
  }

  private async startOnce(app: AppName, instance: number, env: Env): Promise<StackProcess> {
    const port = await freePort();
    const managementPort = stack.MANAGEMENT_PORTS[app] ? await freePort() : undefined;
    const plan = stack.planProcess(app, instance, { env: { ...this.resources.env, ...env }, stateDir: this.resources.stateDir, port, managementPort });
    const log = join(this.resources.stateDir, 'logs', `${plan.name}.log`);
    const fd = openSync(log, 'a');
    writeSync(fd, `==== ${new Date().toISOString()} starting ${plan.name} on port ${port}\n`);
    const child = spawn(process.execPath, [plan.entry], { cwd: REPO_ROOT, env: plan.env as NodeJS.ProcessEnv, stdio: ['ignore', fd, fd] });
    closeSync(fd);
    const proc: StackProcess = {
      name: plan.name,
      app,
      instance,
      port,
      metricsUrl: plan.metricsUrl!,
      pid: child.pid!,
      env: plan.env,
      log,
      child,
      alive: true,
      exited: new Promise((resolve) =>
        child.once('exit', (code, signal) => {
          proc.alive = false;
          resolve({ code, signal });
        }),
      ),
    };
    this.processes.set(plan.name, proc);
    try {
      await stack.waitReady(plan.readyUrl!, { timeoutMs: 120_000, exited: () => !proc.alive });
    } catch (err) {
      throw new Error(`${plan.name} did not become ready: ${(err as Error).message}\n--- ${plan.name} ---\n${tailOf(log)}`);
    }
    return proc;
  }

  process(name: string): StackProcess {
    const p = this.processes.get(name);
    if (!p) throw new Error(`no process ${name} (have ${[...this.processes.keys()].join(', ')})`);
    return p;
  }

  url(name: string): string {
    return `http://127.0.0.1:${this.process(name).port}`;
  }

  /** Signals a process (kill -9 by default) and waits until it is gone. */
  async kill(name: string, signal: NodeJS.Signals = 'SIGKILL'): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    const p = this.process(name);
    if (p.alive) p.child.kill(signal);
    return p.exited;
  }

  /** Every process's log tail, for a failure message. */
  tails(lines = 40): string {
    return [...this.processes.values()].map((p) => `--- ${p.name} (pid ${p.pid}, ${p.alive ? 'running' : 'exited'}) ${p.log}\n${tailOf(p.log, lines)}`).join('\n');
  }

  withTails(err: unknown): Error {
    const e = err instanceof Error ? err : new Error(String(err));
    e.message = `${e.message}\n\n${this.tails()}`;
    return e;
  }

  /** Runs a test body; a failure carries every process's log tail. */
  async explain<T>(body: () => Promise<T>): Promise<T> {
    try {
      return await body();
    } catch (err) {
      throw this.withTails(err);
    }
  }

  /** SIGTERM to every process (SIGKILL after 20 s), then releases every resource. */
  async stop(): Promise<void> {
    const alive = [...this.processes.values()].filter((p) => p.alive);
    for (const p of alive) p.child.kill('SIGTERM');
    const timer = setTimeout(() => alive.forEach((p) => p.alive && p.child.kill('SIGKILL')), 20_000);
    await Promise.all(alive.map((p) => p.exited));
    clearTimeout(timer);
    await releaseStack(this.resources);
  }
}

// ---- talking to the stack ------------------------------------------------------------------

export interface ApiResponse {
  status: number;
  body: any;
}

/** One request to the api process. */
export async function apiCall(base: string, method: string, path: string, token: string, body?: unknown): Promise<ApiResponse> {
  const headers: Record<string, string> = { authorization: `Bearer ${token}` };
  let payload: string | Uint8Array | undefined;
  if (Buffer.isBuffer(body)) {
    headers['content-type'] = 'application/gzip';
    payload = new Uint8Array(body);
  } else if (body !== undefined) {
    headers['content-type'] = 'application/json';
    payload = JSON.stringify(body);
  }
  const res = await fetch(`${base}${path}`, { method, headers, body: payload });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON: kept as text
  }
  return { status: res.status, body: parsed };
}

/** Fails with what it got when a response is not the expected status. */
export function expectStatus(res: ApiResponse, status: number, what: string): ApiResponse {
  if (res.status !== status) throw new Error(`${what}: expected HTTP ${status}, got ${res.status} ${JSON.stringify(res.body).slice(0, 500)}`);
  return res;
}

/** A team and a read/write token for it, through the admin API. */
export async function createTeamToken(base: string, adminToken: string, name: string): Promise<string> {
  const team = expectStatus(await apiCall(base, 'POST', '/v1/teams', adminToken, { name }), 201, 'create team');
  return expectStatus(await apiCall(base, 'POST', `/v1/teams/${team.body.id}/tokens`, adminToken, { name: `${name} token` }), 201, 'create token').body.token;
}

export const TERMINAL = ['READY', 'FAILED', 'CANCELED', 'TIMED_OUT'];

/** Polls GET /v1/deployments/{id} until it ends; the deployment as the API shows it. */
export async function waitForDeployment(base: string, token: string, id: string, timeoutMs = 120_000): Promise<{ status: string; failureCode?: string; failureMessage?: string }> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  for (;;) {
    const res = await apiCall(base, 'GET', `/v1/deployments/${id}`, token);
    if (res.status === 200 && TERMINAL.includes(res.body.status)) return res.body;
    last = `${res.status} ${res.body?.status ?? JSON.stringify(res.body)}`;
    if (Date.now() > deadline) throw new Error(`deployment ${id} did not end within ${timeoutMs} ms (last: ${last})`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Polls `probe` until it returns a value (not undefined); fails after `timeoutMs`. */
export async function eventually<T>(probe: () => Promise<T | undefined>, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError = '';
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch (err) {
      lastError = ` (last error: ${(err as Error).message})`;
    }
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms${lastError}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}


/** The deployment's manifest and whether each of its blobs is in the bucket. */
export async function artifactObjects(r: StackResources, deploymentId: string): Promise<{ files: { path: string; sha256: string }[]; missingBlobs: string[] }> {
  const manifest = await r.s3.send(new GetObjectCommand({ Bucket: r.bucket, Key: `deployments/${deploymentId}/manifest.json` }));
  const files = (JSON.parse(await manifest.Body!.transformToString()) as { files: { path: string; sha256: string }[] }).files;
  const missingBlobs: string[] = [];
  for (const f of files) {
    await r.s3.send(new HeadObjectCommand({ Bucket: r.bucket, Key: `blobs/${f.sha256}` })).catch(() => missingBlobs.push(f.sha256));
  }
  return { files, missingBlobs };
}

// ---- build containers, seen by the Docker engine ---------------------------------------------

export interface ContainerEvent {
  action: string;
  containerId: string;
  deploymentId: string;
  at: number;
}

/**
 * Records the engine's lifecycle events of build containers (`docker events` filtered on the
 * builder's labels) while it runs. Each build is one container (the docker runner creates one per
 * `start`; a recovered build is reattached, not re-created), so the number of `create` events of a
 * deployment is the number of times it was built.
 */
export class BuildContainerWatch {
  readonly events: ContainerEvent[] = [];
  private stream?: NodeJS.ReadableStream & { destroy(): void };

  static async start(): Promise<BuildContainerWatch> {
    const w = new BuildContainerWatch();
    const docker = new Docker();
    // From the moment of the call: the engine replays what happened since, so an event between
    // the request and the subscription taking effect is not missed (the engine may answer before
    // it subscribes). Earlier builds' events may come too; they belong to other deployments.
    w.stream = (await docker.getEvents({
      since: Date.now() / 1000,
      filters: { type: ['container'], event: ['create', 'start', 'die', 'destroy'], label: [`${BUILD_LABELS.role}=build`] },
    })) as NodeJS.ReadableStream & { destroy(): void };
    let buffered = '';
    w.stream.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      let nl: number;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, nl).trim();
        buffered = buffered.slice(nl + 1);
        if (!line) continue;
        const e = JSON.parse(line) as { Action: string; Actor: { ID: string; Attributes: Record<string, string> }; timeNano: number };
        w.events.push({ action: e.Action, containerId: e.Actor.ID, deploymentId: e.Actor.Attributes[BUILD_LABELS.deployment], at: Math.round(e.timeNano / 1e6) });
      }
    });
    return w;
  }

  of(deploymentId: string, action?: string): ContainerEvent[] {
    return this.events.filter((e) => e.deploymentId === deploymentId && (action === undefined || e.action === action));
  }

  stop(): void {
    this.stream?.destroy();
  }
}

// ---- the gateway, as a Socket.IO client sees it --------------------------------------------

export interface LogWatch {
  socket: Socket<ServerToClientEvents, ClientToServerEvents>;
  lines: { seq: number; message: string; stream: string }[];
  statuses: string[];
  end?: { lastSeq: number; status: string };
  close(): void;
}

/** Connects to a gateway with `token` and subscribes to a deployment's logs from the first line. */
export async function watchLogs(gatewayUrl: string, token: string, deploymentId: string): Promise<LogWatch> {
  const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(gatewayUrl, { auth: { token }, transports: ['websocket'], reconnection: false, forceNew: true, timeout: 10_000 });
  const watch: LogWatch = { socket, lines: [], statuses: [], close: () => socket.disconnect() };
  socket.on('logs:lines', (p) => {
    if (p.deploymentId === deploymentId) watch.lines.push(...p.lines);
  });
  socket.on('deployment:status', (p) => p.deploymentId === deploymentId && watch.statuses.push(p.to));
  socket.on('logs:end', (p) => {
    if (p.deploymentId === deploymentId) watch.end = { lastSeq: p.lastSeq, status: p.status };
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', (err) => reject(new Error(`gateway connect: ${err.message}`)));
  });
  const ack = await socket.timeout(10_000).emitWithAck('logs:subscribe', { deploymentId, fromSeq: 1 });
  if (!ack.ok) throw new Error(`logs:subscribe refused: ${JSON.stringify(ack)}`);
  return watch;
}

// ---- the launcher itself --------------------------------------------------------------------

export interface LaunchedProcess {
  name: string;
  app: AppName;
  pid: number;
  port: number;
  readyUrl?: string;
  metricsUrl?: string;
  /** Times the launcher restarted it after it exited by itself. */
  restarts?: number;
  instanceId?: string;
}

/**
 * `npm run start:distributed` as a user runs it (`node scripts/distributed/start.js`, dist/ built
 * beforehand), given this run's services through the environment so it starts none itself; its
 * whole output (every app's lines, prefixed) goes to `<stateDir>/logs/launcher.log`.
 */
export class LauncherStack {
  processes: LaunchedProcess[] = [];
  private exit?: { code: number | null; signal: NodeJS.Signals | null };

  private constructor(
    readonly resources: StackResources,
    readonly child: ChildProcess,
    readonly log: string,
    readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>,
    private readonly stateDir: string,
  ) {}

  /** processes.json as the launcher last wrote it (a restarted app has a new pid). */
  refresh(): LaunchedProcess[] {
    this.processes = JSON.parse(readFileSync(join(this.stateDir, 'processes.json'), 'utf8')) as LaunchedProcess[];
    return this.processes;
  }

  static async start(options: { env?: Env } = {}): Promise<LauncherStack> {
    const resources = await prepareStack(options.env);
    const ports: Env = {};
    for (const app of stack.APPS) ports[stack.PORTS[app].variable] = String(await freePort());
    for (const m of Object.values(stack.MANAGEMENT_PORTS)) ports[m!.variable] = String(await freePort());
    const stateDir = join(resources.stateDir, 'launcher');
    const log = join(resources.stateDir, 'logs', 'launcher.log');
    const fd = openSync(log, 'a');
    const child = spawn(process.execPath, [join(REPO_ROOT, 'scripts', 'distributed', 'start.js')], {
      cwd: REPO_ROOT,
      env: { ...resources.env, ...ports, DISTRIBUTED_STATE_DIR: stateDir } as NodeJS.ProcessEnv,
      stdio: ['ignore', fd, fd],
    });
    closeSync(fd);
    let s!: LauncherStack;
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.once('exit', (code, signal) => {
        if (s) s.exit = { code, signal };
        resolve({ code, signal });
      }),
    );
    s = new LauncherStack(resources, child, log, exited, stateDir);
    try {
      await eventually(
        async () => {
          if (s.exit) throw new Error(`the launcher exited (${JSON.stringify(s.exit)})`);
          return /all \d+ processes are ready/.test(readFileSync(log, 'utf8')) ? true : undefined;
        },
        150_000,
        'the launcher reporting every process ready',
      );
      s.processes = JSON.parse(readFileSync(join(stateDir, 'processes.json'), 'utf8')) as LaunchedProcess[];
    } catch (err) {
      const failure = s.withTail(err);
      await s.stop().catch(() => undefined);
      throw failure;
    }
    return s;
  }

  process(name: string): LaunchedProcess {
    const p = this.processes.find((x) => x.name === name);
    if (!p) throw new Error(`no process ${name}`);
    return p;
  }

  url(name: string): string {
    return `http://127.0.0.1:${this.process(name).port}`;
  }

  withTail(err: unknown): Error {
    const e = err instanceof Error ? err : new Error(String(err));
    e.message = `${e.message}\n\n--- launcher output (${this.log}) ---\n${tailOf(this.log, 120)}`;
    return e;
  }

  async explain<T>(body: () => Promise<T>): Promise<T> {
    try {
      return await body();
    } catch (err) {
      throw this.withTail(err);
    }
  }

  /** Ctrl-C: SIGINT to the launcher; resolves with how it exited. */
  async interrupt(timeoutMs = 45_000): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    if (!this.exit) this.child.kill('SIGINT');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), timeoutMs);
    try {
      return await this.exited;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Stops the launcher (and so its processes) if it still runs, kills any app left behind, releases the resources. */
  async stop(): Promise<void> {
    const exit = await this.interrupt();
    // A launcher that exited cleanly has waited for every app; otherwise none may outlive the test.
    if (exit.code !== 0) for (const p of this.processes) if (isAlive(p.pid)) process.kill(p.pid, 'SIGKILL');
    await releaseStack(this.resources);
  }
}

/** Whether a process with this pid still exists. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
