import { createHash } from 'node:crypto';
import { newId } from '@deploysphere/common';
import { createTestDatabase, type TestDatabase, type TestDatabaseKind } from '@deploysphere/testing';
import { BlobReferences, DeploymentGoneError } from '../../../apps/orchestrator/src/artifacts/blob-references.repository';
import { eventually, seedProject } from '../../support/orchestrator';

jest.setTimeout(120_000);

const sha = (s: string) => createHash('sha256').update(s).digest('hex');

/**
 * The blob reservations and purge checks of concurrent builds are group-committed: one statement
 * per batch, no interactive transaction, and each deployment still gets exactly its own outcome.
 */
describe.each<TestDatabaseKind>(['postgres', 'pglite'])('blob references of concurrent builds (%s)', (kind) => {
  let db: TestDatabase;
  let refs: BlobReferences;

  beforeAll(async () => {
    db = await createTestDatabase(kind);
    refs = new BlobReferences(db.prisma);
  });
  afterAll(() => db?.close());

  /** Deployments being stored, one per project (the scheduler runs one build per project). */
  async function uploading(n: number): Promise<string[]> {
    return Promise.all(
      Array.from({ length: n }, async () => {
        const id = newId('dpl');
        await db.prisma.deployment.create({ data: { id, projectId: await seedProject(db.prisma), target: 'PREVIEW', source: 'UPLOAD', status: 'UPLOADING' } });
        return id;
      }),
    );
  }

  const refsOf = async (id: string) => (await db.prisma.artifactBlobRef.findMany({ where: { deploymentId: id } })).map((r) => r.sha256).sort();

  it('reserves concurrent builds in one statement; a deployment deleted meanwhile fails alone and records nothing', async () => {
    const ids = await uploading(10);
    const gone = ids[3];
    await db.prisma.deployment.delete({ where: { id: gone } });
    const query = jest.spyOn(db.prisma, 'query');
    const transaction = jest.spyOn(db.prisma, 'queryTransaction');
    const outcomes = await Promise.allSettled(ids.map((id) => refs.reserve(id, [sha(`shared-${ids[0]}`), sha(`own-${id}`)])));
    const statements = query.mock.calls.length;
    const transactions = transaction.mock.calls.length;
    query.mockRestore();
    transaction.mockRestore();

    // One statement for the batch, and the deleted one alone again (skipped rows are retried alone).
    expect(statements).toBe(2);
    expect(transactions).toBe(0);
    outcomes.forEach((o, i) => {
      if (ids[i] === gone) expect(o).toMatchObject({ status: 'rejected', reason: expect.any(DeploymentGoneError) });
      else expect(o).toEqual({ status: 'fulfilled', value: undefined });
    });
    for (const id of ids) expect(await refsOf(id)).toEqual(id === gone ? [] : [sha(`shared-${ids[0]}`), sha(`own-${id}`)].sort());
  });

  it('queues a purge for exactly the deployments deleted while their output was stored, in one statement', async () => {
    const ids = await uploading(6);
    const deleted = [ids[1], ids[4]];
    for (const id of deleted) await db.prisma.deployment.delete({ where: { id } });
    // The delete's trigger queued them already; the build's check must queue them again after the janitor took them.
    await db.prisma.artifactPurge.deleteMany({ where: { deploymentId: { in: deleted } } });
    const query = jest.spyOn(db.prisma, 'query');
    const queued = await Promise.all(ids.map((id) => refs.purgeIfGone(id)));
    const statements = query.mock.calls.length;
    query.mockRestore();

    expect(statements).toBe(1);
    expect(queued).toEqual(ids.map((id) => deleted.includes(id)));
    const purges = await db.prisma.artifactPurge.findMany({ where: { deploymentId: { in: ids } } });
    expect(purges.map((p) => p.deploymentId).sort()).toEqual([...deleted].sort());
    // Asked again: nothing new (already queued).
    await expect(Promise.all(deleted.map((id) => refs.purgeIfGone(id)))).resolves.toEqual([false, false]);
  });

  // Embedded PGlite has one connection: no second transaction can hold a row meanwhile.
  const concurrently = kind === 'postgres' ? it : () => undefined;

  concurrently('a row another transaction holds does not stall the batch: the others are reserved, that one waits for it and is reserved after', async () => {
    const ids = await uploading(5);
    const held = ids[2];
    const client = await db.pool.connect();
    let reservedHeld = false;
    try {
      await client.query('BEGIN');
      // As a transition that must read the row's status first does (FOR UPDATE conflicts with KEY SHARE).
      await client.query('SELECT 1 FROM deployments WHERE id = $1 FOR UPDATE', [held]);
      const all = ids.map((id) => refs.reserve(id, [sha(`held-${id}`)]).then(() => id === held && (reservedHeld = true)));
      await Promise.all(all.filter((_, i) => ids[i] !== held));
      for (const id of ids.filter((i) => i !== held)) expect(await refsOf(id)).toEqual([sha(`held-${id}`)]);
      await eventually(
        async () => (await db.pool.query(`SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND wait_event IN ('tuple', 'transactionid')`)).rowCount,
        30_000,
        'the held row\'s reservation to wait for its lock',
      );
      expect(reservedHeld).toBe(false);
      await client.query('COMMIT');
      await Promise.all(all);
    } finally {
      await client.query('ROLLBACK').catch(() => undefined);
      client.release();
    }
    expect(reservedHeld).toBe(true);
    expect(await refsOf(held)).toEqual([sha(`held-${held}`)]);
  });
});
