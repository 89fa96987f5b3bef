import { newId } from '@deploysphere/common';
import type { AccessLogRecordV1 } from '@deploysphere/contracts';
import { LOG_STORE, type BuildLogLine, type LogStore } from '@deploysphere/logs';
import { testDatabaseKinds, type TestDatabaseKind } from '@deploysphere/testing';
import { requireClickHouse, type TestClickHouse } from '../../support/log-services';
import { createTeamWithToken, startTestPlatform, type TestPlatform } from '../../support/test-platform';

// GET /v1/deployments/{id}/logs and GET /v1/projects/{id}/analytics, through the real API, on
// the embedded store (PostgreSQL and PGlite) and on ClickHouse: same requests, same answers.

jest.setTimeout(120_000);

const T0 = Date.parse('2026-11-26T10:00:00.000Z');

interface Variant {
  kind: TestDatabaseKind;
  clickhouse: boolean;
}
const variants: [string, Variant][] = [
  ...testDatabaseKinds().map((kind): [string, Variant] => [`${kind} store`, { kind, clickhouse: false }]),
  ['ClickHouse store', { kind: 'postgres', clickhouse: true }],
];

describe.each(variants)('logs API on the %s', (_name, variant) => {
  let platform: TestPlatform;
  let ch: TestClickHouse | undefined;
  let alice: { teamId: string; token: string };
  let bob: { teamId: string; token: string };
  let projectId: string;
  let deploymentId: string;

  beforeAll(async () => {
    // The log topics and live channel stay in process here; this suite is about the store.
    for (const k of ['KAFKA_BROKERS', 'REDIS_URL', 'CLICKHOUSE_URL']) delete process.env[k];
    const env: Record<string, string> = {};
    if (variant.clickhouse) {
      ch = await requireClickHouse();
      Object.assign(env, { CLICKHOUSE_URL: ch.url, CLICKHOUSE_DATABASE: ch.database });
    }
    platform = await startTestPlatform(variant.kind, env);
    alice = await createTeamWithToken(platform, 'Alice Logs');
    bob = await createTeamWithToken(platform, 'Bob Logs');
    projectId = newId('prj');
    deploymentId = newId('dpl');
    await platform.prisma.project.create({ data: { id: projectId, teamId: alice.teamId, name: 'site', slug: `site-${projectId.slice(-8)}` } });
    await platform.prisma.deployment.create({ data: { id: deploymentId, projectId, target: 'PREVIEW', source: 'GIT', status: 'READY' } });

    const store = platform.app.get<LogStore>(LOG_STORE);
    const lines: BuildLogLine[] = Array.from({ length: 250 }, (_, i) => ({
      deploymentId,
      seq: i + 1,
      ts: new Date(T0 + (i + 1) * 1000).toISOString(),
      stream: (i + 1) % 5 === 0 ? 'stderr' : 'stdout',
      message: (i + 1) % 50 === 0 ? `ERROR: module "app-${i + 1}" not found` : `compiled chunk ${i + 1}`,
    }));
    await store.insertBuildLines(lines);
    const records: AccessLogRecordV1[] = Array.from({ length: 120 }, (_, i) => ({
      id: `r${i}`,
      time: T0 + i * 60_000,
      host: 'site.localhost',
      deploymentId,
      projectId,
      method: 'GET',
      path: i % 3 === 0 ? '/' : i % 3 === 1 ? '/about' : '/missing',
      status: i % 3 === 2 ? 404 : 200,
      bytes: i % 3 === 2 ? 0 : 1000,
      durationMs: (i % 10) + 0.5,
      userAgent: 'curl/8',
      clientIp: '127.0.0.1',
    }));
    await store.insertAccessRecords(records);
  }, 180_000);

  afterAll(async () => {
    await platform?.close();
    await ch?.drop();
  });

  const logs = (query = '', token = alice.token) => platform.as(token).get(`/v1/deployments/${deploymentId}/logs${query}`);

  describe('GET /v1/deployments/{id}/logs', () => {
    it('pages through the whole log in seq order with the cursor', async () => {
      const seen: number[] = [];
      let cursor: string | null = null;
      do {
        const res: { body: { items: { seq: number }[]; nextCursor: string | null } } = await logs(`?limit=100${cursor ? `&cursor=${cursor}` : ''}`).expect(200);
        seen.push(...res.body.items.map((l) => l.seq));
        cursor = res.body.nextCursor;
      } while (cursor);
      expect(seen).toEqual(Array.from({ length: 250 }, (_, i) => i + 1));
    });

    it('returns lines with their fields, from a line on', async () => {
      const res = await logs('?fromSeq=249').expect(200);
      expect(res.body).toEqual({
        items: [
          { seq: 249, ts: new Date(T0 + 249_000).toISOString(), stream: 'stdout', message: 'compiled chunk 249' },
          { seq: 250, ts: new Date(T0 + 250_000).toISOString(), stream: 'stderr', message: 'ERROR: module "app-250" not found' },
        ],
        nextCursor: null,
      });
    });

    it('filters by stream, time range and substring, combined', async () => {
      const stderr = await logs('?stream=stderr&limit=1000').expect(200);
      expect(stderr.body.items).toHaveLength(50);
      const range = await logs(`?from=${new Date(T0 + 10_000).toISOString()}&to=${new Date(T0 + 20_000).toISOString()}`).expect(200);
      expect(range.body.items.map((l: { seq: number }) => l.seq)).toEqual([10, 11, 12, 13, 14, 15, 16, 17, 18, 19]);
      const search = await logs(`?q=${encodeURIComponent('error: MODULE')}&stream=stderr`).expect(200);
      expect(search.body.items.map((l: { seq: number }) => l.seq)).toEqual([50, 100, 150, 200, 250]);
      const injection = await logs(`?q=${encodeURIComponent(`" not found' OR '1'='1`)}`).expect(200);
      expect(injection.body.items).toEqual([]);
    });

    it('is 404 for another team\'s or an unknown deployment', async () => {
      expect((await logs('', bob.token).expect(404)).body.code).toBe('DEPLOYMENT_NOT_FOUND');
      expect((await platform.as(alice.token).get(`/v1/deployments/${newId('dpl')}/logs`).expect(404)).body.code).toBe('DEPLOYMENT_NOT_FOUND');
    });

    it('is 422 for bad parameters, naming each', async () => {
      const res = await logs('?limit=0&stream=stdin&fromSeq=-1&from=yesterday').expect(422);
      expect(res.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['from', 'fromSeq', 'limit', 'stream']);
      expect((await logs('?cursor=bm9wZQ').expect(422)).body.errors[0]).toMatchObject({ field: 'cursor', code: 'invalidCursor' });
      expect((await logs(`?q=${'x'.repeat(201)}`).expect(422)).body.errors[0].field).toBe('q');
    });
  });

  describe('GET /v1/projects/{id}/analytics', () => {
    const analytics = (query: string, token = alice.token) => platform.as(token).get(`/v1/projects/${projectId}/analytics${query}`);

    it('answers requests, status classes, bytes, durations and top paths per interval', async () => {
      const res = await analytics(`?from=${new Date(T0).toISOString()}&to=${new Date(T0 + 2 * 3_600_000).toISOString()}&interval=1h`).expect(200);
      expect(res.body.buckets).toHaveLength(2);
      const [first, second] = res.body.buckets;
      expect(first).toEqual({
        start: '2026-11-26T10:00:00.000Z',
        requests: 60,
        statusClasses: { '1xx': 0, '2xx': 40, '3xx': 0, '4xx': 20, '5xx': 0 },
        bytes: 40_000,
        durationMs: { p50: 5.5, p95: 9.5 },
        topPaths: [
          { path: '/', requests: 20 },
          { path: '/about', requests: 20 },
          { path: '/missing', requests: 20 },
        ],
      });
      expect(second.start).toBe('2026-11-26T11:00:00.000Z');
      expect(res.body.totals).toEqual({ requests: 120, bytes: 80_000, statusClasses: { '1xx': 0, '2xx': 80, '3xx': 0, '4xx': 40, '5xx': 0 } });
    });

    it('includes empty buckets and defaults to the last 24 hours by hour', async () => {
      const res = await analytics(`?from=${new Date(T0 - 3_600_000).toISOString()}&to=${new Date(T0).toISOString()}&interval=15m`).expect(200);
      expect(res.body.buckets).toHaveLength(4);
      expect(res.body.buckets.every((b: { requests: number; durationMs: unknown }) => b.requests === 0 && b.durationMs === null)).toBe(true);
      const defaults = await analytics('').expect(200);
      expect(defaults.body.interval).toBe('1h');
      expect(defaults.body.buckets.length).toBeGreaterThanOrEqual(24);
    });

    it('is 404 for another team\'s project and 422 for a bad range', async () => {
      expect((await analytics('', bob.token).expect(404)).body.code).toBe('PROJECT_NOT_FOUND');
      const backwards = await analytics(`?from=${new Date(T0).toISOString()}&to=${new Date(T0 - 1).toISOString()}`).expect(422);
      expect(backwards.body.errors[0].field).toBe('to');
      const tooFine = await analytics(`?from=${new Date(T0).toISOString()}&to=${new Date(T0 + 30 * 86_400_000).toISOString()}&interval=1m`).expect(422);
      expect(tooFine.body.errors[0].code).toBe('tooManyBuckets');
      expect((await analytics('?interval=7m').expect(422)).body.errors[0].field).toBe('interval');
    });
  });

  it('documents both endpoints in the OpenAPI document', async () => {
    const doc = (await platform.anonymous().get('/openapi.json').expect(200)).body;
    expect(doc.paths['/v1/deployments/{deploymentId}/logs'].get.operationId).toBe('getDeploymentLogs');
    expect(doc.paths['/v1/projects/{projectId}/analytics'].get.operationId).toBe('getProjectAnalytics');
  });
});
