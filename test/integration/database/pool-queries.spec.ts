import { openDatabase, Prisma, PrismaService, type DatabaseConnection } from '@deploysphere/database';
import { createTestDatabase, testDatabaseKinds, type TestDatabase } from '@deploysphere/testing';

jest.setTimeout(120_000);

// PrismaService.query / queryTransaction: statements straight on the pg pool (the hot paths'),
// parameters kept as parameters, and a transaction that commits or rolls back as a whole.
describe.each(testDatabaseKinds())('PrismaService pool queries (%s)', (kind) => {
  let db: TestDatabase;
  let connection: DatabaseConnection;
  let prisma: PrismaService;

  beforeAll(async () => {
    db = await createTestDatabase(kind, { migrate: false });
    connection = await openDatabase({ url: db.url, poolSize: 2, migrateOnStart: false, embeddedDataDir: '' });
    prisma = new PrismaService(connection);
    await prisma.onModuleInit();
    await prisma.query(Prisma.sql`CREATE TABLE pool_probe (id text PRIMARY KEY, at timestamptz, tags text[])`);
  });
  afterAll(async () => {
    await prisma?.onModuleDestroy();
    await db?.close();
  });

  it('binds values as parameters, arrays and dates included, and returns the rows', async () => {
    const at = new Date('2026-11-27T00:00:00.123Z');
    const hostile = "x'); DROP TABLE pool_probe; --";
    expect(await prisma.query(Prisma.sql`INSERT INTO pool_probe VALUES (${hostile}, ${at}, ${['t1', null]}) RETURNING *`)).toEqual([
      { id: hostile, at, tags: ['t1', null] },
    ]);
    const ids = [hostile, 'nobody'];
    expect(await prisma.query(Prisma.sql`SELECT id FROM pool_probe WHERE id = ANY(${ids}) AND at = ${at}`)).toEqual([{ id: hostile }]);
  });

  it('a transaction commits all its statements, or none when the work throws', async () => {
    const committed = await prisma.queryTransaction(async (query) => {
      await query(Prisma.sql`INSERT INTO pool_probe (id) VALUES ('tx-1')`);
      return query<{ n: number }>(Prisma.sql`SELECT count(*)::int AS n FROM pool_probe WHERE id LIKE 'tx-%'`);
    });
    expect(committed).toEqual([{ n: 1 }]);

    await expect(
      prisma.queryTransaction(async (query) => {
        await query(Prisma.sql`INSERT INTO pool_probe (id) VALUES ('tx-2')`);
        throw new Error('changed my mind');
      }),
    ).rejects.toThrow('changed my mind');
    await expect(prisma.queryTransaction((query) => query(Prisma.sql`INSERT INTO pool_probe (id) VALUES ('tx-1')`))).rejects.toThrow(/duplicate key/);

    const ids = await prisma.query<{ id: string }>(Prisma.sql`SELECT id FROM pool_probe WHERE id LIKE 'tx-%' ORDER BY id`);
    expect(ids.map((r) => r.id)).toEqual(['tx-1']);
    // The connections went back to the pool usable (no transaction left open on them).
    const open = await Promise.all([1, 2, 3].map(() => prisma.query<{ open: boolean }>(Prisma.sql`SELECT now() <> statement_timestamp() AS open`)));
    expect(open.map(([r]) => r.open)).toEqual([false, false, false]);
  });
});
