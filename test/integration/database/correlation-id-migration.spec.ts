import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { applyMigrations, defaultMigrationsDir } from '@deploysphere/database';
import { createTestDatabase, type TestDatabase } from '@deploysphere/testing';

jest.setTimeout(60_000);

const MIGRATION = '20261126201439_deployment_correlation_id';

// deployments.correlation_id replaces the scheduler's lookup of each deployment's request in the
// outbox; rows that existed before it get the value from their DeploymentRequested.v1 row.
describe(`migration ${MIGRATION}`, () => {
  let db: TestDatabase;
  let before: string;

  beforeAll(async () => {
    db = await createTestDatabase('postgres', { migrate: false });
    // prisma/migrations as they were just before this one.
    before = mkdtempSync(path.join(tmpdir(), 'ds-migrations-'));
    const source = defaultMigrationsDir();
    cpSync(source, before, {
      recursive: true,
      filter: (src) => {
        const folder = path.relative(source, src).split(path.sep)[0];
        return !/^\d{14}_/.test(folder) || folder < MIGRATION;
      },
    });
  });
  afterAll(async () => {
    await db?.close();
    rmSync(before, { recursive: true, force: true });
  });

  it("backfills each existing deployment's correlation id from its DeploymentRequested.v1 outbox row", async () => {
    await applyMigrations(db.pool, before);
    await db.pool.query(`INSERT INTO teams (id, name, slug) VALUES ('team_1', 'T', 't')`);
    await db.pool.query(`INSERT INTO projects (id, team_id, name, slug, updated_at) VALUES ('prj_1', 'team_1', 'P', 'p', now())`);
    for (const id of ['dpl_a', 'dpl_b']) {
      await db.pool.query(`INSERT INTO deployments (id, project_id, target, source, updated_at) VALUES ($1, 'prj_1', 'PREVIEW', 'UPLOAD', now())`, [id]);
    }
    const envelope = { id: 'evt_1', type: 'DeploymentRequested.v1', key: 'dpl_a', correlationId: 'req-42', payload: {} };
    await db.pool.query(
      `INSERT INTO outbox_messages (id, topic, key, type, payload) VALUES ('evt_1', 'deployments.requested.v1', 'dpl_a', 'DeploymentRequested.v1', $1),
                                                                       ('evt_2', 'deployments.status-changed.v1', 'dpl_b', 'DeploymentStatusChanged.v1', $2)`,
      [envelope, { ...envelope, id: 'evt_2', key: 'dpl_b', type: 'DeploymentStatusChanged.v1', correlationId: 'not-a-request' }],
    );

    expect(await applyMigrations(db.pool, defaultMigrationsDir())).toMatchObject({ applied: expect.arrayContaining([MIGRATION]) });

    const rows = await db.pool.query<{ id: string; correlation_id: string | null }>('SELECT id, correlation_id FROM deployments ORDER BY id');
    // dpl_b has no request row (only another event): left null, the scheduler then uses its id.
    expect(rows.rows).toEqual([
      { id: 'dpl_a', correlation_id: 'req-42' },
      { id: 'dpl_b', correlation_id: null },
    ]);
  });
});
