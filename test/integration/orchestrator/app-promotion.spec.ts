import Docker from 'dockerode';
import { randomBytes } from 'node:crypto';
import { newId } from '@deploysphere/common';
import { DEPLOYMENT_REPOSITORY, type BuildContext, type DeploymentRepository } from '@deploysphere/deployments';
import { AppLauncher, type AppLaunch } from '../../../apps/orchestrator/src/apps/app-launcher';
import { AppSupervisor } from '../../../apps/orchestrator/src/apps/app-supervisor';
import { BuildNetworkFirewall } from '../../../apps/orchestrator/src/runner/docker/build-network.firewall';
import { APP_RUNTIME, DockerAppRuntime, probeHealth, type AppRuntime } from '../../../apps/orchestrator/src/runtime';
import { testAppImage, waitFor } from '../../support/apps';
import { eventsOf, OrchestratorWorld, seedProject, setEnvVar, type TestOrchestrator } from '../../support/orchestrator';

const docker = new Docker();
const SUFFIX = randomBytes(4).toString('hex');
const OWNER = `orch-promote-${SUFFIX}`;
const NETWORK = `ds-apps-promote-${SUFFIX}`;
const SCOPE = `promote-${SUFFIX}`;

/**
 * Promote, rollback and cancel of server apps with the orchestrator's supervisor on PostgreSQL and
 * the real Docker engine: a rollback to a drained deployment starts its image again and moves the
 * alias only once it is healthy; a promote finds a running deployment warm; a promotion that
 * cannot start leaves the alias and says why; a later move supersedes one still starting; a
 * cancel of a STARTING deployment (through Kafka, as the api writes it) stops its launch and
 * removes its instances.
 */
