import { newId } from '@deploysphere/common';
import { LOG_STORE, type LogStore } from '@deploysphere/logs';
import { SOURCE_FETCHER } from '@deploysphere/source';
import type { TestDatabaseKind } from '@deploysphere/testing';
import { LogIngestModule } from '../../../apps/log-ingest/src/log-ingest.module';
import { DirectorySourceFetcher } from '../../support/builds';
import { requireClickHouse, requireRedis, type TestClickHouse } from '../../support/log-services';
import { eventually, seedDeployment } from '../../support/orchestrator';
import { createTeamWithToken, startTestPlatform, type TestPlatform } from '../../support/test-platform';

// A deployment's final status is visible only when every one of its lines can be read back:
// twenty failing builds, each log read the moment its status is final, each complete (equal to
// the log read once ingest has long caught up, and ending with the compiler's error).

jest.setTimeout(300_000);

const BUILDS = 20;
const COMPILER_ERROR = "src/app.ts(3,7): error TS2322: Type 'string' is not assignable to type 'number'.";
const FINAL = new Set(['READY', 'FAILED', 'CANCELED', 'TIMED_OUT']);

interface Variant {
  kind: TestDatabaseKind;
  env(): Promise<Record<string, string>>;
}
let clickhouse: TestClickHouse | undefined;
const variants: [string, Variant][] = [
  ['embedded (PGlite, logs in the metadata database, live buffer in process)', { kind: 'pglite', env: async () => ({}) }],
  [
    'distributed stores (PostgreSQL, logs in ClickHouse, live buffer in Redis)',
    {
      kind: 'postgres',
      env: async () => {
        clickhouse = await requireClickHouse();
        return { REDIS_URL: await requireRedis(), CLICKHOUSE_URL: clickhouse.url, CLICKHOUSE_DATABASE: clickhouse.database };
      },
    },
  ],
];

describe.each(variants)('build logs are complete when the status is final: %s', (_name, variant) => {
  let platform: TestPlatform;
  let token: string;
  let teamId: string;

  beforeAll(async () => {
    platform = await startTestPlatform(
      variant.kind,
      // The store's default batching (1 s): the lag this is about.
      { ...(await variant.env()), BUILD_RUNNER: 'process', BUILD_CONCURRENCY: '5', LOG_BATCH_MAX_AGE_MS: '1000' },
      { imports: [LogIngestModule], overrides: [{ provide: SOURCE_FETCHER, useValue: new DirectorySourceFetcher() }] },
    );
    ({ token, teamId } = await createTeamWithToken(platform, 'Complete Logs'));
  }, 180_000);

  afterAll(async () => {
    await platform?.close();
    await clickhouse?.drop();
  });

  async function readLog(deploymentId: string): Promise<{ seq: number; message: string }[]> {
    const items: { seq: number; message: string }[] = [];
    let cursor: string | null = null;
    do {
      const res: { body: { items: { seq: number; message: string }[]; nextCursor: string | null } } = await platform.as(token).get(`/v1/deployments/${deploymentId}/logs?limit=1000${cursor ? `&cursor=${cursor}` : ''}`).expect(200);
      items.push(...res.body.items);
      cursor = res.body.nextCursor;
    } while (cursor);
    return items;
  }

  /** Polls the deployment through the API; the log is read in the same turn its status is final. */
  async function logAtFinalStatus(deploymentId: string) {
    for (;;) {
      const res = await platform.as(token).get(`/v1/deployments/${deploymentId}`).expect(200);
      if (FINAL.has(res.body.status)) return { status: res.body.status as string, log: await readLog(deploymentId) };
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  it(`${BUILDS} failing builds: each log read right after its final status has every line`, async () => {
    // One project each: queued deployments of one project and target supersede each other.
    const ids: string[] = [];
    for (let i = 0; i < BUILDS; i++) {
      const projectId = newId('prj');
      await platform.prisma.project.create({
        data: {
          id: projectId,
          teamId,
          name: 'Broken',
          slug: `broken-${projectId.slice(-10)}`,
          buildCommand: `for i in $(seq 1 400); do echo "compiling module $i of 400"; done; echo "${COMPILER_ERROR}" >&2; exit 1`,
        },
      });
      ids.push((await seedDeployment(platform.prisma, { projectId, site: 'static-site', target: 'PREVIEW' })).deploymentId);
    }

    const atFinal = await Promise.all(ids.map((id) => logAtFinalStatus(id)));
    const store = platform.app.get<LogStore>(LOG_STORE);
    for (const [i, { status, log }] of atFinal.entries()) {
      expect(status).toBe('FAILED');
      // Numbered from 1 without a hole, the compiler's error in it and the failure notice last.
      expect(log.map((l) => l.seq)).toEqual(log.map((_, j) => j + 1));
      expect(log.map((l) => l.message)).toContain(COMPILER_ERROR);
      expect(log.at(-1)?.message).toMatch(/^Build failed: .*\(BUILD_FAILED\)$/);
      // Exactly what the log store holds once ingest has caught up.
      const stored = await eventually(async () => {
        const lines = await store.readBuildLines(ids[i], 1, 10_000);
        return lines.length >= log.length ? lines : undefined;
      }, 30_000, 'ingest caught up');
      expect(stored.map(({ seq, message }) => ({ seq, message }))).toEqual(log.map(({ seq, message }) => ({ seq, message })));
    }
  });
});
