import { Test } from '@nestjs/testing';
import type { INestApplicationContext } from '@nestjs/common';
import { CoreModule } from '@deploysphere/bootstrap';
import { envVarAad, newId, SecretBox } from '@deploysphere/common';
import { PrismaService, type PrismaClient } from '@deploysphere/database';
import { InMemoryLogSink, LOG_SINK } from '@deploysphere/logs';
import { connectIntegrationEvents, OutboxRelay } from '@deploysphere/messaging';
import { BUILD_RUNNER, type BuildRunner } from '../../apps/orchestrator/src/runner';
import { SOURCE_FETCHER, type SourceFetcher } from '@deploysphere/source';
import { ARTIFACT_STORE, type ArtifactStore } from '@deploysphere/storage';
import { createTestDatabase, type TestDatabase, type TestDatabaseKind } from '@deploysphere/testing';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BuildPipeline } from '../../apps/orchestrator/src/builds/build-pipeline';
import { BuildScheduler } from '../../apps/orchestrator/src/builds/build-scheduler';
import { OrchestratorModule } from '../../apps/orchestrator/src/orchestrator.module';
import { DirectorySourceFetcher } from './builds';

export interface OrchestratorOptions {
  /** Build and other settings (BUILD_*, ORCHESTRATOR_INSTANCE_ID, …). */
  env?: Record<string, string>;
  /** A runner instance (default: what BUILD_RUNNER picks, as in production). */
  runner?: BuildRunner;
  fetcher?: SourceFetcher;
}

export interface TestOrchestrator {
  app: INestApplicationContext;
  prisma: PrismaService;
  sink: InMemoryLogSink;
  fetcher: SourceFetcher;
  store: ArtifactStore;
  scheduler: BuildScheduler;
  pipeline: BuildPipeline;
  runner: BuildRunner;
  relay: OutboxRelay;
  /** Closes the app: its builds keep running (what a crash or redeploy of the orchestrator leaves). */
  close(): Promise<void>;
  readonly closed: boolean;
}

/**
 * A shared environment for several orchestrator instances: one database (a scratch database on
 * the PostgreSQL server, or for 'pglite' the embedded one the single app starts), one data dir
 * (artifacts), one encryption key.
 */
export class OrchestratorWorld {
  readonly dataDir = mkdtempSync(join(tmpdir(), 'ds-orch-test-'));
  readonly encryptionKey = randomBytes(32).toString('base64');
  db?: TestDatabase;
  private readonly apps: TestOrchestrator[] = [];

  constructor(readonly kind: TestDatabaseKind) {}

  async start(options: OrchestratorOptions = {}): Promise<TestOrchestrator> {
    if (this.kind === 'postgres' && !this.db) this.db = await createTestDatabase('postgres');
    for (const key of Object.keys(process.env)) if (key.startsWith('BUILD_') || key === 'ORCHESTRATOR_INSTANCE_ID') delete process.env[key];
    delete process.env.DATABASE_URL;
    delete process.env.DATABASE_MIGRATE_ON_START;
    Object.assign(process.env, {
      NODE_ENV: 'test',
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'warn',
      DEPLOYSPHERE_DATA_DIR: this.dataDir,
      DEPLOYSPHERE_ENCRYPTION_KEY: this.encryptionKey,
      BUILD_QUEUE_POLL_MS: '200',
      ...(this.db ? { DATABASE_URL: this.db.url, DATABASE_MIGRATE_ON_START: 'false' } : {}),
      ...options.env,
    });
    const sink = new InMemoryLogSink();
    const fetcher = options.fetcher ?? new DirectorySourceFetcher();
    let builder = Test.createTestingModule({ imports: [CoreModule.forRoot({ app: 'orchestrator-test' }), OrchestratorModule] })
      .overrideProvider(LOG_SINK)
      .useValue(sink)
      .overrideProvider(SOURCE_FETCHER)
      .useValue(fetcher);
    if (options.runner) builder = builder.overrideProvider(BUILD_RUNNER).useValue(options.runner);
    const moduleRef = await builder.compile();
    const app = moduleRef.createNestApplication({ logger: ['error', 'warn'] });
    app.enableShutdownHooks();
    await app.init();
    await connectIntegrationEvents(app);
    let closed = false;
    const handle: TestOrchestrator = {
      app,
      prisma: app.get(PrismaService),
      sink,
      fetcher,
      store: app.get(ARTIFACT_STORE),
      scheduler: app.get(BuildScheduler),
      pipeline: app.get(BuildPipeline),
      runner: app.get(BUILD_RUNNER),
      relay: app.get(OutboxRelay),
      close: async () => {
        if (closed) return;
        closed = true;
        await app.close();
      },
      get closed() {
        return closed;
      },
    };
    this.apps.push(handle);
    return handle;
  }

