import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Pool } from 'pg';
import {
  applyMigrations,
  checksumOf,
  defaultMigrationsDir,
  isUniqueViolation,
  markRolledBack,
  MigrationError,
} from '@deploysphere/database';
import { createTestDatabase, TestDatabase, testDatabaseKinds } from '@deploysphere/testing';

// PGlite takes ≈5 s to start; Postgres CREATE DATABASE is quick. One database per kind, reset per test.
jest.setTimeout(60_000);

const MIGRATIONS = defaultMigrationsDir();
const migrationNames = () =>
  require('node:fs')
    .readdirSync(MIGRATIONS, { withFileTypes: true })
    .filter((d: { isDirectory(): boolean }) => d.isDirectory())
    .map((d: { name: string }) => d.name)
    .sort();

/** A scratch copy of prisma/migrations the test may edit. */
function scratchMigrations(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'ds-migrations-'));
  cpSync(MIGRATIONS, dir, { recursive: true });
  return dir;
}

function addMigration(dir: string, name: string, sql: string): void {
  mkdirSync(path.join(dir, name));
  writeFileSync(path.join(dir, name, 'migration.sql'), sql);
}

describe.each(testDatabaseKinds())('migrator on %s', (kind) => {
  let db: TestDatabase;
  const scratch: string[] = [];
  const scratchDir = () => {
    const d = scratchMigrations();
    scratch.push(d);
    return d;
  };

  beforeAll(async () => {
    db = await createTestDatabase(kind, { migrate: false });
  });
  afterAll(async () => {
    await db?.close();
    for (const d of scratch) rmSync(d, { recursive: true, force: true });
  });
  beforeEach(async () => {
    // Back to an empty database (the bookkeeping table lives in public too).
    await db.pool.query('DROP SCHEMA public CASCADE; CREATE SCHEMA public;');
  });

  it('applies every migration to an empty database, keeping Prisma-style bookkeeping', async () => {
    const logs: string[] = [];
    const { applied } = await applyMigrations(db.pool, MIGRATIONS, (m) => logs.push(m));
    expect(applied).toEqual(migrationNames());
    expect(logs.join('\n')).toContain(`applying migration ${applied[0]}`);

    const { rows } = await db.pool.query(
      'SELECT migration_name, checksum, finished_at, rolled_back_at, applied_steps_count, logs FROM _prisma_migrations ORDER BY migration_name',
    );
    expect(rows).toHaveLength(applied.length);
    for (const row of rows) {
      const sql = readFileSync(path.join(MIGRATIONS, row.migration_name, 'migration.sql'));
      expect(row.checksum).toBe(checksumOf(sql));
      expect(row.checksum).toMatch(/^[0-9a-f]{64}$/);
      expect(row.finished_at).toBeInstanceOf(Date);
      expect(row.rolled_back_at).toBeNull();
      expect(row.applied_steps_count).toBe(1);
      expect(row.logs).toBeNull();
    }

    // Same column types as the table Prisma's schema engine creates.
    const cols = await db.pool.query(
      `SELECT column_name, data_type, character_maximum_length AS len, is_nullable
         FROM information_schema.columns WHERE table_name = '_prisma_migrations' ORDER BY ordinal_position`,
    );
    expect(cols.rows.map((c) => [c.column_name, c.data_type, c.len, c.is_nullable])).toEqual([
      ['id', 'character varying', 36, 'NO'],
      ['checksum', 'character varying', 64, 'NO'],
      ['finished_at', 'timestamp with time zone', null, 'YES'],
      ['migration_name', 'character varying', 255, 'NO'],
      ['logs', 'text', null, 'YES'],
      ['rolled_back_at', 'timestamp with time zone', null, 'YES'],
      ['started_at', 'timestamp with time zone', null, 'NO'],
      ['applied_steps_count', 'integer', null, 'NO'],
    ]);

    // The migrated schema is the one the generated client expects.
    await db.prisma.team.create({ data: { id: 't1', name: 'Team', slug: 'team' } });
    await db.prisma.project.create({ data: { id: 'p1', teamId: 't1', name: 'Web', slug: 'web' } });
    expect(await db.prisma.project.findUnique({ where: { slug: 'web' } })).toMatchObject({ productionBranch: 'main' });
    const dup = await db.prisma.project
      .create({ data: { id: 'p2', teamId: 't1', name: 'Web 2', slug: 'web' } })
      .catch((e: unknown) => e);
    expect(isUniqueViolation(dup)).toBe(true);
    expect(isUniqueViolation(dup, ['slug'])).toBe(true);
    expect(isUniqueViolation(dup, ['id'])).toBe(false);
    expect(isUniqueViolation(new Error('nope'))).toBe(false);
    await db.prisma.envVar.create({ data: { id: 'e1', projectId: 'p1', key: 'A', target: 'PREVIEW', value: 'v1' } });
    const dupEnv = await db.prisma.envVar
      .create({ data: { id: 'e2', projectId: 'p1', key: 'A', target: 'PREVIEW', value: 'v1' } })
      .catch((e: unknown) => e);
    expect(isUniqueViolation(dupEnv, ['projectId', 'key', 'target'])).toBe(true);
    expect(isUniqueViolation(dupEnv, ['project_id', 'key', 'target'])).toBe(true);
    expect(isUniqueViolation(dupEnv, ['key'])).toBe(false);
  });

  it('is a no-op when re-applied', async () => {
    await applyMigrations(db.pool, MIGRATIONS);
    const before = await db.pool.query('SELECT id, finished_at FROM _prisma_migrations ORDER BY id');
    expect(await applyMigrations(db.pool, MIGRATIONS)).toEqual({ applied: [] });
    const after = await db.pool.query('SELECT id, finished_at FROM _prisma_migrations ORDER BY id');
    expect(after.rows).toEqual(before.rows);
  });

  it('applies only the new migration when one is added', async () => {
    const dir = scratchDir();
    await applyMigrations(db.pool, dir);
    addMigration(dir, '29991231000000_add_widgets', 'CREATE TABLE "widgets" ("id" TEXT PRIMARY KEY);');
    expect(await applyMigrations(db.pool, dir)).toEqual({ applied: ['29991231000000_add_widgets'] });
    expect((await db.pool.query(`SELECT to_regclass('widgets')::text AS t`)).rows[0].t).toBe('widgets');
  });

  it('refuses to run when an applied migration file was changed', async () => {
    const dir = scratchDir();
    await applyMigrations(db.pool, dir);
    const first = migrationNames()[0];
    appendFileSync(path.join(dir, first, 'migration.sql'), '\n-- edited after the fact\n');
    const err = await applyMigrations(db.pool, dir).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MigrationError);
    expect((err as Error).message).toMatch(new RegExp(`migration ${first} was modified after it was applied`));
  });

  it('refuses a tampered checksum in the database', async () => {
    await applyMigrations(db.pool, MIGRATIONS);
    await db.pool.query(`UPDATE _prisma_migrations SET checksum = repeat('0', 64)`);
    await expect(applyMigrations(db.pool, MIGRATIONS)).rejects.toThrow(/was modified after it was applied/);
  });

  it('refuses to start while a failed migration is recorded', async () => {
    await applyMigrations(db.pool, MIGRATIONS);
    await db.pool.query(
      `INSERT INTO _prisma_migrations (id, checksum, migration_name, logs, applied_steps_count)
       VALUES ('00000000-0000-4000-8000-000000000000', repeat('a', 64), '29990101000000_broken', 'boom', 0)`,
    );
    await expect(applyMigrations(db.pool, MIGRATIONS)).rejects.toThrow(
      /failed migration\(s\) recorded in _prisma_migrations: 29990101000000_broken/,
    );
    // Once repaired by hand and marked rolled back (prisma migrate resolve --rolled-back), it starts.
    expect(await markRolledBack(db.pool, '29990101000000_broken')).toBe(true);
    expect(await markRolledBack(db.pool, '29990101000000_broken')).toBe(false);
    expect(await applyMigrations(db.pool, MIGRATIONS)).toEqual({ applied: [] });
  });

  it('rolls a failing migration back, records it as rolled back, and retries it once fixed', async () => {
    const dir = scratchDir();
    await applyMigrations(db.pool, dir);
    addMigration(dir, '29991231000000_bad', 'CREATE TABLE "half_done" ("id" INT);\nSELECT 1/0;');
    await expect(applyMigrations(db.pool, dir)).rejects.toThrow(/29991231000000_bad failed and was rolled back: division by zero/);
    expect((await db.pool.query(`SELECT to_regclass('half_done') AS t`)).rows[0].t).toBeNull();
    const rec = await db.pool.query(`SELECT logs, rolled_back_at, finished_at FROM _prisma_migrations WHERE migration_name = '29991231000000_bad'`);
    expect(rec.rows).toHaveLength(1);
    expect(rec.rows[0]).toMatchObject({ finished_at: null, logs: expect.stringMatching(/division by zero/) });
    expect(rec.rows[0].rolled_back_at).toBeInstanceOf(Date);

    writeFileSync(path.join(dir, '29991231000000_bad', 'migration.sql'), 'CREATE TABLE "half_done" ("id" INT);');
    expect(await applyMigrations(db.pool, dir)).toEqual({ applied: ['29991231000000_bad'] });
  });

  it('applies each migration once when two connections migrate concurrently', async () => {
    const dir = scratchDir();
    // A slow second migration widens the window in which both runners are active.
    addMigration(dir, '29991231000000_slow', 'SELECT pg_sleep(0.3);\nCREATE TABLE "slow_one" ("id" INT);');
    const a = new Pool({ connectionString: db.url, max: 1 });
    const b = new Pool({ connectionString: db.url, max: 1 });
    try {
      const [ra, rb] = await Promise.all([applyMigrations(a, dir), applyMigrations(b, dir)]);
      const all = [...ra.applied, ...rb.applied].sort();
      expect(all).toEqual([...migrationNames(), '29991231000000_slow'].sort());
      const counts = await db.pool.query(
        'SELECT migration_name, count(*)::int AS n FROM _prisma_migrations GROUP BY migration_name',
      );
      expect(counts.rows.every((r) => r.n === 1)).toBe(true);
      expect(counts.rows).toHaveLength(all.length);
    } finally {
      await Promise.all([a.end(), b.end()]);
    }
  });
});
