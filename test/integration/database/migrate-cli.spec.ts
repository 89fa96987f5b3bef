import { createTestDatabase, type TestDatabase } from '@deploysphere/testing';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const CLI = resolve(__dirname, '../../../dist/libs/database/src/migrate.cli.js');

/** Runs `npm run db:migrate`'s script with exactly `env` (plus PATH), from an empty directory (no .env). */
function migrate(env: Record<string, string>, cwd: string): Promise<{ code: number; out: string }> {
  return new Promise((done) => {
    execFile(process.execPath, [CLI], { cwd, env: { PATH: process.env.PATH ?? '', ...env } }, (err, stdout, stderr) => {
      done({ code: err ? Number((err as NodeJS.ErrnoException).code ?? 1) : 0, out: stdout + stderr });
    });
  });
}

describe('db:migrate reads only the database area', () => {
  let db: TestDatabase;
  let cwd: string;

  beforeAll(async () => {
    if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first (scripts/test.sh does)`);
    db = await createTestDatabase('postgres', { migrate: false });
    cwd = mkdtempSync(join(tmpdir(), 'ds-migrate-cli-'));
  });

  afterAll(async () => {
    await db?.close();
    if (cwd) rmSync(cwd, { recursive: true, force: true });
  });

  it('migrates with NODE_ENV=production and nothing but DATABASE_URL set', async () => {
    const first = await migrate({ NODE_ENV: 'production', DATABASE_URL: db.url }, cwd);
    expect(first).toMatchObject({ code: 0, out: expect.stringContaining('db:migrate: done, applied') });
    expect(await migrate({ NODE_ENV: 'production', DATABASE_URL: db.url }, cwd)).toMatchObject({ code: 0, out: expect.stringContaining('nothing to apply') });
  });

  it('refuses a bad or missing DATABASE_URL with exit 2, naming it and hiding its password', async () => {
    const bad = await migrate({ DATABASE_URL: 'mysql://app:hunter2@db/x' }, cwd);
    expect(bad.code).toBe(2);
    expect(bad.out).toContain('DATABASE_URL: must be a postgresql:// connection URL (got "mysql://***@db/x")');
    expect(bad.out).not.toContain('hunter2');
    expect(await migrate({}, cwd)).toMatchObject({ code: 2, out: expect.stringContaining('DATABASE_URL is not set') });
  });
});
