import Docker from 'dockerode';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DeploymentCancelRequestedV1 } from '@deploysphere/contracts';
import { OutboxWriter } from '@deploysphere/messaging';
import { builderImage, removeDir, scratchDir } from '../../support/builds';
import { eventsOf, eventually, OrchestratorWorld, seedDeployment, waitForStatus, type TestOrchestrator } from '../../support/orchestrator';

// A server app's image build inside the orchestrator's life cycle: cancel, timeout and an
// orchestrator restart each end the deployment and leave no build running on the engine.

const docker = new Docker();

/** Containers running a RUN step that holds `marker`. */
const running = async (marker: string) => (await docker.listContainers()).filter((c) => c.Command.includes(marker)).length;

async function requestCancel(orch: TestOrchestrator, deploymentId: string): Promise<void> {
  const outbox = orch.app.get(OutboxWriter);
  await orch.prisma.$transaction(async (tx) => {
    const d = await tx.deployment.update({ where: { id: deploymentId }, data: { cancelRequestedAt: new Date() } });
    await outbox.add(tx, DeploymentCancelRequestedV1, { deploymentId, projectId: d.projectId, requestedAt: new Date().toISOString() }, { key: deploymentId, correlationId: 'test-cancel' });
  });
  orch.relay.nudge();
}

describe('image builds in the deployment life cycle (docker runner, PostgreSQL)', () => {
  let image: string;
  let world: OrchestratorWorld;
  const dirs: string[] = [];
  const env = (extra: Record<string, string> = {}) => ({ BUILD_RUNNER: 'docker', BUILDER_IMAGE: image, BUILD_MEMORY_MB: '512', REGISTRY_KIND: 'none', ...extra });
  /** A source whose image build sleeps in a RUN step that names `marker`. */
  const slowApp = (marker: string): string => {
    const dir = scratchDir('ds-img-life-');
    dirs.push(dir);
    writeFileSync(join(dir, 'Dockerfile'), `FROM deploysphere/runtime-node:24\nRUN echo step-started-${marker} && sleep 300 && echo ${marker}\n`);
    return dir;
  };

  beforeAll(async () => {
    image = await builderImage();
  }, 600_000);
  afterEach(() => world?.close());
  afterAll(() => dirs.forEach(removeDir));

  it('cancel mid image build: CANCELED, the RUN step stopped', async () => {
    world = new OrchestratorWorld('postgres');
    const orch = await world.start({ env: env() });
    const marker = `c${randomBytes(4).toString('hex')}`;
    const { deploymentId } = await seedDeployment(orch.prisma, { site: slowApp(marker) });
    orch.scheduler.nudge();
    await eventually(() => orch.sink.read(deploymentId).some((l) => l.message.includes(`step-started-${marker}`)), 120_000, 'the RUN step to start');
    await requestCancel(orch, deploymentId);
    const d = await waitForStatus(orch.prisma, deploymentId, undefined, 60_000);
    expect(d).toMatchObject({ status: 'CANCELED', failureCode: 'CANCELED', runtime: 'container', imageRef: null });
    expect(d.runnerRef).toBe(`image:${deploymentId}`);
    await eventually(async () => (await running(marker)) === 0 || undefined, 60_000, 'the RUN container to go');
  }, 300_000);

  it('the build time limit ends it TIMED_OUT with DeploymentFailed.v1, the RUN step stopped', async () => {
    world = new OrchestratorWorld('postgres');
    const orch = await world.start({ env: env({ BUILD_TIMEOUT_SECONDS: '20' }) });
    const marker = `t${randomBytes(4).toString('hex')}`;
    const { deploymentId } = await seedDeployment(orch.prisma, { site: slowApp(marker) });
    orch.scheduler.nudge();
    const d = await waitForStatus(orch.prisma, deploymentId, undefined, 120_000);
    expect(d).toMatchObject({ status: 'TIMED_OUT', failureCode: 'TIMED_OUT' });
    expect((await eventsOf(orch.prisma, deploymentId)).find((e) => e.type === 'DeploymentFailed.v1')?.payload).toMatchObject({ status: 'TIMED_OUT' });
    await eventually(async () => (await running(marker)) === 0 || undefined, 60_000, 'the RUN container to go');
  }, 300_000);

  it('an orchestrator restart mid image build: the engine stops the build, the restarted instance ends it FAILED ORCHESTRATOR_RESTARTED', async () => {
    world = new OrchestratorWorld('postgres');
    const a = await world.start({ env: env({ ORCHESTRATOR_INSTANCE_ID: 'orch-image-restart' }) });
    const marker = `r${randomBytes(4).toString('hex')}`;
    const { deploymentId } = await seedDeployment(a.prisma, { site: slowApp(marker) });
    a.scheduler.nudge();
    await eventually(() => a.sink.read(deploymentId).some((l) => l.message.includes(`step-started-${marker}`)), 120_000, 'the RUN step to start');
    await a.close();
    // Its client went away: the engine stops the step and removes the container; the row stays BUILDING.
    await eventually(async () => (await running(marker)) === 0 || undefined, 60_000, 'the RUN container to go');
    expect((await world.db!.prisma.deployment.findUniqueOrThrow({ where: { id: deploymentId } })).status).toBe('BUILDING');

    const b = await world.start({ env: env({ ORCHESTRATOR_INSTANCE_ID: 'orch-image-restart' }) });
    const d = await waitForStatus(b.prisma, deploymentId, undefined, 60_000);
    expect(d).toMatchObject({ status: 'FAILED', failureCode: 'ORCHESTRATOR_RESTARTED' });
  }, 300_000);
});
