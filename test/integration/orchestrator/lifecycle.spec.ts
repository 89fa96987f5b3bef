import Docker from 'dockerode';
import { newId } from '@deploysphere/common';
import { DeploymentCancelRequestedV1 } from '@deploysphere/contracts';
import type { PrismaClient } from '@deploysphere/database';
import { InMemoryLogSink } from '@deploysphere/logs';
import { OutboxWriter } from '@deploysphere/messaging';
import { DockerBuildRunner } from '../../../apps/orchestrator/src/runner';
import { builderImage } from '../../support/builds';
import { eventsOf, eventually, OrchestratorWorld, seedDeployment, waitForStatus, type TestOrchestrator } from '../../support/orchestrator';

const docker = new Docker();

async function touchInContainer(containerId: string, path: string): Promise<void> {
  const exec = await docker.getContainer(containerId).exec({ Cmd: ['touch', path] });
  await exec.start({ Detach: true });
  const { ExitCode } = await eventually(async () => {
    const state = await exec.inspect();
    return !state.Running && state.ExitCode !== null && state;
  }, 30_000, 'the touch in the build container');
  expect(ExitCode).toBe(0);
}
/** The build's container is removed (right after the final status change). */
const gone = (ref: string) =>
  eventually(async () => (await docker.getContainer(ref.replace(/^docker:/, '')).inspect().then(() => false, (err) => err.statusCode === 404)) || undefined, 15_000, `container ${ref} removed`);

/** Cancels the way the api does: cancel_requested_at and DeploymentCancelRequested.v1 in one transaction. */
async function requestCancel(orch: TestOrchestrator, deploymentId: string): Promise<void> {
  const outbox = orch.app.get(OutboxWriter);
  await orch.prisma.$transaction(async (tx) => {
    const d = await tx.deployment.update({ where: { id: deploymentId }, data: { cancelRequestedAt: new Date() } });
    await outbox.add(tx, DeploymentCancelRequestedV1, { deploymentId, projectId: d.projectId, requestedAt: new Date().toISOString() }, { key: deploymentId, correlationId: 'test-cancel' });
  });
  orch.relay.nudge();
}

async function runnerRefOf(prisma: PrismaClient, deploymentId: string): Promise<string> {
  return eventually<string>(async () => (await prisma.deployment.findUniqueOrThrow({ where: { id: deploymentId } })).runnerRef ?? undefined, 60_000, 'runner_ref');
}

/** Every seq from 1 to the last appears, and a seq seen twice (a replay) carries the same line. */
function expectOneGapFreeLog(...sinks: Array<{ sink: InMemoryLogSink; id: string }>): string[] {
  const bySeq = new Map<number, string>();
  for (const { sink, id } of sinks) {
    for (const l of sink.read(id)) {
      const seen = bySeq.get(l.seq);
      if (seen !== undefined) expect(`${l.seq}:${l.message}`).toBe(`${l.seq}:${seen}`);
      bySeq.set(l.seq, l.message);
    }
  }
  const max = Math.max(...bySeq.keys());
  expect([...bySeq.keys()].sort((a, b) => a - b)).toEqual(Array.from({ length: max }, (_, i) => i + 1));
  return [...bySeq.entries()].sort((a, b) => a[0] - b[0]).map(([, m]) => m);
}

