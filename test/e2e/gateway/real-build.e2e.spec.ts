import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Test } from '@nestjs/testing';
import { CoreModule } from '@deploysphere/bootstrap';
import { AccessLogPublisher } from '@deploysphere/logs';
import { createTestDatabase, type TestDatabase } from '@deploysphere/testing';
import { connectIntegrationEvents } from '@deploysphere/messaging';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { ApiModule } from '../../../apps/api/src/api.module';
import { configureApi } from '../../../apps/api/src/http/configure-api';
import type { AccessLogRecord } from '../../../apps/edge-router/src/access-log/access-log-sink.port';
import { ACCESS_LOG_SINK } from '../../../apps/edge-router/src/access-log/access-log-sink.port';
import { BatchingAccessLogSink, type BatchingOptions } from '../../../apps/edge-router/src/access-log/batching-access-log-sink';
import { EdgeRouterModule } from '../../../apps/edge-router/src/edge-router.module';
import { GatewayModule } from '../../../apps/gateway/src/gateway.module';
import { GatewayIoAdapter } from '../../../apps/gateway/src/socket/gateway-io.adapter';
import { LogIngestModule } from '../../../apps/log-ingest/src/log-ingest.module';
import { OrchestratorModule } from '../../../apps/orchestrator/src/orchestrator.module';
import { tarGzDirectory } from '../../support/builds';
import { requireClickHouse, requireRedis, type TestClickHouse } from '../../support/log-services';
import { freePort } from '../../support/ports';
import { connect, connected, range, Recorder, until, type GatewayClient } from './gateway-harness';

// Distributed mode, one process: a real build (the orchestrator runs
// deploy/builder/build.sh with the process runner) is watched live through socket.io-client by a
// client subscribed from the start and one joining mid-build; the same lines are then searched
// through the API from ClickHouse; traffic on the deployed site shows up in the analytics.

jest.setTimeout(300_000);

/** The edge adapter the lead wires into apps/edge-router (docs/logs.md): access batches to logs.access.v1. */
@Injectable()
class TopicAccessLogSink extends BatchingAccessLogSink implements OnApplicationShutdown {
  constructor(
    options: BatchingOptions,
    private readonly publisher: AccessLogPublisher,
  ) {
    super(options);
  }

  protected write(batch: AccessLogRecord[]): Promise<void> {
    return this.publisher.publish(batch);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.close();
  }
}

const LINES = 1500;
// Prints LINES numbered lines with short pauses (a build that takes a few seconds), then the site.
const BUILD_COMMAND = `for i in $(seq 1 ${LINES}); do echo "compiling module $i of ${LINES}"; if [ $((i % 50)) -eq 0 ]; then sleep 0.1; echo "warning: chunk $i is large" >&2; fi; done; mkdir -p out && cp index.html out/`;

