/** How an app reaches its metadata database (DatabaseModule.forRootAsync's factory returns this). */
export interface DatabaseOptions {
  /** postgresql:// URL of a PostgreSQL server; undefined → embedded PGlite (single-process mode). */
  url?: string;
  /** Embedded PGlite data directory (kept across restarts) or 'memory://'. Used only without url. */
  embeddedDataDir: string;
  /** Apply pending prisma/migrations before the app uses the database (distributed mode: false, run db:migrate). */
  migrateOnStart: boolean;
  /** pg pool size for a real server (default 10). Embedded PGlite always uses EMBEDDED_POOL_SIZE (1). */
  poolSize?: number;
  /** Migrations folder; default: the repo's prisma/migrations (see defaultMigrationsDir). */
  migrationsDir?: string;
}

export const DATABASE_OPTIONS = Symbol('DATABASE_OPTIONS');
export const DATABASE_CONNECTION = Symbol('DATABASE_CONNECTION');
