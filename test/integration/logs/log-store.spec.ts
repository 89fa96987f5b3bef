import type { AccessLogRecordV1 } from '@deploysphere/contracts';
import { analyticsQuery, buildAnalytics, ClickHouseLogStore, DatabaseLogStore, TOP_PATHS_PER_BUCKET, type AnalyticsResult, type BuildLogLine, type LogStore } from '@deploysphere/logs';
import { createTestDatabase, testDatabaseKinds } from '@deploysphere/testing';
import { createClient } from '@clickhouse/client';
import { randomBytes } from 'node:crypto';
import { requireClickHouse } from '../../support/log-services';

// One behavioural suite for both log stores: the metadata database (PostgreSQL, PGlite) and
// ClickHouse. Every answer is compared with the same expectation, so the API behaves the same
// whichever store a deployment uses.

const id = (prefix: string) => `${prefix}_${randomBytes(13).toString('hex').slice(0, 26)}`;
const NOW = Date.parse('2026-11-26T12:00:00.000Z');
const T0 = NOW - 3_600_000;

const MESSAGES = ['Installing dependencies', 'Error: Disk FULL', 'warning: error: disk full', 'ÉRROR non-ascii', "it's a \\ backslash", "' OR 1=1 --", 'done'];

function buildLines(deploymentId: string, from: number, to: number): BuildLogLine[] {
  return Array.from({ length: to - from + 1 }, (_, i) => {
    const seq = from + i;
    return { deploymentId, seq, ts: new Date(T0 + seq * 1000).toISOString(), stream: seq % 3 === 0 ? 'stderr' : seq % 7 === 0 ? 'system' : 'stdout', message: `${MESSAGES[seq % MESSAGES.length]} #${seq}` };
  });
}

interface StoreHarness {
  store: LogStore;
  /** Rows physically stored for a deployment, duplicates included (before any merge). */
  rawCount(deploymentId: string): Promise<number>;
  close(): Promise<void>;
}

const kinds: Record<string, () => Promise<StoreHarness>> = Object.fromEntries([
  ...testDatabaseKinds().map((kind) => [
    `database (${kind})`,
    async (): Promise<StoreHarness> => {
      const db = await createTestDatabase(kind);
      return {
        store: new DatabaseLogStore(db.prisma),
        rawCount: async (d) => Number((await db.pool.query('SELECT count(*) AS n FROM build_log_lines WHERE deployment_id = $1', [d])).rows[0].n),
        close: () => db.close(),
      };
    },
  ]),
  [
    'clickhouse',
    async (): Promise<StoreHarness> => {
      const ch = await requireClickHouse();
      const store = new ClickHouseLogStore({ url: ch.url, database: ch.database });
      await store.ensureSchema();
      const client = createClient({ url: ch.url });
      return {
        store,
        rawCount: async (d) => {
          const r = await client.query({ query: `SELECT count() AS n FROM \`${ch.database}\`.build_log_lines WHERE deployment_id = '${d}'`, format: 'JSONEachRow' });
          return Number((await r.json<{ n: string }>())[0].n);
        },
        close: async () => {
          await store.close();
          await client.close();
          await ch.drop();
        },
      };
    },
  ],
]);

// ---- the reference: what every store must answer for the access records below ----------------

function reference(records: AccessLogRecordV1[], projectId: string, from: number, to: number, interval: '1m' | '1h'): AnalyticsResult {
  const q = analyticsQuery(projectId, new Date(from), new Date(to), interval);
  const unique = [...new Map(records.map((r) => [r.id, r])).values()].filter((r) => r.projectId === projectId && r.time >= from && r.time < to);
  const groups = new Map<number, AccessLogRecordV1[]>();
  for (const r of unique) {
    const b = Math.floor(r.time / q.intervalMs) * q.intervalMs;
    groups.set(b, [...(groups.get(b) ?? []), r]);
  }
  const rank = (sorted: number[], level: number) => sorted[Math.min(Math.floor(level * sorted.length), sorted.length - 1)];
  const cls = (rs: AccessLogRecordV1[], lo: number) => rs.filter((r) => r.status >= lo && r.status < lo + 100).length;
  return buildAnalytics(q, interval, {
    buckets: [...groups].map(([bucketMs, rs]) => {
      const d = rs.map((r) => r.durationMs).sort((a, b) => a - b);
      return { bucketMs, requests: rs.length, status1xx: cls(rs, 100), status2xx: cls(rs, 200), status3xx: cls(rs, 300), status4xx: cls(rs, 400), status5xx: cls(rs, 500), bytes: rs.reduce((s, r) => s + r.bytes, 0), p50: rank(d, 0.5), p95: rank(d, 0.95) };
    }),
    topPaths: [...groups].flatMap(([bucketMs, rs]) => {
      const counts = new Map<string, number>();
      for (const r of rs) counts.set(r.path, (counts.get(r.path) ?? 0) + 1);
      return [...counts]
        .map(([path, requests]) => ({ bucketMs, path, requests }))
        .sort((a, b) => b.requests - a.requests || Buffer.compare(Buffer.from(a.path), Buffer.from(b.path)))
        .slice(0, TOP_PATHS_PER_BUCKET);
    }),
  });
}

