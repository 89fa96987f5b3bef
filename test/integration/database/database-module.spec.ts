import { Test } from '@nestjs/testing';
import { DatabaseHealth, DatabaseModule, DeploymentStatus, PrismaService } from '@deploysphere/database';
import { createTestDatabase, TestDatabase, testDatabaseKinds } from '@deploysphere/testing';

// Starting the app on PGlite takes a few seconds, more on a loaded CI machine.
jest.setTimeout(120_000);

describe.each(testDatabaseKinds())('DatabaseModule on %s', (kind) => {
  // postgres: an empty database on the test server; pglite: no url, so the module starts its own.
  let target: TestDatabase | undefined;
  beforeAll(async () => {
    if (kind === 'postgres') target = await createTestDatabase('postgres', { migrate: false });
  });
  afterAll(async () => target?.close());

  it('migrates on start, serves PrismaService and health, and cleans up on close', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [
        DatabaseModule.forRootAsync({
          useFactory: async () => ({ url: target?.url, embeddedDataDir: 'memory://', migrateOnStart: true }),
        }),
      ],
    }).compile();
    const app = moduleRef.createNestApplication({ logger: false });
    await app.init();
    const prisma = app.get(PrismaService);
    try {
      expect(prisma.isEmbedded).toBe(kind === 'pglite');
      await prisma.team.create({ data: { id: 't1', name: 'T', slug: 't1' } });
      await prisma.project.create({ data: { id: 'p1', teamId: 't1', name: 'P', slug: 'p1' } });
      const dep = await prisma.deployment.create({
        data: { id: 'd1', projectId: 'p1', target: 'PREVIEW', source: 'UPLOAD' },
      });
      expect(dep.status).toBe(DeploymentStatus.QUEUED);
      // Interactive transaction over the shared pool (one connection on PGlite).
      await prisma.$transaction(async (tx) => {
        await tx.deployment.update({ where: { id: 'd1' }, data: { status: 'BUILDING', buildingAt: new Date() } });
        await tx.outboxMessage.create({
          data: { id: 'o1', topic: 'deployments', key: 'd1', type: 'DeploymentBuilding', payload: { id: 'd1' } },
        });
      });
      expect(await prisma.outboxMessage.count()).toBe(1);
      expect(await app.get(DatabaseHealth).check()).toMatchObject({ status: 'up', embedded: kind === 'pglite' });
    } finally {
      await app.close();
    }
    // The pool is closed (and, on PGlite, the embedded server stopped).
    await expect(prisma.team.count()).rejects.toThrow();
  });
});
