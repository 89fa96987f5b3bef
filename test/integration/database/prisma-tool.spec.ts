import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { applyMigrations, defaultMigrationsDir } from '@deploysphere/database';
import { createTestDatabase } from '@deploysphere/testing';

// These run the real Prisma 6.19.3 CLI (tools/prisma-migrate, installed on demand by the scripts)
// against PostgreSQL: first run may spend ~10 s in `npm ci`, each CLI call a few seconds.
jest.setTimeout(300_000);

const run = promisify(execFile);
const repo = path.resolve(__dirname, '../../..');
const script = (name: string) => path.join(repo, 'scripts', name);
/** db-prisma.sh talks to DATABASE_URL unless PRISMA_MIGRATE_TOOL_URL overrides it. */
function toolEnv(url: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: url };
  delete env.PRISMA_MIGRATE_TOOL_URL;
  return env;
}

describe('Prisma 6.19.3 tool (tools/prisma-migrate)', () => {
  it('finds no drift: prisma/migrations produce exactly prisma/schema.prisma', async () => {
    // Non-zero exit (drift, or a tool failure) rejects with the output in the message.
    const { stdout } = await run('bash', [script('db-check-drift.sh')], { cwd: repo, maxBuffer: 1 << 24 });
    expect(stdout).toContain('No drift');
  });

  it('prisma migrate status/deploy accept a database migrated by our migrator', async () => {
    const db = await createTestDatabase('postgres'); // migrated by applyMigrations
    try {
      const env = toolEnv(db.url);
      const status = await run('bash', [script('db-prisma.sh'), 'migrate', 'status'], { cwd: repo, env });
      expect(status.stdout).toContain('Database schema is up to date!');
      const deploy = await run('bash', [script('db-prisma.sh'), 'migrate', 'deploy'], { cwd: repo, env });
      expect(deploy.stdout).toContain('No pending migrations to apply.');
    } finally {
      await db.close();
    }
  });

  it('our migrator accepts a database migrated by prisma migrate deploy (same checksums)', async () => {
    const db = await createTestDatabase('postgres', { migrate: false });
    try {
      const env = toolEnv(db.url);
      const deploy = await run('bash', [script('db-prisma.sh'), 'migrate', 'deploy'], { cwd: repo, env });
      expect(deploy.stdout).toContain('successfully applied');
      expect(await applyMigrations(db.pool, defaultMigrationsDir())).toEqual({ applied: [] });
    } finally {
      await db.close();
    }
  });
});