function accessRecords(projectId: string, otherProjectId: string): AccessLogRecordV1[] {
  const paths = ['/', '/about', '/assets/app.js', '/assets/app.css', '/Zeta', '/zeta', '/ünïcode', "/it's"];
  const statuses = [200, 200, 200, 304, 404, 500, 301, 101];
  const out: AccessLogRecordV1[] = [];
  // Three hours around NOW, plus records just outside the range and of another project.
  for (let i = 0; i < 240; i++) {
    const time = NOW - 2 * 3_600_000 + i * 45_000 + (i % 7) * 13;
    out.push({
      id: `rec-${i}`,
      time,
      host: 'site.localhost',
      deploymentId: null,
      projectId: i % 11 === 0 ? otherProjectId : projectId,
      method: 'GET',
      path: paths[(i * 3 + Math.floor(i / 5)) % paths.length],
      status: statuses[i % statuses.length],
      bytes: (i * 37) % 5000,
      durationMs: ((i * 7919) % 1000) / 10,
      userAgent: i % 2 ? 'curl/8' : null,
      clientIp: '127.0.0.1',
    });
  }
  return out;
}

describe.each(Object.keys(kinds))('log store: %s', (kind) => {
  let h: StoreHarness;
  const dep = id('dpl');
  const otherDep = id('dpl');

  beforeAll(async () => {
    h = await kinds[kind]();
    await h.store.insertBuildLines(buildLines(dep, 1, 60));
    await h.store.insertBuildLines(buildLines(otherDep, 1, 5));
  }, 120_000);
  afterAll(() => h?.close());

  it('reads a deployment\'s lines in seq order from a line on', async () => {
    const lines = await h.store.readBuildLines(dep, 5, 10);
    expect(lines.map((l) => l.seq)).toEqual([5, 6, 7, 8, 9, 10, 11, 12, 13, 14]);
    expect(lines[0]).toEqual({ seq: 5, ts: new Date(T0 + 5000).toISOString(), stream: 'stdout', message: `${MESSAGES[5]} #5` });
  });

  it('stores a redelivered line once', async () => {
    await h.store.insertBuildLines(buildLines(dep, 1, 20));
    await h.store.insertBuildLines(buildLines(dep, 10, 30));
    const lines = await h.store.readBuildLines(dep, 1, 1000);
    expect(lines.map((l) => l.seq)).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));
    expect((await h.store.searchBuildLines({ deploymentId: dep, afterSeq: 0, limit: 1000 })).length).toBe(60);
  });

  it('filters by stream, time range and position', async () => {
    const stderr = await h.store.searchBuildLines({ deploymentId: dep, afterSeq: 0, limit: 100, stream: 'stderr' });
    expect(stderr.map((l) => l.seq)).toEqual(Array.from({ length: 20 }, (_, i) => (i + 1) * 3));
    const window = await h.store.searchBuildLines({ deploymentId: dep, afterSeq: 0, limit: 100, fromMs: T0 + 10_000, toMs: T0 + 15_000 });
    expect(window.map((l) => l.seq)).toEqual([10, 11, 12, 13, 14]);
    const page = await h.store.searchBuildLines({ deploymentId: dep, afterSeq: 40, limit: 3 });
    expect(page.map((l) => l.seq)).toEqual([41, 42, 43]);
  });

  it('searches a substring, ASCII letters case-insensitively, anything else exactly', async () => {
    const seqs = async (contains: string) => (await h.store.searchBuildLines({ deploymentId: dep, afterSeq: 0, limit: 100, contains })).map((l) => l.seq);
    const disk = await seqs('DISK full');
    expect(disk).toEqual(Array.from({ length: 60 }, (_, i) => i + 1).filter((s) => s % 7 === 1 || s % 7 === 2));
    expect(await seqs('rror NON')).toEqual(Array.from({ length: 60 }, (_, i) => i + 1).filter((s) => s % 7 === 3));
    // Non-ASCII letters are not folded, on every store.
    expect(await seqs('érror')).toEqual([]);
  });

  it('binds user input safely: quotes, backslashes and SQL in a search or an id are just text', async () => {
    const seqs = async (contains: string) => (await h.store.searchBuildLines({ deploymentId: dep, afterSeq: 0, limit: 100, contains })).map((l) => l.seq);
    const injection = Array.from({ length: 60 }, (_, i) => i + 1).filter((s) => s % 7 === 5);
    expect(await seqs("' OR 1=1 --")).toEqual(injection);
    expect(await seqs("it's a \\ back")).toEqual(Array.from({ length: 60 }, (_, i) => i + 1).filter((s) => s % 7 === 4));
    expect(await seqs("\\' OR '1'='1")).toEqual([]);
    expect(await seqs("x'); DROP TABLE build_log_lines; --")).toEqual([]);
    expect(await seqs('%')).toEqual([]);
    expect(await seqs('_')).toEqual([]);
    expect(await h.store.readBuildLines(`${dep}' OR '1'='1`, 1, 10)).toEqual([]);
    expect(await h.store.searchBuildLines({ deploymentId: "' OR deployment_id != '", afterSeq: 0, limit: 10 })).toEqual([]);
    // Still there and untouched.
    expect((await h.store.readBuildLines(dep, 1, 1000)).length).toBe(60);
    expect((await h.store.readBuildLines(otherDep, 1, 1000)).length).toBe(5);
  });

  it('answers analytics exactly like the reference, once per record however often it was delivered', async () => {
    const project = id('prj');
    const other = id('prj');
    const records = accessRecords(project, other);
    await h.store.insertAccessRecords(records);
    await h.store.insertAccessRecords(records.slice(50, 120));
    const from = NOW - 90 * 60_000 + 30_000;
    const to = NOW + 30 * 60_000;
    for (const interval of ['1h', '1m'] as const) {
      const q = analyticsQuery(project, new Date(from), new Date(to), interval);
      const actual = buildAnalytics(q, interval, await h.store.accessAnalytics(q));
      expect(actual).toEqual(reference(records, project, from, to, interval));
    }
    const q = analyticsQuery(project, new Date(from), new Date(to), '1h');
    const result = buildAnalytics(q, '1h', await h.store.accessAnalytics(q));
    expect(result.totals.requests).toBeGreaterThan(100);
    expect(result.buckets.some((b) => b.topPaths.length === TOP_PATHS_PER_BUCKET)).toBe(true);
  });

  it('drops logs older than the retention, keeps the rest', async () => {
    const oldDep = id('dpl');
    const project = id('prj');
    const now = new Date(NOW);
    const old = NOW - 40 * 86_400_000;
    await h.store.insertBuildLines([{ deploymentId: oldDep, seq: 1, ts: new Date(old).toISOString(), stream: 'stdout', message: 'old' }]);
    const base = accessRecords(project, id('prj'))[0];
    await h.store.insertAccessRecords([
      { ...base, id: 'old-1', projectId: project, time: old },
      { ...base, id: 'new-1', projectId: project, time: NOW - 1000 },
    ]);
    const dropped = await h.store.dropExpired(30, now);
    expect(dropped.length).toBeGreaterThan(0);
    expect(await h.store.readBuildLines(oldDep, 1, 10)).toEqual([]);
    expect((await h.store.readBuildLines(dep, 1, 1000)).length).toBe(60);
    const q = analyticsQuery(project, new Date(old - 1000), new Date(NOW), '1d');
    expect(buildAnalytics(q, '1d', await h.store.accessAnalytics(q)).totals.requests).toBe(1);
    expect(await h.store.dropExpired(30, now)).toEqual([]);
  });

  it('keeps duplicates physically until they merge, but never shows them', async () => {
    // Redelivery is a second insert of the same rows; every read above saw them once.
    expect(await h.rawCount(dep)).toBeGreaterThanOrEqual(60);
  });
});