describe('server apps: promote, rollback, cancel (PostgreSQL, Docker)', () => {
  const world = new OrchestratorWorld('postgres');
  let orch: TestOrchestrator;
  let image: string;
  let projectId: string;
  let teamId: string;
  let slug: string;

  const env = {
    ORCHESTRATOR_INSTANCE_ID: OWNER,
    APP_RUNTIME: 'docker',
    APP_NETWORK: NETWORK,
    APP_SCOPE: SCOPE,
    APP_SUPERVISE_INTERVAL_MS: '200',
    APP_DRAIN_SECONDS: '1',
    APP_STOP_GRACE_SECONDS: '2',
    APP_HEALTH_TIMEOUT_SECONDS: '30',
    // Its own topics and groups: another spec's orchestrator on the same Kafka must not take its events.
    KAFKA_TOPIC_PREFIX: `test.${SUFFIX}.`,
    KAFKA_GROUP_PREFIX: `test.${SUFFIX}.`,
  };
  const runtime = (): AppRuntime => orch.app.get(APP_RUNTIME);
  const repository = (): DeploymentRepository => orch.app.get(DEPLOYMENT_REPOSITORY);
  const instancesOf = (id: string) => runtime().instances(id);
  const alias = async () => (await orch.prisma.projectAlias.findUnique({ where: { projectId } }))?.deploymentId;
  const row = (id: string) => orch.prisma.deployment.findUniqueOrThrow({ where: { id } });

  /** A STARTING deployment this test launches itself (claimed by OWNER, no image yet, so the supervisor leaves it). */
  async function starting(target: 'PRODUCTION' | 'PREVIEW' = 'PRODUCTION'): Promise<BuildContext> {
    const id = newId('dpl');
    const createdAt = new Date();
    await orch.prisma.deployment.create({
      data: { id, projectId, target, source: 'UPLOAD', status: 'STARTING', orchestratorId: OWNER, leaseExpiresAt: new Date(Date.now() + 3_600_000), createdAt },
    });
    return { id, projectId, slug, target, createdAt, correlationId: id };
  }
  /** Launched and READY, with its image recorded as the image build records it. */
  async function ready(target: 'PRODUCTION' | 'PREVIEW', replicas = 1): Promise<BuildContext> {
    const ctx = await starting(target);
    const launch: AppLaunch = { ctx, artifact: { kind: 'image', ref: image }, port: 3000, healthCheckPath: '/healthz', replicas, memoryMb: 128, cpus: 0.5 };
    expect(await orch.app.get(AppLauncher).launch(launch)).toBe('ready');
    await orch.prisma.deployment.update({ where: { id: ctx.id }, data: { runtime: 'container', imageRef: image, imageDigest: 'sha256:test' } });
    return ctx;
  }
  const healthyNow = async (id: string) => {
    const instances = await instancesOf(id);
    const checks = await Promise.all(instances.map((i) => (i.state === 'running' && i.address ? probeHealth(i.address, '/healthz', 2_000) : false)));
    return instances.length > 0 && checks.every(Boolean);
  };

  beforeAll(async () => {
    image = await testAppImage();
    orch = await world.start({ env });
    projectId = await seedProject(orch.prisma);
    const project = await orch.prisma.project.findUniqueOrThrow({ where: { id: projectId } });
    ({ teamId, slug } = project);
    // What the supervisor's promotions and launches run: the project's settings.
    await orch.prisma.project.update({ where: { id: projectId }, data: { port: 3000, healthCheckPath: '/healthz', replicas: 1, startCommand: 'HEALTH_DELAY_MS=2000 exec node /app/server.js' } });
    await setEnvVar(orch.prisma, world.encryptionKey, projectId, 'API_KEY', 'sk_live_promote_secret_51c2', true, 'PRODUCTION');
    await setEnvVar(orch.prisma, world.encryptionKey, projectId, 'API_KEY', 'sk_live_promote_secret_51c2', true, 'PREVIEW');
  }, 600_000);

  afterAll(async () => {
    const leftovers = await new DockerAppRuntime({ network: NETWORK, scope: SCOPE }).instances();
    for (const id of new Set(leftovers.map((i) => i.deploymentId))) await runtime().stop(id, 0).catch(() => undefined);
    await world.close();
    delete process.env.KAFKA_TOPIC_PREFIX;
    delete process.env.KAFKA_GROUP_PREFIX;
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

  it('a rollback to a drained deployment starts its image again and moves the alias only once it is healthy', async () => {
    const first = await ready('PRODUCTION', 2);
    const second = await ready('PRODUCTION');
    expect(await alias()).toBe(second.id);
    await waitFor(async () => (await instancesOf(first.id)).length === 0, 30_000, 'the replaced deployment to drain and stop');

    const move = await repository().rollback(teamId, projectId, undefined, 'corr-rollback');
    expect(move).toEqual({ projectId, deploymentId: first.id, previousDeploymentId: second.id, state: 'starting', movedAt: null });
    expect((await row(first.id)).promotionRequestedAt).toBeInstanceOf(Date);

    // The project's start command holds the health check for 2 s: the alias stays until it passes.
    let checks = 0;
    while ((await alias()) === second.id) {
      checks++;
      expect(await healthyNow(second.id)).toBe(true);
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(await alias()).toBe(first.id);
    expect(await healthyNow(first.id)).toBe(true);
    expect(checks).toBeGreaterThan(5);
    expect(await instancesOf(first.id)).toHaveLength(1);
    // The restarted instances' addresses are announced to the edge with the move.
    const announced = (await eventsOf(orch.prisma, first.id)).filter((e) => e.type === 'DeploymentUpstreamsChanged.v1').map((e) => e.payload.upstreams);
    expect(announced).toEqual([(await instancesOf(first.id)).map((i) => i.address)]);
    const moved = (await eventsOf(orch.prisma, projectId)).filter((e) => e.type === 'AliasMoved.v1').pop()!;
    expect(moved.payload).toMatchObject({ deploymentId: first.id, previousDeploymentId: second.id });
    expect(await row(first.id)).toMatchObject({ status: 'READY', promotionRequestedAt: null, promotionOwner: null, promotionFailureCode: null });
    // The rolled-back-from deployment drains and stops in turn; the live one keeps running.
    await waitFor(async () => (await instancesOf(second.id)).length === 0, 30_000, 'the replaced deployment to stop');
    expect(await healthyNow(first.id)).toBe(true);
  }, 240_000);

  it('a promote of a deployment still running finds it warm: the same containers go live', async () => {
    const live = (await alias())!;
    const preview = await ready('PREVIEW');
    const before = (await instancesOf(preview.id)).map((i) => i.id);
    expect(await repository().promote(teamId, preview.id, 'corr-promote')).toMatchObject({ deploymentId: preview.id, previousDeploymentId: live, state: 'starting' });
    await waitFor(async () => (await alias()) === preview.id, 60_000, 'the alias to move to the warm preview');
    expect((await instancesOf(preview.id)).map((i) => i.id)).toEqual(before);
    // Promoting what is live already is a plain confirmation.
    expect(await repository().promote(teamId, preview.id, 'corr-again')).toMatchObject({ state: 'moved', previousDeploymentId: preview.id });
  }, 180_000);

  it('a promotion whose image cannot start leaves the alias where it was and says why; nothing of it keeps running', async () => {
    const live = (await alias())!;
    const broken = newId('dpl');
    await orch.prisma.deployment.create({
      data: { id: broken, projectId, target: 'PRODUCTION', source: 'UPLOAD', status: 'READY', runtime: 'container', imageRef: `deploysphere-test/missing-${SUFFIX}:none`, imageDigest: 'sha256:none', readyAt: new Date() },
    });
    expect((await repository().promote(teamId, broken, 'corr-broken')).state).toBe('starting');
    const failed = await waitFor(async () => {
      const d = await row(broken);
      return d.promotionFailureCode ? d : undefined;
    }, 60_000, 'the promotion to fail');
    expect(failed).toMatchObject({ status: 'READY', promotionRequestedAt: null, promotionFailureCode: 'APP_START_FAILED' });
    expect(failed.promotionFailureMessage).toContain('does not exist');
    expect(await alias()).toBe(live);
    expect(await instancesOf(broken)).toEqual([]);
    expect(await healthyNow(live)).toBe(true);
  }, 120_000);

  it('a promotion that never gets healthy fails with its log lines (secrets masked), and the instances it started are removed', async () => {
    const live = (await alias())!;
    const sick = await ready('PREVIEW');
    await runtime().stop(sick.id, 0);
    await orch.prisma.project.update({ where: { id: projectId }, data: { startCommand: 'echo "key $API_KEY"; HEALTH_FAIL=1 exec node /app/server.js' } });
    try {
      expect((await repository().promote(teamId, sick.id, 'corr-sick')).state).toBe('starting');
      const failed = await waitFor(async () => {
        const d = await row(sick.id);
        return d.promotionFailureCode ? d : undefined;
      }, 90_000, 'the promotion to fail its health check');
      expect(failed.promotionFailureCode).toBe('HEALTH_CHECK_FAILED');
      expect(failed.promotionFailureMessage).toContain('key ');
      expect(failed.promotionFailureMessage).not.toContain('sk_live_promote_secret_51c2');
      expect(await alias()).toBe(live);
      await waitFor(async () => (await instancesOf(sick.id)).length === 0, 30_000, 'its instances to stop');
    } finally {
      await orch.prisma.project.update({ where: { id: projectId }, data: { startCommand: 'HEALTH_DELAY_MS=2000 exec node /app/server.js' } });
    }
  }, 180_000);

  it('a later move supersedes a promotion still starting: the alias never goes to the superseded one', async () => {
    const slow = await ready('PREVIEW');
    const other = await ready('PREVIEW');
    await runtime().stop(slow.id, 0);
    await orch.prisma.project.update({ where: { id: projectId }, data: { startCommand: 'HEALTH_DELAY_MS=6000 exec node /app/server.js' } });
    try {
      expect((await repository().promote(teamId, slow.id, 'corr-slow')).state).toBe('starting');
      await waitFor(async () => (await instancesOf(slow.id)).length > 0, 60_000, 'the slow promotion to start its instance');
      expect((await repository().promote(teamId, other.id, 'corr-other')).state).toBe('starting');
      expect(await row(slow.id)).toMatchObject({ promotionRequestedAt: null, promotionFailureCode: 'SUPERSEDED' });
      await waitFor(async () => (await alias()) === other.id, 60_000, 'the alias to move to the later one');
      // The slow one's start ends without moving anything, and the instance it started is removed.
      await waitFor(async () => (await instancesOf(slow.id)).length === 0, 60_000, 'the superseded instances to stop');
      expect(await alias()).toBe(other.id);
      expect((await eventsOf(orch.prisma, projectId)).filter((e) => e.type === 'AliasMoved.v1' && e.payload.deploymentId === slow.id)).toEqual([]);
    } finally {
      await orch.prisma.project.update({ where: { id: projectId }, data: { startCommand: 'HEALTH_DELAY_MS=2000 exec node /app/server.js' } });
    }
  }, 180_000);

  it('a cancel of a STARTING deployment stops its launch and removes its instances (CANCELED), well before the health timeout', async () => {
    const live = (await alias())!;
    await orch.prisma.project.update({ where: { id: projectId }, data: { startCommand: 'HEALTH_FAIL=1 exec node /app/server.js' } });
    try {
      const id = newId('dpl');
      await orch.prisma.deployment.create({
        data: { id, projectId, target: 'PRODUCTION', source: 'UPLOAD', status: 'STARTING', runtime: 'container', imageRef: image, imageDigest: 'sha256:test' },
      });
      await waitFor(async () => (await instancesOf(id)).length > 0, 60_000, 'the supervisor to launch it');
      const t0 = Date.now();
      // The api's write: a cancel request and DeploymentCancelRequested.v1, which reaches the orchestrator through Kafka.
      const requested = await repository().cancel(teamId, id, 'corr-cancel');
      expect(requested).toMatchObject({ status: 'STARTING' });
      expect(requested.cancelRequestedAt).toBeInstanceOf(Date);
      await waitFor(async () => (await row(id)).status === 'CANCELED', 60_000, 'CANCELED');
      await waitFor(async () => (await instancesOf(id)).length === 0, 30_000, 'its instances to go');
      // The launch itself ended (it no longer waits out the health timeout).
      await waitFor(() => !orch.app.get(AppSupervisor).inFlight().includes(id), 30_000, 'the launch to end');
      expect(Date.now() - t0).toBeLessThan(30_000);
      expect(await row(id)).toMatchObject({ status: 'CANCELED', failureCode: 'CANCELED' });
      expect(await docker.listContainers({ all: true, filters: { label: [`io.deploysphere.deployment-id=${id}`] } })).toEqual([]);
      expect(await orch.prisma.appInstance.count({ where: { deploymentId: id } })).toBe(0);
      expect(await alias()).toBe(live);
    } finally {
      await orch.prisma.project.update({ where: { id: projectId }, data: { startCommand: 'HEALTH_DELAY_MS=2000 exec node /app/server.js' } });
    }
  }, 180_000);

  it('a cancel made by another orchestrator (the row CANCELED, no event here) stops the launch at the next supervisor pass', async () => {
    await orch.prisma.project.update({ where: { id: projectId }, data: { startCommand: 'HEALTH_FAIL=1 exec node /app/server.js' } });
    try {
      const id = newId('dpl');
      await orch.prisma.deployment.create({
        data: { id, projectId, target: 'PREVIEW', source: 'UPLOAD', status: 'STARTING', runtime: 'container', imageRef: image, imageDigest: 'sha256:test' },
      });
      await waitFor(async () => (await instancesOf(id)).length > 0, 60_000, 'the supervisor to launch it');
      const outcome = await orch.prisma.$transaction((tx) => repository().stop(tx, id, new Date(), { correlationId: 'corr-elsewhere', causationId: 'evt-elsewhere' }));
      expect(outcome).toBe('canceled');
      await waitFor(() => !orch.app.get(AppSupervisor).inFlight().includes(id), 20_000, 'the launch to end');
      await waitFor(async () => (await instancesOf(id)).length === 0, 30_000, 'its instances to go');
      expect((await row(id)).status).toBe('CANCELED');
    } finally {
      await orch.prisma.project.update({ where: { id: projectId }, data: { startCommand: 'HEALTH_DELAY_MS=2000 exec node /app/server.js' } });
    }
  }, 180_000);
});
