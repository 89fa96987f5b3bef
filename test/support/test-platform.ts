import type { Type } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { CoreModule } from '@deploysphere/bootstrap';
import { PrismaService } from '@deploysphere/database';
import { BUILD_RUNNER, type BuildRunner } from '../../apps/orchestrator/src/runner';
import { connectIntegrationEvents, InMemoryTransport, MESSAGE_TRANSPORT } from '@deploysphere/messaging';
import { createTestDatabase, type TestDatabase, type TestDatabaseKind } from '@deploysphere/testing';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { ApiModule } from '../../apps/api/src/api.module';
import { configureApi } from '../../apps/api/src/http/configure-api';
import { OrchestratorModule } from '../../apps/orchestrator/src/orchestrator.module';
import { APP_RUNTIME, type AppRuntime } from '../../apps/orchestrator/src/runtime';

export interface TestPlatform {
  app: NestExpressApplication;
  prisma: PrismaService;
  transport: InMemoryTransport;
  adminToken: string;
  /** supertest agent with `Authorization: Bearer <token>` preset. */
  as(token: string): { get(p: string): request.Test; post(p: string): request.Test; put(p: string): request.Test; patch(p: string): request.Test; delete(p: string): request.Test };
  anonymous(): ReturnType<typeof request>;
  close(): Promise<void>;
}

export interface TestPlatformOptions {
  /** Providers replaced by test doubles (e.g. `{ provide: DNS_RESOLVER, useValue: new FakeDnsResolver() }`). */
  overrides?: Array<{ provide: unknown; useValue: unknown }>;
  /** More app modules composed in, as `npm start` does (e.g. EdgeRouterModule). */
  imports?: Array<Type<unknown>>;
}

/**
 * The api and orchestrator in one Nest app, as `npm start` composes them, over a real
 * database: a scratch database on the PostgreSQL server, or the embedded PGlite started by
 * the app itself exactly as in production embedded mode.
 */
/** Variables that switch an adapter from its embedded default to a real engine. */
export const EMBEDDED_UNLESS_GIVEN = ['KAFKA_BROKERS', 'REDIS_URL', 'CLICKHOUSE_URL', 'S3_BUCKET', 'S3_ENDPOINT', 'S3_FORCE_PATH_STYLE', 'S3_PREFIX', 'REGISTRY_URL', 'REGISTRY_USERNAME', 'REGISTRY_PASSWORD'];

export async function startTestPlatform(kind: TestDatabaseKind, env: Record<string, string> = {}, options: TestPlatformOptions = {}): Promise<TestPlatform> {
  const dataDir = mkdtempSync(join(tmpdir(), 'deploysphere-test-'));
  let db: TestDatabase | undefined;
  const adminToken = `admin_${randomBytes(24).toString('hex')}`;
  // The embedded adapters unless the test names an engine: scripts/test.sh exports the
  // services' variables for the tests that want them, and they must not leak in here.
  for (const name of EMBEDDED_UNLESS_GIVEN) if (!(name in env)) delete process.env[name];
  Object.assign(process.env, {
    NODE_ENV: 'test',
    LOG_LEVEL: 'warn',
    DEPLOYSPHERE_DATA_DIR: dataDir,
    DEPLOYSPHERE_ADMIN_TOKEN: adminToken,
    DEPLOYSPHERE_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    // No certificate requests to Let's Encrypt from tests; the HTTPS tests point ACME at Pebble.
    ACME_ENABLED: 'false',
    ...env,
  });
  delete process.env.DATABASE_URL;
  delete process.env.DATABASE_MIGRATE_ON_START;
  if (kind === 'postgres') {
    db = await createTestDatabase('postgres', { migrate: false });
    process.env.DATABASE_URL = db.url;
    // Distributed mode applies migrations by an explicit command; the test does it on start.
    process.env.DATABASE_MIGRATE_ON_START = 'true';
  }
  const builder = Test.createTestingModule({
    imports: [CoreModule.forRoot({ app: 'test' }), ApiModule, OrchestratorModule, ...(options.imports ?? [])],
  });
  for (const { provide, useValue } of options.overrides ?? []) builder.overrideProvider(provide).useValue(useValue);
  const moduleRef = await builder.compile();
  const app = moduleRef.createNestApplication<NestExpressApplication>({ bodyParser: false, logger: ['error', 'warn'] });
  configureApi(app, { jsonBodyLimit: process.env.API_JSON_BODY_LIMIT ?? '1mb' });
  await app.init();
  await connectIntegrationEvents(app);
  const server = app.getHttpServer();
  const withToken = (token: string) => ({
    get: (p: string) => request(server).get(p).set('Authorization', `Bearer ${token}`),
    post: (p: string) => request(server).post(p).set('Authorization', `Bearer ${token}`),
    put: (p: string) => request(server).put(p).set('Authorization', `Bearer ${token}`),
    patch: (p: string) => request(server).patch(p).set('Authorization', `Bearer ${token}`),
    delete: (p: string) => request(server).delete(p).set('Authorization', `Bearer ${token}`),
  });
  return {
    app,
    prisma: app.get(PrismaService),
    transport: app.get(MESSAGE_TRANSPORT),
    adminToken,
    as: withToken,
    anonymous: () => request(server),
    async close() {
      // Builds leave a dependency cache per project (a Docker volume): drop the test's.
      const runner = app.get<BuildRunner>(BUILD_RUNNER);
      for (const p of await app.get(PrismaService).project.findMany({ select: { id: true } }).catch(() => [])) await runner.forgetProject(p.id).catch(() => undefined);
      await app.close();
      // Server apps outlive the platform by design; the test's database goes, so its apps go too.
      const apps = app.get<AppRuntime>(APP_RUNTIME);
      for (const id of new Set((await apps.instances().catch(() => [])).map((i) => i.deploymentId))) await apps.stop(id, 0).catch(() => undefined);
      await db?.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Creates a team and a read/write token for it through the admin API. */
export async function createTeamWithToken(platform: TestPlatform, name: string): Promise<{ teamId: string; token: string }> {
  const admin = platform.as(platform.adminToken);
  const team = await admin.post('/v1/teams').send({ name }).expect(201);
  const token = await admin.post(`/v1/teams/${team.body.id}/tokens`).send({ name: `${name} token` }).expect(201);
  return { teamId: team.body.id, token: token.body.token };
}
