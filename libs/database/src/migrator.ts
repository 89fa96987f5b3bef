import { createHash, randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

/**
 * Applies Prisma-format migrations (`prisma/migrations/<name>/migration.sql`) without Prisma's
 * native schema engine, which cannot be installed offline (docs/database.md).
 *
 * It keeps Prisma's own `_prisma_migrations` bookkeeping (same table, same checksum = sha256 hex
 * of migration.sql, same advisory lock key), so `prisma migrate deploy|status` stays valid on a
 * database this migrator has managed, and vice versa.
 *
 * Differences from `prisma migrate deploy`, on purpose:
 *  - each migration runs in its own transaction (so no CREATE INDEX CONCURRENTLY in migrations);
 *    a failure rolls it back and is recorded as a rolled-back attempt (logs + rolled_back_at), so
 *    the fixed migration is retried on the next start, as after `prisma migrate resolve --rolled-back`;
 *  - it refuses to run when an applied migration's file has changed (Prisma only warns in dev).
 */

/** Anything with a pg-style `query`: a pg.Pool, pg.Client, PoolClient or a test double. */
export interface Queryable {
  query(sql: string, params?: unknown[]): Promise<{ rows: any[] }>;
}

/** A pg.Pool (or look-alike): we take one connection from it for the whole run. */
interface PoolLike extends Queryable {
  connect(): Promise<Queryable & { release(err?: unknown): void }>;
  totalCount: number;
}

export interface MigrationResult {
  /** Names of the migrations applied by this call, in order (empty when up to date). */
  applied: string[];
}

export class MigrationError extends Error {
  override name = 'MigrationError';
}

/** Prisma's own advisory lock key (schema-engine), so we also serialize with `prisma migrate`. */
export const PRISMA_ADVISORY_LOCK_KEY = 72707369;

// Exactly the table Prisma's schema engine creates for PostgreSQL.
const CREATE_MIGRATIONS_TABLE = `
CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`;

interface LocalMigration {
  name: string;
  sql: string;
  checksum: string;
}

interface MigrationRow {
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
  rolled_back_at: Date | null;
  logs: string | null;
}

export function checksumOf(sql: string | Buffer): string {
  return createHash('sha256').update(sql).digest('hex');
}

/** Migration folders (those holding a migration.sql), sorted by name like Prisma does. */
export function readMigrations(migrationsDir: string): LocalMigration[] {
  if (!existsSync(migrationsDir)) throw new MigrationError(`migrations directory not found: ${migrationsDir}`);
  return readdirSync(migrationsDir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(path.join(migrationsDir, d.name, 'migration.sql')))
    .map((d) => d.name)
    .sort()
    .map((name) => {
      const bytes = readFileSync(path.join(migrationsDir, name, 'migration.sql'));
      return { name, sql: bytes.toString('utf8'), checksum: checksumOf(bytes) };
    });
}

function isPool(db: Queryable): db is PoolLike {
  return typeof (db as PoolLike).connect === 'function' && typeof (db as PoolLike).totalCount === 'number';
}

const noop = () => undefined;

/**
 * Applies the pending migrations of `migrationsDir` in name order. Safe to call from several
 * processes at once: they serialize on an advisory lock and each migration is applied once.
 * A pool gives one dedicated connection for the run (session lock + transactions need it);
 * any other queryable must be a single connection.
 */
export async function applyMigrations(
  db: Queryable,
  migrationsDir: string,
  log: (msg: string) => void = noop,
): Promise<MigrationResult> {
  const local = readMigrations(migrationsDir);
  if (isPool(db)) {
    const conn = await db.connect();
    let broken: unknown;
    try {
      return await applyOnConnection(conn, local, log);
    } catch (err) {
      broken = err;
      throw err;
    } finally {
      // Hand a possibly broken connection back as such so the pool discards it.
      conn.release(broken instanceof MigrationError ? undefined : broken);
    }
  }
  return applyOnConnection(db, local, log);
}

async function applyOnConnection(
  conn: Queryable,
  local: LocalMigration[],
  log: (msg: string) => void,
): Promise<MigrationResult> {
  // Session-level lock, released in finally (and by Postgres if the connection dies). Another
  // replica may hold it while applying a long migration: say so, then wait for it.
  const got = await conn.query('SELECT pg_try_advisory_lock($1) AS ok', [PRISMA_ADVISORY_LOCK_KEY]);
  if (!got.rows[0]?.ok) {
    log('another process is applying migrations; waiting for it');
    await conn.query('SELECT pg_advisory_lock($1)', [PRISMA_ADVISORY_LOCK_KEY]);
  }
  try {
    await conn.query(CREATE_MIGRATIONS_TABLE);
    verify(local, await readRows(conn), log);

    const applied: string[] = [];
    for (const m of local) {
      if (await applyOne(conn, m, log)) applied.push(m.name);
    }
    log(applied.length ? `applied ${applied.length} migration(s)` : 'database schema is up to date');
    return { applied };
  } finally {
    await conn.query('SELECT pg_advisory_unlock($1)', [PRISMA_ADVISORY_LOCK_KEY]).catch(noop);
  }
}

async function readRows(conn: Queryable): Promise<MigrationRow[]> {
  const { rows } = await conn.query(
    'SELECT migration_name, checksum, finished_at, rolled_back_at, logs FROM "_prisma_migrations" ORDER BY started_at',
  );
  return rows as MigrationRow[];
}

/** Refuses to go on from a state Prisma would also refuse, or that means the files were edited. */
function verify(local: LocalMigration[], rows: MigrationRow[], log: (msg: string) => void): void {
  const failed = rows.filter((r) => r.finished_at === null && r.rolled_back_at === null);
  if (failed.length) {
    const names = failed.map((r) => r.migration_name).join(', ');
    throw new MigrationError(
      `failed migration(s) recorded in _prisma_migrations: ${names}. ` +
        `Repair the database by hand, then mark it rolled back (\`npm run db:migrate -- --mark-rolled-back <name>\`, ` +
        `or \`prisma migrate resolve --rolled-back <name>\` where Prisma's engine exists) and start again. ` +
        `Logs: ${failed[0].logs ?? '(none)'}`,
    );
  }
  const byName = new Map(local.map((m) => [m.name, m]));
  for (const row of rows) {
    if (row.finished_at === null || row.rolled_back_at !== null) continue;
    const file = byName.get(row.migration_name);
    if (!file) {
      // E.g. running an older build against a newer database: not fatal, but worth saying.
      log(`warning: migration ${row.migration_name} is applied in the database but missing locally`);
    } else if (file.checksum !== row.checksum) {
      throw new MigrationError(
        `migration ${row.migration_name} was modified after it was applied ` +
          `(database checksum ${row.checksum}, file ${file.checksum}). ` +
          `Never edit an applied migration: restore the file and add a new migration instead.`,
      );
    }
  }
}

/** Applies one migration in a transaction; returns false when it was already applied. */
async function applyOne(conn: Queryable, m: LocalMigration, log: (msg: string) => void): Promise<boolean> {
  await conn.query('BEGIN');
  try {
    // Re-checked inside the transaction: on PGlite every client shares one backend, so the
    // advisory lock does not exclude other clients, but its socket multiplexer runs one
    // transaction at a time, so this check is what makes concurrent runs apply once there.
    const done = await conn.query(
      'SELECT 1 FROM "_prisma_migrations" WHERE migration_name = $1 AND finished_at IS NOT NULL AND rolled_back_at IS NULL',
      [m.name],
    );
    if (done.rows.length) {
      await conn.query('COMMIT');
      return false;
    }
    log(`applying migration ${m.name}`);
    const id = randomUUID();
    // Same life cycle as Prisma: row started (0 steps) -> script -> 1 step, finished_at set.
    await conn.query(
      'INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, applied_steps_count) VALUES ($1, $2, $3, now(), 0)',
      [id, m.checksum, m.name],
    );
    // Simple-query protocol (no params) so a multi-statement script runs as-is.
    await conn.query(m.sql);
    await conn.query(
      'UPDATE "_prisma_migrations" SET applied_steps_count = applied_steps_count + 1, finished_at = clock_timestamp() WHERE id = $1',
      [id],
    );
    await conn.query('COMMIT');
    return true;
  } catch (err) {
    await conn.query('ROLLBACK').catch(noop);
    const message = err instanceof Error ? err.message : String(err);
    // Keep a trace like Prisma's failed row, marked rolled back since the transaction undid it.
    await conn
      .query(
        `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, logs, rolled_back_at, started_at, applied_steps_count)
         VALUES ($1, $2, $3, $4, now(), now(), 0)`,
        [randomUUID(), m.checksum, m.name, message],
      )
      .catch(noop);
    throw new MigrationError(`migration ${m.name} failed and was rolled back: ${message}`);
  }
}

/**
 * Marks a failed migration as rolled back, like `prisma migrate resolve --rolled-back` (which
 * needs the native engine): the operator has repaired the database; the migration is retried.
 * Returns false when no failed row of that name exists.
 */
export async function markRolledBack(db: Queryable, name: string): Promise<boolean> {
  const { rows } = await db.query(
    `UPDATE "_prisma_migrations" SET rolled_back_at = now()
      WHERE migration_name = $1 AND finished_at IS NULL AND rolled_back_at IS NULL RETURNING id`,
    [name],
  );
  return rows.length > 0;
}
