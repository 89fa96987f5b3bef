import { openDatabase, PrismaService, type DatabaseConnection } from '@deploysphere/database';
import { createTestDatabase, type TestDatabase } from '@deploysphere/testing';

jest.setTimeout(60_000);

// Under load every connection of the pool can be busy for a while. A plain query waits for one;
// a transaction must wait too (TRANSACTION_MAX_WAIT_MS) rather than fail after Prisma's 2 s.
describe('PrismaService transactions', () => {
  let db: TestDatabase;
  let connection: DatabaseConnection;
  let prisma: PrismaService;

  beforeAll(async () => {
    db = await createTestDatabase('postgres');
    connection = await openDatabase({ url: db.url, poolSize: 1, migrateOnStart: false, embeddedDataDir: '' });
    prisma = new PrismaService(connection);
    await prisma.onModuleInit();
  });
  afterAll(async () => {
    await prisma?.onModuleDestroy();
    await db?.close();
  });

  it('waits longer than 2 s for the pool\'s only connection instead of failing', async () => {
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let holding = false;
    const holder = prisma.$transaction(async (tx) => {
      await tx.$queryRawUnsafe('SELECT 1');
      holding = true;
      await held;
    }, { timeout: 20_000 });
    // The holder has the connection once its first statement has run.
    for (const until = Date.now() + 20_000; !holding; ) {
      if (Date.now() > until) throw new Error('the holder never got the connection');
      await new Promise((r) => setTimeout(r, 10));
    }

    const started = Date.now();
    const waiter = prisma.$transaction(async (tx) => tx.$queryRawUnsafe<Array<{ n: number }>>('SELECT 2 AS n'));
    setTimeout(release, 3_000);

    await expect(waiter).resolves.toEqual([{ n: 2 }]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(2_500);
    await holder;
  });

  it('lets a transaction run longer than Prisma\'s 5 s default before aborting it', async () => {
    await expect(
      prisma.$transaction(async (tx) => {
        await tx.$executeRawUnsafe('SELECT pg_sleep(5.5)');
        return tx.$queryRawUnsafe<Array<{ n: number }>>('SELECT 3 AS n');
      }),
    ).resolves.toEqual([{ n: 3 }]);
  });
});
