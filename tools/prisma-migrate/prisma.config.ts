// Prisma 6.19.3 CLI config for the offline migration tool (docs/database.md).
// The native schema engine cannot be downloaded here, so `engine: 'js'` makes the CLI run its
// bundled Wasm schema engine over a driver adapter. Workarounds:
//  - prisma/orm#27403: adapter-pg 6.x throws UnsupportedNativeDataType on catalog columns of type
//    `name` (oid 19) / `"char"` (oid 18) that introspection reads; a pg Client subclass relabels
//    them as text before the adapter maps column types.
//  - adapter-pg builds the shadow DB pool as `{ ...config, database }`, which a connectionString
//    would override: give discrete host/port/user/password/database fields instead.
//  - idle pooled connections keep the CLI alive after it is done: a low idleTimeoutMillis
//    (scripts/prisma-migrate-run.cjs still kills it once its output is complete).
import { defineConfig } from 'prisma/config';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';

const TEXT = 25;
const TEXT_ARRAY = 1009;
const RELABEL: Record<number, number> = { 18: TEXT, 19: TEXT, 1002: TEXT_ARRAY, 1003: TEXT_ARRAY };

function relabel<T>(res: T): T {
  const fields = (res as { fields?: { dataTypeID: number }[] } | undefined)?.fields;
  if (fields) for (const f of fields) f.dataTypeID = RELABEL[f.dataTypeID] ?? f.dataTypeID;
  return res;
}

class CatalogTypeShimClient extends pg.Client {
  // pg's query() has many overloads (promise or callback); keep both working.
  override query(...args: any[]): any {
    const cb = typeof args[args.length - 1] === 'function' ? args.pop() : undefined;
    if (cb) return (super.query as any)(...args, (err: unknown, res: unknown) => cb(err, err ? res : relabel(res)));
    const r = (super.query as any)(...args);
    return r && typeof r.then === 'function' ? r.then(relabel) : r;
  }
}

const url = new URL(
  process.env.PRISMA_MIGRATE_TOOL_URL ??
    process.env.TEST_POSTGRES_URL ??
    'postgresql://deploysphere:deploysphere@127.0.0.1:5432/postgres',
);

export default defineConfig({
  experimental: { adapter: true },
  schema: '../../prisma/schema.prisma',
  // run.cjs sets PRISMA_MIGRATE_MIGRATIONS_DIR (absolute); relative paths here are from this file.
  migrations: { path: process.env.PRISMA_MIGRATE_MIGRATIONS_DIR ?? '../../prisma/migrations' },
  engine: 'js',
  async adapter() {
    return new PrismaPg({
      Client: CatalogTypeShimClient as unknown as typeof pg.Client,
      host: url.hostname,
      port: Number(url.port || 5432),
      user: decodeURIComponent(url.username),
      password: decodeURIComponent(url.password),
      database: url.pathname.slice(1) || 'postgres',
      max: 2,
      idleTimeoutMillis: 200,
    });
  },
});
