import { Pool } from 'pg';
import { DatabaseOptions } from './database.options';
import { EMBEDDED_POOL_SIZE, EmbeddedPostgres, startEmbeddedPostgres } from './embedded-postgres';
import { applyMigrations } from './migrator';
import { defaultMigrationsDir } from './paths';

export const DEFAULT_POOL_SIZE = 10;

/** An open pg pool, plus the embedded server behind it when there is one. */
export interface DatabaseConnection {
  url: string;
  pool: Pool;
  embedded?: EmbeddedPostgres;
  /** Ends the pool, then stops the embedded server if one was started. */
  close(): Promise<void>;
}

/**
 * Starts embedded PGlite when no URL is given, opens the one pool the process shares (Prisma's
 * adapter and the migrator both use it: PGlite takes one connection), and applies pending
 * migrations first when asked, so nothing can query a schema that is not there yet.
 */
export async function openDatabase(
  options: DatabaseOptions,
  log: (msg: string) => void = () => undefined,
): Promise<DatabaseConnection> {
  let embedded: EmbeddedPostgres | undefined;
  let url = options.url;
  if (!url) {
    log(`starting embedded PGlite (${options.embeddedDataDir})`);
    embedded = await startEmbeddedPostgres({ dataDir: options.embeddedDataDir });
    url = embedded.url;
  } else if (options.poolSize !== undefined && options.poolSize < 1) {
    throw new Error(`poolSize must be >= 1 (got ${options.poolSize})`);
  }
  const pool = new Pool({
    connectionString: url,
    max: embedded ? EMBEDDED_POOL_SIZE : (options.poolSize ?? DEFAULT_POOL_SIZE),
  });
  // Without a listener an idle client's error (server restart, network) would crash the process.
  pool.on('error', (err) => log(`idle database connection error: ${err.message}`));
  const close = async () => {
    await pool.end().catch(() => undefined);
    await embedded?.close();
  };
  try {
    if (options.migrateOnStart) {
      await applyMigrations(pool, options.migrationsDir ?? defaultMigrationsDir(), log);
    }
  } catch (err) {
    await close();
    throw err;
  }
  return { url, pool, embedded, close };
}