describe('deployment lifecycle with the docker runner: cancel, timeout, restart recovery (PostgreSQL)', () => {
  let image: string;
  let world: OrchestratorWorld;
  const dockerEnv = (extra: Record<string, string> = {}) => ({ BUILD_RUNNER: 'docker', BUILDER_IMAGE: image, BUILD_MEMORY_MB: '512', ...extra });

  beforeAll(async () => {
    image = await builderImage();
  }, 600_000);
  afterEach(() => world?.close());

  it('cancel mid-build (DeploymentCancelRequested.v1) stops the container: CANCELED, container gone', async () => {
    world = new OrchestratorWorld('postgres');
    const orch = await world.start({ env: dockerEnv() });
    const { deploymentId } = await seedDeployment(orch.prisma, { project: { buildCommand: 'echo long-build; sleep 120' } });
    orch.scheduler.nudge();
    const ref = await runnerRefOf(orch.prisma, deploymentId);
    await eventually(() => orch.sink.read(deploymentId).some((l) => l.message === 'long-build'), 30_000, 'the build to run');
    const t0 = Date.now();
    await requestCancel(orch, deploymentId);
    const d = await waitForStatus(orch.prisma, deploymentId, undefined, 60_000);
    expect(d).toMatchObject({ status: 'CANCELED', failureCode: 'CANCELED' });
    // Stopped, not run out: far below the command's 120 s even on a loaded machine.
    expect(Date.now() - t0).toBeLessThan(60_000);
    await gone(ref);
    const events = await eventsOf(orch.prisma, deploymentId);
    expect(events.filter((e) => e.type === 'DeploymentStatusChanged.v1').map((e) => e.payload.to)).toEqual(['BUILDING', 'CANCELED']);
    expect(events.some((e) => e.type === 'DeploymentFailed.v1')).toBe(false);
    expect(orch.sink.read(deploymentId).at(-1)?.message).toBe('Build canceled');
  }, 180_000);

  it('a build over its project time limit ends TIMED_OUT and its container is removed', async () => {
    world = new OrchestratorWorld('postgres');
    const orch = await world.start({ env: dockerEnv({ BUILD_TIMEOUT_SECONDS: '600' }) });
    const { deploymentId } = await seedDeployment(orch.prisma, { project: { buildCommand: 'sleep 120', buildTimeoutSeconds: 4 } });
    orch.scheduler.nudge();
    const ref = await runnerRefOf(orch.prisma, deploymentId);
    const d = await waitForStatus(orch.prisma, deploymentId, undefined, 90_000);
    expect(d).toMatchObject({ status: 'TIMED_OUT', failureCode: 'TIMED_OUT' });
    // The project's 4 s, not the command's 120 s nor the instance's 600 s (16 s seen with a CPU hog on both cores).
    expect(d.finishedAt!.getTime() - d.buildingAt!.getTime()).toBeLessThan(60_000);
    await gone(ref);
    expect((await eventsOf(orch.prisma, deploymentId)).find((e) => e.type === 'DeploymentFailed.v1')?.payload).toMatchObject({ status: 'TIMED_OUT', failureCode: 'TIMED_OUT' });
  }, 180_000);

  it('a build that allocates more than BUILD_MEMORY_MB ends FAILED OUT_OF_MEMORY; the live deployment stays live', async () => {
    world = new OrchestratorWorld('postgres');
    const orch = await world.start({ env: dockerEnv({ BUILD_MEMORY_MB: '192' }) });
    const live = await seedDeployment(orch.prisma);
    orch.scheduler.nudge();
    expect((await waitForStatus(orch.prisma, live.deploymentId, undefined, 60_000)).status).toBe('READY');
    const { deploymentId } = await seedDeployment(orch.prisma, {
      projectId: live.projectId,
      project: { buildCommand: 'node -e "const a = []; for (;;) a.push(Buffer.alloc(16 * 1024 * 1024, 1))"' },
    });
    orch.scheduler.nudge();
    const d = await waitForStatus(orch.prisma, deploymentId, undefined, 60_000);
    expect(d).toMatchObject({ status: 'FAILED', failureCode: 'OUT_OF_MEMORY' });
    expect((await eventsOf(orch.prisma, deploymentId)).find((e) => e.type === 'DeploymentFailed.v1')?.payload).toMatchObject({ failureCode: 'OUT_OF_MEMORY' });
    expect((await orch.prisma.projectAlias.findUnique({ where: { projectId: live.projectId } }))?.deploymentId).toBe(live.deploymentId);
  }, 120_000);

  it('after a restart the orchestrator reattaches to a running build (runner_ref) and finishes it: READY, one gap-free log', async () => {
    world = new OrchestratorWorld('postgres');
    const a = await world.start({ env: dockerEnv({ ORCHESTRATOR_INSTANCE_ID: 'orch-restart' }) });
    // The build waits for the test's go (a file it creates in the container once the first
    // orchestrator is gone), so a slow close on a loaded machine cannot outlast it.
    const { deploymentId } = await seedDeployment(a.prisma, {
      project: { buildCommand: 'echo step-1; until [ -e /tmp/go ]; do sleep 0.2; done; for i in 2 3 4; do echo step-$i; done' },
    });
    a.scheduler.nudge();
    const ref = await runnerRefOf(a.prisma, deploymentId);
    await eventually(() => a.sink.read(deploymentId).some((l) => l.message === 'step-1'), 30_000, 'the build to run');
    await a.close(); // the container keeps running
    expect((await docker.getContainer(ref.slice(7)).inspect()).State.Running).toBe(true);
    expect((await world.db!.prisma.deployment.findUniqueOrThrow({ where: { id: deploymentId } })).status).toBe('BUILDING');

    const b = await world.start({ env: dockerEnv({ ORCHESTRATOR_INSTANCE_ID: 'orch-restart' }) });
    await touchInContainer(ref.slice(7), '/tmp/go');
    const d = await waitForStatus(b.prisma, deploymentId, undefined, 60_000);
    expect(d).toMatchObject({ status: 'READY', runnerRef: ref });
    expect((await b.store.getManifest(deploymentId))?.files.length).toBe(4);
    const log = expectOneGapFreeLog({ sink: a.sink, id: deploymentId }, { sink: b.sink, id: deploymentId });
    expect(log).toEqual(expect.arrayContaining(['step-1', 'step-4', expect.stringContaining('found again and followed to its end')]));
    await gone(ref);
  }, 120_000);

  it('another instance takes over once the owner\'s lease expires', async () => {
    world = new OrchestratorWorld('postgres');
    const a = await world.start({ env: dockerEnv({ ORCHESTRATOR_INSTANCE_ID: 'orch-x', BUILD_LEASE_SECONDS: '3' }) });
    const { deploymentId } = await seedDeployment(a.prisma, { project: { buildCommand: 'sleep 6; echo done-sleeping' } });
    a.scheduler.nudge();
    await runnerRefOf(a.prisma, deploymentId);
    await a.close();
    const started = Date.now();
    const b = await world.start({ env: dockerEnv({ ORCHESTRATOR_INSTANCE_ID: 'orch-y', BUILD_LEASE_SECONDS: '3' }) });
    const d = await waitForStatus(b.prisma, deploymentId, undefined, 90_000);
    expect(d).toMatchObject({ status: 'READY', orchestratorId: 'orch-y' });
    expect(Date.now() - started).toBeLessThan(90_000);
    expect(b.sink.read(deploymentId).map((l) => l.message)).toContain('done-sleeping');
  }, 240_000);

  it('a BUILDING row whose build no longer exists ends FAILED ORCHESTRATOR_RESTARTED, never stays BUILDING', async () => {
    world = new OrchestratorWorld('postgres');
    const first = await world.start({ env: dockerEnv({ ORCHESTRATOR_INSTANCE_ID: 'orch-live' }) });
    const { deploymentId } = await seedDeployment(first.prisma);
    await first.close();
    await world.db!.prisma.$executeRaw`
      UPDATE deployments SET status = 'BUILDING', building_at = now() - interval '5 minutes', orchestrator_id = 'orch-dead',
        lease_expires_at = now() - interval '1 minute', runner_ref = ${`docker:${'0'.repeat(64)}`} WHERE id = ${deploymentId}`;
    const orch = await world.start({ env: dockerEnv({ ORCHESTRATOR_INSTANCE_ID: 'orch-live' }) });
    const d = await waitForStatus(orch.prisma, deploymentId, undefined, 30_000);
    expect(d).toMatchObject({ status: 'FAILED', failureCode: 'ORCHESTRATOR_RESTARTED' });
    expect((await eventsOf(orch.prisma, deploymentId)).find((e) => e.type === 'DeploymentFailed.v1')?.payload).toMatchObject({ failureCode: 'ORCHESTRATOR_RESTARTED' });
  }, 60_000);

  it('a cancel requested while the owner was down is honoured on recovery; a leftover build of an ended deployment is removed', async () => {
    world = new OrchestratorWorld('postgres');
    const a = await world.start({ env: dockerEnv({ ORCHESTRATOR_INSTANCE_ID: 'orch-c' }) });
    const { deploymentId } = await seedDeployment(a.prisma, { project: { buildCommand: 'sleep 120' } });
    a.scheduler.nudge();
    const ref = await runnerRefOf(a.prisma, deploymentId);
    await a.close();
    await world.db!.prisma.deployment.update({ where: { id: deploymentId }, data: { cancelRequestedAt: new Date() } });

    // A container left behind by a deployment that has since ended (e.g. it failed elsewhere).
    const ended = await seedDeployment(world.db!.prisma);
    await world.db!.prisma.deployment.update({ where: { id: ended.deploymentId }, data: { status: 'FAILED', failureCode: 'BUILD_FAILED' } });
    const orphanRunner = new DockerBuildRunner({ image, network: 'deploysphere-builds', logMaxBytes: 100_000 });
    const orphan = await orphanRunner.start(
      {
        deploymentId: ended.deploymentId,
        projectId: ended.projectId,
        sourceDir: `${__dirname}/../../fixtures/sites/static-site`,
        outputDir: world.dataDir,
        settings: { buildCommand: 'sleep 120' },
        env: {},
        limits: { timeoutSeconds: 300, memoryMb: 256, cpus: 1, pids: 128, outputMaxBytes: 1e6 },
        logSeqBase: 1,
      },
      () => undefined,
    );
    orphan.detach();

    const b = await world.start({ env: dockerEnv({ ORCHESTRATOR_INSTANCE_ID: 'orch-c' }) });
    expect(await waitForStatus(b.prisma, deploymentId, undefined, 30_000)).toMatchObject({ status: 'CANCELED', failureCode: 'CANCELED' });
    await gone(ref);
    await eventually(async () => (await docker.getContainer(orphan.runnerRef.slice(7)).inspect().then(() => false, () => true)) || undefined, 30_000, 'the leftover container to be removed');
  }, 120_000);
});

describe('restart in embedded mode (PGlite on disk)', () => {
  it('a restarted embedded platform reattaches to its running build and finishes it', async () => {
    const image = await builderImage();
    const world = new OrchestratorWorld('pglite');
    try {
      const env = { BUILD_RUNNER: 'docker', BUILDER_IMAGE: image, ORCHESTRATOR_INSTANCE_ID: 'embedded' };
      const a = await world.start({ env });
      const { deploymentId } = await seedDeployment(a.prisma, { projectId: newId('prj'), project: { buildCommand: 'sleep 3; echo after-restart' } });
      a.scheduler.nudge();
      const ref = await runnerRefOf(a.prisma, deploymentId);
      await a.close();
      const b = await world.start({ env });
      expect(await waitForStatus(b.prisma, deploymentId, undefined, 60_000)).toMatchObject({ status: 'READY', runnerRef: ref });
      expect(b.sink.read(deploymentId).map((l) => l.message)).toContain('after-restart');
    } finally {
      await world.close();
    }
  }, 180_000);
});
