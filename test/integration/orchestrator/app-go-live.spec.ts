import Docker from 'dockerode';
import { randomBytes } from 'node:crypto';
import { newId } from '@deploysphere/common';
import type { BuildContext } from '@deploysphere/deployments';
import { AppLauncher, type AppLaunch } from '../../../apps/orchestrator/src/apps/app-launcher';
import { AppSupervisor } from '../../../apps/orchestrator/src/apps/app-supervisor';
import { BuildNetworkFirewall } from '../../../apps/orchestrator/src/runner/docker/build-network.firewall';
import { APP_RUNTIME, DockerAppRuntime, type AppRuntime } from '../../../apps/orchestrator/src/runtime';
import { httpJson, testAppImage, waitFor } from '../../support/apps';
import { eventsOf, OrchestratorWorld, seedProject, setEnvVar, type TestOrchestrator } from '../../support/orchestrator';

const docker = new Docker();
const SUFFIX = randomBytes(4).toString('hex');
const OWNER = `orch-apps-${SUFFIX}`;
const NETWORK = `ds-apps-golive-${SUFFIX}`;
const SCOPE = `golive-${SUFFIX}`;

/**
 * Health-gated go-live of server apps with the orchestrator's AppLauncher and AppSupervisor on
 * PostgreSQL and the real Docker engine: the alias moves only once the new deployment is healthy,
 * the replaced one keeps serving until then and stops after the drain; an unhealthy one fails with
 * its last log lines (secrets masked); a live app's crash loop makes it CRASHED; an orchestrator
 * restart keeps the containers; a deleted project's containers go.
 */
