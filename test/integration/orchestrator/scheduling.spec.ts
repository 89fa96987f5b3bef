import { newId } from '@deploysphere/common';
import { FakeRunner } from '../../support/fake-runner';
import { DirectorySourceFetcher } from '../../support/builds';
import { eventsOf, eventually, OrchestratorWorld, schedulerPasses, seedDeployment, waitForStatus, type TestOrchestrator } from '../../support/orchestrator';

/**
 * Scheduling against real PostgreSQL with a runner whose builds end when the test says so, so
 * "how many at once" is exact. The docker runner itself is covered in the pipeline specs.
 */
describe('build scheduling (PostgreSQL)', () => {
  let world: OrchestratorWorld;
  afterEach(() => world?.close());

  const building = async (orch: TestOrchestrator) => orch.prisma.deployment.count({ where: { status: { in: ['BUILDING', 'UPLOADING'] } } });

  it('runs at most BUILD_CONCURRENCY builds at once and starts the next as soon as one ends', async () => {
    world = new OrchestratorWorld('postgres');
    const runner = new FakeRunner();
    const orch = await world.start({ runner, env: { BUILD_CONCURRENCY: '2' } });
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) ids.push((await seedDeployment(orch.prisma, { target: 'PREVIEW' })).deploymentId);
    orch.scheduler.nudge();
    await eventually(() => runner.running.size === 2, 10_000, 'two builds running');
    await schedulerPasses(orch);
    expect(runner.running.size).toBe(2);
    expect(await building(orch)).toBe(2);
    expect([...runner.running.keys()].sort()).toEqual(ids.slice(0, 2).sort()); // oldest first
    await runner.finishWhenStarted(ids[0]);
    await eventually(() => runner.started.length === 3, 10_000, 'the third build');
    for (const id of ids.slice(1)) await runner.finishWhenStarted(id);
    for (const id of ids) expect((await waitForStatus(orch.prisma, id)).status).toBe('READY');
    expect(runner.maxConcurrent).toBe(2);
  }, 60_000);

  it('builds one deployment of a project at a time, in order, while other projects proceed', async () => {
    world = new OrchestratorWorld('postgres');
    const runner = new FakeRunner();
    const orch = await world.start({ runner, env: { BUILD_CONCURRENCY: '4' } });
    const projectId = newId('prj');
    const a1 = await seedDeployment(orch.prisma, { projectId, target: 'PREVIEW' });
    const a2 = await seedDeployment(orch.prisma, { projectId, target: 'PREVIEW' });
    const b1 = await seedDeployment(orch.prisma, { target: 'PREVIEW' });
    orch.scheduler.nudge();
    await eventually(() => runner.running.size === 2, 10_000, 'a1 and b1 running');
    expect([...runner.running.keys()].sort()).toEqual([a1.deploymentId, b1.deploymentId].sort());
    await schedulerPasses(orch);
    expect(runner.running.has(a2.deploymentId)).toBe(false);
    expect((await orch.prisma.deployment.findUniqueOrThrow({ where: { id: a2.deploymentId } })).status).toBe('QUEUED');
    await runner.finishWhenStarted(a1.deploymentId);
    await runner.finishWhenStarted(a2.deploymentId);
    await runner.finishWhenStarted(b1.deploymentId);
    expect(runner.started.indexOf(a2.deploymentId)).toBeGreaterThan(runner.started.indexOf(a1.deploymentId));
    expect((await waitForStatus(orch.prisma, a2.deploymentId)).status).toBe('READY');
  }, 60_000);

  it('a newer queued production deployment supersedes older queued ones; uploaded previews are never superseded', async () => {
    world = new OrchestratorWorld('postgres');
    const runner = new FakeRunner();
    const orch = await world.start({ runner, env: { BUILD_CONCURRENCY: '4' } });
    const projectId = newId('prj');
    const running = await seedDeployment(orch.prisma, { projectId, target: 'PRODUCTION' });
    orch.scheduler.nudge();
    await eventually(() => runner.running.has(running.deploymentId), 10_000, 'first build');
    const p1 = await seedDeployment(orch.prisma, { projectId, target: 'PRODUCTION' });
    const preview = await seedDeployment(orch.prisma, { projectId, target: 'PREVIEW' });
    const p2 = await seedDeployment(orch.prisma, { projectId, target: 'PRODUCTION' });
    const p3 = await seedDeployment(orch.prisma, { projectId, target: 'PRODUCTION' });
    orch.scheduler.nudge();
    // A pass may run between the seeds (the scheduler also polls), so p1 may be superseded by p2
    // before p3 exists; each names a newer production deployment of its project.
    for (const [old, newer] of [[p1, [p2, p3]], [p2, [p3]]] as const) {
      const d = await waitForStatus(orch.prisma, old.deploymentId, ['CANCELED'], 10_000);
      expect(d.failureCode).toBe('SUPERSEDED');
      const named = d.failureMessage?.match(/dpl_[0-9a-z]+/)?.[0];
      expect(newer.map((n) => n.deploymentId)).toContain(named);
      const change = (await eventsOf(orch.prisma, old.deploymentId)).find((e) => e.type === 'DeploymentStatusChanged.v1');
      expect(change?.payload).toMatchObject({ from: 'QUEUED', to: 'CANCELED', failureCode: 'SUPERSEDED' });
    }
    // The running build is never superseded.
    expect(runner.running.has(running.deploymentId)).toBe(true);
    await runner.finishWhenStarted(running.deploymentId);
    await runner.finishWhenStarted(preview.deploymentId);
    await runner.finishWhenStarted(p3.deploymentId);
    expect((await waitForStatus(orch.prisma, p3.deploymentId)).status).toBe('READY');
    expect((await waitForStatus(orch.prisma, preview.deploymentId)).status).toBe('READY');
    expect(runner.started).not.toContain(p1.deploymentId);
    expect((await orch.prisma.projectAlias.findUnique({ where: { projectId } }))?.deploymentId).toBe(p3.deploymentId);
  }, 60_000);

  it('a busy project with more queued deployments than any window does not hold back another project', async () => {
    world = new OrchestratorWorld('postgres');
    const runner = new FakeRunner();
    const orch = await world.start({ runner, env: { BUILD_CONCURRENCY: '4' } });
    const busyProject = newId('prj');
    const first = await seedDeployment(orch.prisma, { projectId: busyProject, target: 'PREVIEW' });
    orch.scheduler.nudge();
    await eventually(() => runner.running.has(first.deploymentId), 10_000, 'the busy project building');
    // 1,500 uploaded previews (never superseded) queued behind it, all older than the other project's.
    const t0 = Date.now() - 3_600_000;
    await orch.prisma.deployment.createMany({
      data: Array.from({ length: 1_500 }, (_, i) => ({ id: newId('dpl'), projectId: busyProject, target: 'PREVIEW' as const, source: 'UPLOAD' as const, sourceKey: 'static-site', createdAt: new Date(t0 + i) })),
    });
    const other = await seedDeployment(orch.prisma, { target: 'PREVIEW' });
    orch.scheduler.nudge();
    await eventually(() => runner.running.has(other.deploymentId), 10_000, "the other project's build");
    expect([...runner.running.keys()].sort()).toEqual([first.deploymentId, other.deploymentId].sort());
    expect(await orch.prisma.deployment.count({ where: { projectId: busyProject, status: 'QUEUED' } })).toBe(1_500);
    // Let both builds end (a build still running would hold the shutdown up).
    await orch.prisma.deployment.deleteMany({ where: { projectId: busyProject, status: 'QUEUED' } });
    await runner.finishWhenStarted(first.deploymentId);
    await runner.finishWhenStarted(other.deploymentId);
    for (const id of [first.deploymentId, other.deploymentId]) expect((await waitForStatus(orch.prisma, id)).status).toBe('READY');
  }, 60_000);

  it('queued work survives a restart: rows queued while no orchestrator ran are built when one starts', async () => {
    world = new OrchestratorWorld('postgres');
    const first = await world.start({ runner: new FakeRunner(), env: { ORCHESTRATOR_INSTANCE_ID: 'orch-a' } });
    await first.close();
    const queued: string[] = [];
    for (let i = 0; i < 3; i++) queued.push((await seedDeployment(world.db!.prisma, { target: 'PREVIEW' })).deploymentId);
    const runner = new FakeRunner();
    runner.autoFinishMs = 10;
    const second = await world.start({ runner, env: { ORCHESTRATOR_INSTANCE_ID: 'orch-a' } });
    for (const id of queued) expect((await waitForStatus(second.prisma, id)).status).toBe('READY');
  }, 60_000);

  it('several instances share the queue: no deployment is built twice and the global limit holds', async () => {
    world = new OrchestratorWorld('postgres');
    const runners = [new FakeRunner(), new FakeRunner(), new FakeRunner()];
    for (const r of runners) r.autoFinishMs = 150;
    const fetchers = runners.map(() => new DirectorySourceFetcher());
    const instances: TestOrchestrator[] = [];
    for (let i = 0; i < runners.length; i++) {
      instances.push(await world.start({ runner: runners[i], fetcher: fetchers[i], env: { ORCHESTRATOR_INSTANCE_ID: `orch-${i}`, BUILD_CONCURRENCY: '3', BUILD_QUEUE_POLL_MS: '50' } }));
    }
    const ids: string[] = [];
    for (let i = 0; i < 24; i++) ids.push((await seedDeployment(instances[0].prisma, { target: 'PREVIEW' })).deploymentId);
    let peak = 0;
    const sampler = setInterval(async () => {
      peak = Math.max(peak, await building(instances[0]).catch(() => 0));
    }, 25);
    try {
      for (const id of ids) expect((await waitForStatus(instances[0].prisma, id, undefined, 60_000)).status).toBe('READY');
    } finally {
      clearInterval(sampler);
    }
    const started = runners.flatMap((r) => r.started);
    expect(started.sort()).toEqual([...ids].sort()); // each built exactly once…
    expect(fetchers.flatMap((f) => f.fetched).sort()).toEqual([...ids].sort()); // …and fetched exactly once
    expect(runners.filter((r) => r.started.length > 0).length).toBeGreaterThan(1); // the work was shared
    expect(peak).toBeLessThanOrEqual(3);
    expect(runners.reduce((n, r) => n + r.maxConcurrent, 0)).toBeGreaterThanOrEqual(3);
  }, 120_000);

  it('BUILD_CONCURRENCY_PER_INSTANCE caps each instance within the global limit, so the work is spread', async () => {
    world = new OrchestratorWorld('postgres');
    const runners = [new FakeRunner(), new FakeRunner()];
    const instances: TestOrchestrator[] = [];
    for (let i = 0; i < runners.length; i++) {
      instances.push(await world.start({ runner: runners[i], env: { ORCHESTRATOR_INSTANCE_ID: `orch-${i}`, BUILD_CONCURRENCY: '4', BUILD_CONCURRENCY_PER_INSTANCE: '2', BUILD_QUEUE_POLL_MS: '100' } }));
    }
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) ids.push((await seedDeployment(instances[0].prisma, { target: 'PREVIEW' })).deploymentId);
    for (const orch of instances) orch.scheduler.nudge();
    // Builds end only when the test says so: both instances fill their own two slots.
    await eventually(() => runners.every((r) => r.running.size === 2), 10_000, 'two builds on each instance');
    // Nobody takes a fifth.
    for (const orch of instances) await schedulerPasses(orch);
    expect(runners.map((r) => r.running.size)).toEqual([2, 2]);
    expect(await building(instances[0])).toBe(4);
    for (const id of ids) {
      await eventually(() => runners.some((r) => r.running.has(id)), 10_000, `the build of ${id}`);
      await runners.find((r) => r.running.has(id))!.finishWhenStarted(id);
    }
    for (const id of ids) expect((await waitForStatus(instances[0].prisma, id)).status).toBe('READY');
    expect(runners.flatMap((r) => r.started).sort()).toEqual([...ids].sort());
    expect(runners.map((r) => r.maxConcurrent)).toEqual([2, 2]);
  }, 60_000);
});
