import { randomBytes } from 'node:crypto';
import { Client, Pool } from 'pg';
import { applyMigrations, defaultMigrationsDir, openDatabase, PrismaService } from '@deploysphere/database';

/**
 * Throwaway databases for tests, on both engines the platform supports:
 *  - 'postgres': a fresh, uniquely named database on the server at TEST_POSTGRES_URL (default:
 *    scripts/services/postgres.sh's URL), dropped on close. An unreachable server FAILS the test
 *    with a hint: CI must start it (`scripts/services/postgres.sh start`), tests never skip it.
 *  - 'pglite': an in-memory embedded PGlite (one pooled connection, see embedded-postgres.ts).
 */
export type TestDatabaseKind = 'postgres' | 'pglite';

export const DEFAULT_TEST_POSTGRES_URL = 'postgresql://deploysphere:deploysphere@127.0.0.1:5432/postgres';

export interface TestDatabase {
  kind: TestDatabaseKind;
  url: string;
  /** The pg pool Prisma uses (1 connection on PGlite); handy for raw SQL in assertions. */
  pool: Pool;
  /** The platform's own client over that pool (close() ends both). */
  prisma: PrismaService;
  close(): Promise<void>;
}

export interface TestDatabaseOptions {
  /** Apply prisma/migrations (default true). false: an empty database, for migrator tests. */
  migrate?: boolean;
}

/**
 * Kinds every database test should run on. Both by default; TEST_DATABASE_KINDS=pglite (comma
 * list) narrows it for a quick local run. CI leaves it unset, so Postgres is always exercised.
 */
export function testDatabaseKinds(): TestDatabaseKind[] {
  const all: TestDatabaseKind[] = ['postgres', 'pglite'];
  const wanted = process.env.TEST_DATABASE_KINDS?.split(',').map((s) => s.trim()).filter(Boolean);
  if (!wanted?.length) return all;
  const unknown = wanted.filter((k) => !all.includes(k as TestDatabaseKind));
  if (unknown.length) throw new Error(`TEST_DATABASE_KINDS: unknown kind(s) ${unknown.join(', ')}`);
  return wanted as TestDatabaseKind[];
}

export function testPostgresUrl(): string {
  return process.env.TEST_POSTGRES_URL || DEFAULT_TEST_POSTGRES_URL;
}

export async function createTestDatabase(
  kind: TestDatabaseKind,
  options: TestDatabaseOptions = {},
): Promise<TestDatabase> {
  const migrate = options.migrate ?? true;
  return kind === 'postgres' ? createPostgresDatabase(migrate) : createPgliteDatabase(migrate);
}

async function createPgliteDatabase(migrate: boolean): Promise<TestDatabase> {
  const conn = await openDatabase({ embeddedDataDir: 'memory://', migrateOnStart: migrate });
  const prisma = new PrismaService({ url: conn.url, pool: conn.pool, close: async () => undefined });
  return {
    kind: 'pglite',
    url: conn.url,
    pool: conn.pool,
    prisma,
    async close() {
      await prisma.$disconnect();
      await conn.close();
    },
  };
}

async function createPostgresDatabase(migrate: boolean): Promise<TestDatabase> {
  const adminUrl = testPostgresUrl();
  const admin = new Client({ connectionString: adminUrl, connectionTimeoutMillis: 5000 });
  try {
    await admin.connect();
  } catch (err) {
    await admin.end().catch(() => undefined);
    throw new Error(
      `test PostgreSQL unreachable at ${redact(adminUrl)} (${(err as Error).message}). ` +
        `Start it with \`scripts/services/postgres.sh start\` or set TEST_POSTGRES_URL.`,
    );
  }
  const name = `ds_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  try {
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }

  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const pool = new Pool({ connectionString: url.toString(), max: 5 });
  pool.on('error', () => undefined); // the database is dropped under idle clients on close
  const prisma = new PrismaService({ url: url.toString(), pool, close: async () => undefined });
  const drop = async () => {
    await prisma.$disconnect().catch(() => undefined);
    await pool.end().catch(() => undefined);
    const c = new Client({ connectionString: adminUrl });
    await c.connect();
    try {
      await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    } finally {
      await c.end();
    }
  };
  try {
    if (migrate) await applyMigrations(pool, defaultMigrationsDir());
  } catch (err) {
    await drop();
    throw err;
  }
  return { kind: 'postgres', url: url.toString(), pool, prisma, close: drop };
}

function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(invalid URL)';
  }
}
