/**
 * Explicit migration step for distributed mode (`npm run db:migrate`): the services then start
 * with migrateOnStart=false. Reads DATABASE_URL, applies pending migrations, prints what it did,
 * and exits non-zero with a clear message on any error.
 * Options: --dir <migrations dir>; --mark-rolled-back <name> (after repairing a failed migration by
 * hand; the offline stand-in for `prisma migrate resolve --rolled-back`), then migrate.
 */
import { databaseConfig, loadDotEnv } from '@deploysphere/config';
import { Client } from 'pg';
import { applyMigrations, markRolledBack } from './migrator';
import { defaultMigrationsDir } from './paths';

async function main(): Promise<number> {
  let url: string | undefined;
  try {
    // Only the database area: a migration job needs no other setting.
    loadDotEnv();
    url = databaseConfig().url;
  } catch (err) {
    console.error(`db:migrate: ${(err as Error).message}`);
    return 2;
  }
  if (!url) {
    console.error('db:migrate: DATABASE_URL is not set (e.g. postgresql://user:pass@host:5432/db)');
    return 2;
  }
  const flag = (name: string) => {
    const i = process.argv.indexOf(name);
    return i > 0 ? process.argv[i + 1] : undefined;
  };
  const dir = flag('--dir') ?? defaultMigrationsDir();
  const rolledBack = flag('--mark-rolled-back');
  const client = new Client({ connectionString: url });
  try {
    await client.connect();
    if (rolledBack) {
      const marked = await markRolledBack(client, rolledBack);
      console.log(`db:migrate: ${marked ? 'marked' : 'no failed migration named'} ${rolledBack}${marked ? ' as rolled back' : ''}`);
    }
    const { applied } = await applyMigrations(client, dir, (msg) => console.log(`db:migrate: ${msg}`));
    console.log(
      applied.length
        ? `db:migrate: done, applied ${applied.join(', ')}`
        : `db:migrate: done, nothing to apply (${dir})`,
    );
    return 0;
  } catch (err) {
    console.error(`db:migrate: FAILED: ${err instanceof Error ? err.message : String(err)}`);
    return 1;
  } finally {
    await client.end().catch(() => undefined);
  }
}

main().then((code) => process.exit(code));