  async close(): Promise<void> {
    // Drop the dependency caches the builds made (Docker volumes, process-runner dirs).
    const open = [...this.apps].reverse().find((a) => !a.closed);
    if (open) {
      const projects = await open.prisma.project.findMany({ select: { id: true } }).catch(() => []);
      for (const p of projects) await open.runner.forgetProject(p.id).catch(() => undefined);
    }
    for (const app of this.apps.splice(0).reverse()) await app.close();
    await this.db?.close();
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}

export interface SeedOptions {
  projectId?: string;
  target?: 'PREVIEW' | 'PRODUCTION';
  /** A fixture site name or absolute path (DirectorySourceFetcher). */
  site?: string;
  project?: Partial<{ installCommand: string | null; buildCommand: string | null; outputDirectory: string | null; framework: string | null; buildTimeoutSeconds: number | null }>;
  gitRef?: string;
  source?: 'UPLOAD' | 'GIT';
  createdAt?: Date;
}

/** A team + project (created once per projectId) and one QUEUED deployment, as the api stores them. */
/** The project (and a team for it) without a deployment yet, e.g. to give it env vars before the scheduler can claim anything. */
export async function seedProject(prisma: PrismaClient, options: Pick<SeedOptions, 'projectId' | 'project'> = {}): Promise<string> {
  const projectId = options.projectId ?? newId('prj');
  const existing = await prisma.project.findUnique({ where: { id: projectId } });
  if (!existing) {
    const teamId = newId('team');
    await prisma.team.create({ data: { id: teamId, name: 'Builds', slug: `t-${teamId.slice(-10)}` } });
    await prisma.project.create({ data: { id: projectId, teamId, name: 'Site', slug: `p-${projectId.slice(-12)}`, ...options.project } });
  } else if (options.project) {
    await prisma.project.update({ where: { id: projectId }, data: options.project });
  }
  return projectId;
}

export async function seedDeployment(prisma: PrismaClient, options: SeedOptions = {}): Promise<{ deploymentId: string; projectId: string }> {
  const projectId = await seedProject(prisma, options);
  const deploymentId = newId('dpl');
  await prisma.deployment.create({
    data: {
      id: deploymentId,
      projectId,
      target: options.target ?? 'PRODUCTION',
      source: options.source ?? 'UPLOAD',
      sourceKey: options.site ?? 'static-site',
      gitRef: options.gitRef,
      ...(options.createdAt ? { createdAt: options.createdAt } : {}),
    },
  });
  return { deploymentId, projectId };
}

/** Stores an env var the way the api does (sealed with the project/key/target binding). */
export async function setEnvVar(prisma: PrismaClient, encryptionKey: string, projectId: string, key: string, value: string, secret = true, target: 'PREVIEW' | 'PRODUCTION' = 'PRODUCTION'): Promise<void> {
  const box = new SecretBox(Buffer.from(encryptionKey, 'base64'));
  await prisma.envVar.create({ data: { id: newId('env'), projectId, key, target, secret, value: box.seal(value, envVarAad(projectId, key, target)) } });
}

const TERMINAL = ['READY', 'FAILED', 'CANCELED', 'TIMED_OUT'];

/** Polls until the deployment reaches one of `statuses` (default: any terminal one). */
export async function waitForStatus(prisma: PrismaClient, deploymentId: string, statuses: string[] = TERMINAL, timeoutMs = 120_000) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const d = await prisma.deployment.findUniqueOrThrow({ where: { id: deploymentId } });
    if (statuses.includes(d.status)) return d;
    if (Date.now() > until) throw new Error(`deployment ${deploymentId} is ${d.status} after ${timeoutMs} ms (waiting for ${statuses.join('|')})`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Polls until `check` returns a truthy value. */
export async function eventually<T>(check: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 60_000, what = 'condition'): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const passCounts = new WeakMap<object, { done: number }>();

/**
 * Resolves once the scheduler completed `n` whole passes after this call (each looks at the queue
 * and claims what it may), nudging it meanwhile: "nothing more was claimed" is then observed over
 * real passes, however slow the machine, instead of guessed from a delay.
 */
export async function schedulerPasses(orch: TestOrchestrator, n = 3, timeoutMs = 60_000): Promise<void> {
  const scheduler = orch.scheduler as unknown as { tick(): Promise<void> };
  let count = passCounts.get(scheduler);
  if (!count) {
    const counter = { done: 0 };
    const tick = scheduler.tick.bind(scheduler);
    scheduler.tick = () => tick().finally(() => counter.done++);
    passCounts.set(scheduler, counter);
    count = counter;
  }
  // A pass already running when this was called does not count: it may have looked before.
  const target = count.done + n + 1;
  const until = Date.now() + timeoutMs;
  while (count.done < target) {
    if (Date.now() > until) throw new Error(`${target - count.done} of ${n} scheduler passes still missing after ${timeoutMs} ms`);
    orch.scheduler.nudge();
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** The outbox events of a deployment (by key), in order: type + payload. */
export async function eventsOf(prisma: PrismaClient, key: string): Promise<Array<{ type: string; payload: Record<string, unknown> }>> {
  const rows = await prisma.outboxMessage.findMany({ where: { key }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] });
  return rows.map((r) => ({ type: r.type, payload: (r.payload as { payload: Record<string, unknown> }).payload }));
}