describe('a real build, watched live, then searched and served (Redis, ClickHouse, PostgreSQL)', () => {
  let app: NestExpressApplication;
  let db: TestDatabase;
  let ch: TestClickHouse;
  let dataDir: string;
  let gatewayUrl: string;
  let edgePort: number;
  const clients: GatewayClient[] = [];
  const adminToken = `admin_${randomBytes(24).toString('hex')}`;
  const api = (method: 'get' | 'post', path: string, token = adminToken) => request(app.getHttpServer())[method](path).set('Authorization', `Bearer ${token}`);

  beforeAll(async () => {
    const redis = await requireRedis();
    ch = await requireClickHouse();
    db = await createTestDatabase('postgres');
    dataDir = mkdtempSync(join(tmpdir(), 'deploysphere-real-build-'));
    const gatewayPort = await freePort();
    edgePort = await freePort();
    for (const k of ['KAFKA_BROKERS', 'DATABASE_MIGRATE_ON_START']) delete process.env[k];
    Object.assign(process.env, {
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
      BIND_HOST: '127.0.0.1',
      GATEWAY_PORT: String(gatewayPort),
      EDGE_PORT: String(edgePort),
      DEPLOYSPHERE_DATA_DIR: dataDir,
      DEPLOYSPHERE_ADMIN_TOKEN: adminToken,
      DEPLOYSPHERE_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      DATABASE_URL: db.url,
      REDIS_URL: redis,
      CLICKHOUSE_URL: ch.url,
      CLICKHOUSE_DATABASE: ch.database,
      LOG_BATCH_MAX_AGE_MS: '200',
      EDGE_ACCESS_LOG_FLUSH_MS: '100',
      BUILD_RUNNER: 'process',
      BUILD_QUEUE_POLL_MS: '200',
    });
    const moduleRef = await Test.createTestingModule({
      imports: [CoreModule.forRoot({ app: 'test' }), ApiModule, OrchestratorModule, LogIngestModule, GatewayModule, EdgeRouterModule],
    })
      .overrideProvider(ACCESS_LOG_SINK)
      .useFactory({ inject: [AccessLogPublisher], factory: (publisher: AccessLogPublisher) => new TopicAccessLogSink({ maxBuffered: 10_000, flushIntervalMs: 100 }, publisher) })
      .compile();
    app = moduleRef.createNestApplication<NestExpressApplication>({ bodyParser: false, logger: ['error', 'warn'] });
    configureApi(app, { jsonBodyLimit: '1mb' });
    app.useWebSocketAdapter(new GatewayIoAdapter(app));
    await app.init();
    await connectIntegrationEvents(app);
    gatewayUrl = `http://127.0.0.1:${gatewayPort}`;
  }, 180_000);

  afterAll(async () => {
    clients.forEach((c) => c.disconnect());
    await app?.close();
    await db?.close();
    await ch?.drop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('streams every line once, in order, to a client from the start and one joining mid-build; then search and analytics answer', async () => {
    const team = await api('post', '/v1/teams').send({ name: 'Live Viewers' }).expect(201);
    const { token } = (await api('post', `/v1/teams/${team.body.id}/tokens`).send({ name: 'viewer' }).expect(201)).body;
    const project = (await api('post', '/v1/projects', token).send({ name: 'Live Site', buildCommand: BUILD_COMMAND, outputDirectory: 'out' }).expect(201)).body;
    const source = mkdtempSync(join(tmpdir(), 'ds-live-site-'));
    writeFileSync(join(source, 'index.html'), '<!doctype html><title>live</title><h1>built live</h1>\n');
    const deployment = (
      await api('post', `/v1/projects/${project.id}/deployments?target=PRODUCTION`, token)
        .set('Content-Type', 'application/gzip')
        .send(await tarGzDirectory(source))
        .expect(202)
    ).body;
    rmSync(source, { recursive: true, force: true });

    const watch = async () => {
      const c = connect(gatewayUrl, { token });
      clients.push(c);
      await connected(c);
      const rec = new Recorder(c, deployment.id);
      const messages: string[] = [];
      c.on('logs:lines', (p) => p.deploymentId === deployment.id && messages.push(...p.lines.map((l) => l.message)));
      expect(await c.emitWithAck('logs:subscribe', { deploymentId: deployment.id })).toMatchObject({ ok: true });
      return { rec, messages };
    };
    const early = await watch();
    await until(() => early.messages.some((m) => m.startsWith('compiling module 300 ')), 120_000, 'the build to be under way');
    const mid = await watch();
    await until(() => early.rec.end !== undefined && mid.rec.end !== undefined, 180_000, 'the end of the stream');

    const lastSeq = early.rec.end!.lastSeq;
    expect(early.rec.end).toEqual({ lastSeq, status: 'READY' });
    expect(mid.rec.end).toEqual(early.rec.end);
    expect(early.rec.seqs).toEqual(range(1, lastSeq));
    expect(mid.rec.seqs).toEqual(range(1, lastSeq));
    expect(mid.messages).toEqual(early.messages);
    const compiled = early.messages.filter((m) => m.startsWith('compiling module '));
    expect(compiled).toEqual(range(1, LINES).map((i) => `compiling module ${i} of ${LINES}`));
    // Status changes travel through the outbox, lines through the live channel: the READY status
    // event may arrive just after the end of the stream (which already says READY).
    await until(() => early.rec.statuses.includes('READY'), 10_000, 'the READY status event');

    // The same lines, searched through the API (the store is ClickHouse here).
    const search = async (query: string) => {
      const items: { seq: number; stream: string; message: string }[] = [];
      let cursor: string | null = null;
      do {
        const res: request.Response = await api('get', `/v1/deployments/${deployment.id}/logs?limit=1000${query}${cursor ? `&cursor=${cursor}` : ''}`, token).expect(200);
        items.push(...res.body.items);
        cursor = res.body.nextCursor;
      } while (cursor);
      return items;
    };
    let all: { seq: number; message: string }[] = [];
    for (let i = 0; i < 100 && all.length < lastSeq; i++) {
      all = await search('');
      if (all.length < lastSeq) await new Promise((r) => setTimeout(r, 200));
    }
    expect(all.map((l) => l.seq)).toEqual(range(1, lastSeq));
    expect(all.map((l) => l.message)).toEqual(early.messages);
    const warnings = await search(`&stream=stderr&q=${encodeURIComponent('CHUNK 1500')}`);
    expect(warnings.map((l) => l.message)).toEqual(['warning: chunk 1500 is large']);

    // Traffic on the deployed site, then its analytics.
    const hit = (path: string) =>
      new Promise<number>((resolve, reject) => {
        const req = httpRequest({ host: '127.0.0.1', port: edgePort, path, headers: { host: `${project.slug}.localhost` } }, (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        });
        req.on('error', reject);
        req.end();
      });
    let first = 0;
    for (let i = 0; i < 50 && first !== 200; i++) {
      first = await hit('/');
      if (first !== 200) await new Promise((r) => setTimeout(r, 200));
    }
    expect(first).toBe(200);
    for (let i = 0; i < 19; i++) expect(await hit('/')).toBe(200);
    for (let i = 0; i < 5; i++) expect(await hit('/nowhere')).toBe(404);
    const from = new Date(Date.now() - 3_600_000).toISOString();
    let totals: { requests: number; statusClasses: Record<string, number> } | undefined;
    for (let i = 0; i < 100; i++) {
      const res = await api('get', `/v1/projects/${project.id}/analytics?from=${from}&to=${new Date(Date.now() + 60_000).toISOString()}&interval=1h`, token).expect(200);
      totals = res.body.totals;
      if (totals && totals.requests >= 25) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(totals).toMatchObject({ requests: 25, statusClasses: { '2xx': 20, '4xx': 5 } });
  });
});