describe('server apps: health-gated go-live (PostgreSQL, Docker)', () => {
  const world = new OrchestratorWorld('postgres');
  let orch: TestOrchestrator;
  let image: string;
  let projectId: string;
  let slug: string;

  const env = {
    ORCHESTRATOR_INSTANCE_ID: OWNER,
    APP_RUNTIME: 'docker',
    APP_NETWORK: NETWORK,
    APP_SCOPE: SCOPE,
    APP_SUPERVISE_INTERVAL_MS: '200',
    APP_DRAIN_SECONDS: '1',
    APP_STOP_GRACE_SECONDS: '2',
    APP_HEALTH_TIMEOUT_SECONDS: '15',
    APP_CRASH_LIMIT: '3',
    APP_CRASH_WINDOW_SECONDS: '120',
  };
  const runtime = (): AppRuntime => orch.app.get(APP_RUNTIME);
  const start = async () => {
    orch = await world.start({ env });
  };

  /**
   * A STARTING deployment this test launches itself (claimed by OWNER, so the supervisor leaves
   * it); with `imageRef`, unclaimed, as the image build leaves it for the supervisor to launch.
   */
  async function starting(target: 'PRODUCTION' | 'PREVIEW' = 'PRODUCTION', imageRef?: string): Promise<BuildContext> {
    const id = newId('dpl');
    const createdAt = new Date();
    await orch.prisma.deployment.create({
      data: imageRef
        ? { id, projectId, target, source: 'UPLOAD', status: 'STARTING', runtime: 'container', imageRef, imageDigest: 'sha256:test', createdAt }
        : { id, projectId, target, source: 'UPLOAD', status: 'STARTING', orchestratorId: OWNER, leaseExpiresAt: new Date(Date.now() + 3_600_000), createdAt },
    });
    return { id, projectId, slug, target, createdAt, correlationId: id };
  }
  const launch = (ctx: BuildContext, patch: Partial<AppLaunch> = {}): AppLaunch => ({
    ctx,
    artifact: { kind: 'image', ref: image },
    port: 3000,
    healthCheckPath: '/healthz',
    replicas: 2,
    memoryMb: 128,
    cpus: 0.5,
    ...patch,
  });
  const alias = async () => (await orch.prisma.projectAlias.findUnique({ where: { projectId } }))?.deploymentId;
  const instancesOf = (id: string) => runtime().instances(id);

  beforeAll(async () => {
    image = await testAppImage();
    await start();
    projectId = await seedProject(orch.prisma);
    slug = (await orch.prisma.project.findUniqueOrThrow({ where: { id: projectId } })).slug;
    await setEnvVar(orch.prisma, world.encryptionKey, projectId, 'API_KEY', 'sk_live_app_secret_7f3a', true, 'PRODUCTION');
    await setEnvVar(orch.prisma, world.encryptionKey, projectId, 'API_KEY', 'sk_live_app_secret_7f3a', true, 'PREVIEW');
  }, 600_000);

  afterAll(async () => {
    const leftovers = await new DockerAppRuntime({ network: NETWORK, scope: SCOPE }).instances();
    for (const id of new Set(leftovers.map((i) => i.deploymentId))) await runtime().stop(id, 0).catch(() => undefined);
    await world.close();
    const network = await docker
      .getNetwork(NETWORK)
      .inspect()
      .catch(() => undefined);
    if (network) {
      const bridge = (network as { Options?: Record<string, string>; Id: string }).Options?.['com.docker.network.bridge.name'] || `br-${network.Id.slice(0, 12)}`;
      await new BuildNetworkFirewall({ bridge, instanceId: OWNER }).remove().catch(() => undefined);
      await docker.getNetwork(NETWORK).remove().catch(() => undefined);
    }
  }, 120_000);

  it('goes live only once every replica is healthy; the replaced deployment serves until then, then drains and stops', async () => {
    const launcher = orch.app.get(AppLauncher);
    const first = await starting();
    expect(await launcher.launch(launch(first, { startCommand: 'APP_NAME=first exec node /app/server.js' }))).toBe('ready');
    expect(await alias()).toBe(first.id);
    const firstInstances = await instancesOf(first.id);
    expect(firstInstances.map((i) => i.state)).toEqual(['running', 'running']);
    const ready = (await eventsOf(orch.prisma, first.id)).find((e) => e.type === 'DeploymentReady.v1')!;
    expect(ready.payload.upstreams).toEqual(firstInstances.map((i) => i.address));
    expect(ready.payload).not.toHaveProperty('manifestKey');
    const rows = await orch.prisma.appInstance.findMany({ where: { deploymentId: first.id }, orderBy: { id: 'asc' } });
    expect(rows.map((r) => [r.id, r.address, r.state, r.runtime])).toEqual(
      [...firstInstances].sort((a, b) => a.id.localeCompare(b.id)).map((i) => [i.id, i.address, 'running', 'docker']),
    );

    // The second takes 3 s to become healthy: the alias stays, and the first keeps answering.
    const second = await starting();
    const t0 = Date.now();
    const going = launcher.launch(launch(second, { startCommand: 'HEALTH_DELAY_MS=3000 APP_NAME=second exec node /app/server.js' }));
    let served = 0;
    while ((await alias()) === first.id) {
      const answer = await httpJson(`http://${firstInstances[served % 2].address}/`);
      expect(answer.body.app).toBe('first');
      served++;
    }
    // The alias moved no sooner than the new instances became healthy.
    expect(Date.now() - t0).toBeGreaterThanOrEqual(3000);
    expect(await alias()).toBe(second.id);
    expect(await going).toBe('ready');
    expect(served).toBeGreaterThan(5);
    for (const i of await instancesOf(second.id)) expect((await httpJson(`http://${i.address}/healthz`)).status).toBe(200);
    const moved = (await eventsOf(orch.prisma, projectId)).filter((e) => e.type === 'AliasMoved.v1').pop()!;
    expect(moved.payload).toMatchObject({ deploymentId: second.id, previousDeploymentId: first.id });
    // Drained for APP_DRAIN_SECONDS, then stopped and its rows gone; the new one keeps running.
    await waitFor(async () => (await instancesOf(first.id)).length === 0, 30_000, 'the replaced deployment to stop');
    await waitFor(async () => (await orch.prisma.appInstance.count({ where: { deploymentId: first.id } })) === 0, 10_000, 'its instance rows to go');
    expect((await instancesOf(second.id)).map((i) => i.state)).toEqual(['running', 'running']);
  }, 180_000);

  it('a deployment that never passes its health check FAILS with its last log lines (secrets masked); nothing live changes', async () => {
    const live = await alias();
    const bad = await starting();
    const outcome = await orch.app.get(AppLauncher).launch(launch(bad, { replicas: 1, startCommand: 'echo "using key $API_KEY"; HEALTH_FAIL=1 exec node /app/server.js' }));
    expect(outcome).toBe('failed');
    const row = await orch.prisma.deployment.findUniqueOrThrow({ where: { id: bad.id } });
    expect(row).toMatchObject({ status: 'FAILED', failureCode: 'HEALTH_CHECK_FAILED' });
    expect(row.failureMessage).toContain('GET /healthz on port 3000');
    expect(row.failureMessage).toContain('app listening on 3000');
    expect(row.failureMessage).toContain('using key');
    expect(row.failureMessage).not.toContain('sk_live_app_secret_7f3a');
    expect(await alias()).toBe(live);
    expect(await instancesOf(bad.id)).toEqual([]);
    expect((await instancesOf(live!)).length).toBe(2);
  }, 120_000);

  it('a live app that keeps crashing becomes CRASHED with its last log lines, and its instances stop', async () => {
    const preview = await starting('PREVIEW');
    // Healthy at once, then exits after 2 s: the engine restarts it with backoff, the supervisor counts.
    expect(await orch.app.get(AppLauncher).launch(launch(preview, { replicas: 1, startCommand: 'CRASH_AFTER_MS=2000 exec node /app/server.js' }))).toBe('ready');
    const crashed = await waitFor(async () => {
      const d = await orch.prisma.deployment.findUniqueOrThrow({ where: { id: preview.id } });
      return d.status === 'CRASHED' ? d : undefined;
    }, 90_000, 'CRASHED');
    expect(crashed.failureCode).toBe('CRASH_LOOP');
    expect(crashed.failureMessage).toContain('crashed 3 times within 120 s');
    expect(crashed.failureMessage).toContain('app crashing on purpose');
    const events = await eventsOf(orch.prisma, preview.id);
    expect(events.filter((e) => e.type === 'DeploymentFailed.v1').map((e) => e.payload)).toEqual([expect.objectContaining({ status: 'CRASHED', failureCode: 'CRASH_LOOP' })]);
    await waitFor(async () => (await instancesOf(preview.id)).length === 0, 30_000, 'the crashed instances to stop');
  }, 180_000);

  it('an orchestrator restart keeps the live containers running (same containers, not restarted) and records them again', async () => {
    const live = (await alias())!;
    const before = await instancesOf(live);
    const startedAt = await Promise.all(before.map(async (i) => (await docker.getContainer(i.id).inspect()).State.StartedAt));
    await orch.close();
    await orch.prisma.appInstance.deleteMany({ where: { deploymentId: live } }).catch(() => undefined);
    await start();
    await waitFor(async () => (await orch.prisma.appInstance.count({ where: { deploymentId: live, state: 'running' } })) === 2, 30_000, 'the adopted instances recorded');
    const after = await instancesOf(live);
    expect(after.map((i) => i.id)).toEqual(before.map((i) => i.id));
    expect(await Promise.all(after.map(async (i) => (await docker.getContainer(i.id).inspect()).State.StartedAt))).toEqual(startedAt);
    expect((await httpJson(`http://${after[0].address}/`)).body.app).toBe('second');
    expect((await orch.prisma.deployment.findUniqueOrThrow({ where: { id: live } })).status).toBe('READY');
  }, 180_000);

  it("the supervisor launches a STARTING deployment whose image is stored, with its project's runtime settings", async () => {
    const live = (await alias())!;
    await orch.prisma.project.update({
      where: { id: projectId },
      data: { port: 3000, healthCheckPath: '/healthz', startCommand: 'APP_NAME=picked exec node /app/server.js', replicas: 1, memoryMb: 96, cpus: 0.25 },
    });
    const picked = await starting('PRODUCTION', image);
    await waitFor(async () => (await orch.prisma.deployment.findUniqueOrThrow({ where: { id: picked.id } })).status === 'READY', 60_000, 'READY');
    expect(await alias()).toBe(picked.id);
    const [instance] = await instancesOf(picked.id);
    expect((await httpJson(`http://${instance.address}/`)).body.app).toBe('picked');
    expect((await docker.getContainer(instance.id).inspect()).HostConfig).toMatchObject({ Memory: 96 * 1024 * 1024, NanoCpus: 0.25e9 });
    await waitFor(async () => (await instancesOf(live)).length === 0, 30_000, 'the replaced deployment to stop');
  }, 120_000);

  it('a project drop aborts its launches in flight and waits for them, so no container starts after it', async () => {
    const live = await alias();
    await orch.prisma.project.update({ where: { id: projectId }, data: { startCommand: 'HEALTH_FAIL=1 exec node /app/server.js', replicas: 1 } });
    const pending = await starting('PREVIEW', image);
    await waitFor(async () => (await instancesOf(pending.id)).length > 0, 60_000, 'the launch to start its instance');
    await orch.app.get(AppSupervisor).dropProject(projectId);
    // Aborted within the health timeout's wait, not at its end: CANCELED, its container discarded.
    expect((await orch.prisma.deployment.findUniqueOrThrow({ where: { id: pending.id } })).status).toBe('CANCELED');
    expect(await instancesOf(pending.id)).toEqual([]);
    expect(await alias()).toBe(live);
  }, 120_000);

  it('deleting the project stops and removes its containers', async () => {
    const live = (await alias())!;
    await orch.prisma.project.delete({ where: { id: projectId } });
    await waitFor(async () => (await instancesOf(live)).length === 0, 30_000, "the deleted project's containers to go");
    expect(await docker.listContainers({ all: true, filters: { label: [`io.deploysphere.project-id=${projectId}`] } })).toEqual([]);
    expect(orch.app.get(AppSupervisor)).toBeDefined();
  }, 120_000);
});
