import { FakeRunner } from '../../support/fake-runner';
import { eventsOf, eventually, OrchestratorWorld, seedDeployment, waitForStatus } from '../../support/orchestrator';

/**
 * The claim reads QUEUED rows without locking them (it holds the claim lock) and moves each one
 * with `UPDATE … WHERE status = 'QUEUED'`: a change that commits in between wins.
 */
describe('claiming queued deployments (PostgreSQL)', () => {
  let world: OrchestratorWorld;
  afterEach(() => world?.close());

  it('a deployment canceled while the claim is planning stays canceled and never builds; the rest of the claim goes on', async () => {
    world = new OrchestratorWorld('postgres');
    const runner = new FakeRunner();
    runner.autoFinishMs = 10;
    const orch = await world.start({ runner, env: { BUILD_CONCURRENCY: '0' } }); // paused while the rows are set up
    const canceled = await seedDeployment(orch.prisma, { target: 'PREVIEW' });
    const other = await seedDeployment(orch.prisma, { target: 'PREVIEW' });
    await orch.close();

    // The api's cancel, in progress: row locked and changed, not yet committed.
    const cancel = await world.db!.pool.connect();
    try {
      await cancel.query('BEGIN');
      await cancel.query('SELECT id FROM deployments WHERE id = $1 FOR UPDATE', [canceled.deploymentId]);
      await cancel.query(`UPDATE deployments SET status = 'CANCELED', finished_at = now(), failure_code = 'CANCELED' WHERE id = $1`, [canceled.deploymentId]);

      const running = await world.start({ runner, env: { BUILD_CONCURRENCY: '4' } });
      // The claim saw both rows QUEUED and now waits on the locked one.
      await eventually(async () => (await world.db!.pool.query(`SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE '%UPDATE deployments SET status = ''BUILDING''%'`)).rowCount === 1, 20_000, 'the claim to wait for the row lock');
      await cancel.query('COMMIT');

      expect((await waitForStatus(running.prisma, other.deploymentId)).status).toBe('READY');
      expect((await running.prisma.deployment.findUniqueOrThrow({ where: { id: canceled.deploymentId } })).status).toBe('CANCELED');
      expect(runner.started).toEqual([other.deploymentId]);
      expect((await eventsOf(running.prisma, canceled.deploymentId)).filter((e) => e.payload.to === 'BUILDING')).toEqual([]);
      expect((await eventsOf(running.prisma, other.deploymentId)).filter((e) => e.payload.to === 'BUILDING')).toHaveLength(1);
    } finally {
      await cancel.query('ROLLBACK').catch(() => undefined);
      cancel.release();
    }
  }, 60_000);
});
