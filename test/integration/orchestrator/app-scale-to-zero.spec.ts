import Docker from 'dockerode';
import { randomBytes, randomUUID } from 'node:crypto';
import { newId } from '@deploysphere/common';
import { DeploymentTrafficSeenV1, DeploymentWakeRequestedV1, type EventEnvelope } from '@deploysphere/contracts';
import type { BuildContext } from '@deploysphere/deployments';
import { MESSAGE_TRANSPORT, type MessageTransport } from '@deploysphere/messaging';
import { AppLauncher } from '../../../apps/orchestrator/src/apps/app-launcher';
import { AppSupervisor } from '../../../apps/orchestrator/src/apps/app-supervisor';
import { BuildNetworkFirewall } from '../../../apps/orchestrator/src/runner/docker/build-network.firewall';
import { APP_RUNTIME, DockerAppRuntime, probeHealth, type AppRuntime } from '../../../apps/orchestrator/src/runtime';
import { testAppImage, waitFor } from '../../support/apps';
import { eventsOf, OrchestratorWorld, seedProject, type TestOrchestrator } from '../../support/orchestrator';

const docker = new Docker();
const SUFFIX = randomBytes(4).toString('hex');
const OWNER = `orch-idle-${SUFFIX}`;
const NETWORK = `ds-apps-idle-${SUFFIX}`;
const SCOPE = `idle-${SUFFIX}`;
const PREVIEW_IDLE_SECONDS = 3;

/**
 * Scale to zero with the orchestrator's supervisor on PostgreSQL, Kafka and the real Docker engine:
 * an idle preview is put to sleep (READY, instances gone, rows `asleep`, the edge told []); traffic
 * an edge reports keeps an app awake; wake requests (several at once, through Kafka) start it once,
 * health-checked, and announce its new addresses; production sleeps only when its project sets
 * idleTimeoutSeconds; an instance whose address changed is announced.
 */
describe('server apps: scale to zero (PostgreSQL, Kafka, Docker)', () => {
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
    APP_HEALTH_TIMEOUT_SECONDS: '30',
    // Its own topics and groups: another spec's orchestrator on the same Kafka must not take its events.
    KAFKA_TOPIC_PREFIX: `test.${SUFFIX}.`,
    KAFKA_GROUP_PREFIX: `test.${SUFFIX}.`,
    APP_PREVIEW_IDLE_TIMEOUT_SECONDS: String(PREVIEW_IDLE_SECONDS),
  };
  const runtime = (): AppRuntime => orch.app.get(APP_RUNTIME);
  const supervisor = () => orch.app.get(AppSupervisor);
  const instancesOf = (id: string) => runtime().instances(id);
  const row = (id: string) => orch.prisma.deployment.findUniqueOrThrow({ where: { id } });
  const upstreamEvents = async (id: string) => (await eventsOf(orch.prisma, id)).filter((e) => e.type === 'DeploymentUpstreamsChanged.v1').map((e) => e.payload.upstreams as string[]);

  /** A READY container deployment launched the way the supervisor launches one. */
  async function ready(target: 'PRODUCTION' | 'PREVIEW', project = projectId): Promise<BuildContext> {
    const id = newId('dpl');
    const createdAt = new Date();
    await orch.prisma.deployment.create({
      data: { id, projectId: project, target, source: 'UPLOAD', status: 'STARTING', orchestratorId: OWNER, leaseExpiresAt: new Date(Date.now() + 3_600_000), createdAt },
    });
    const projectSlug = (await orch.prisma.project.findUniqueOrThrow({ where: { id: project } })).slug;
    const ctx = { id, projectId: project, slug: projectSlug, target, createdAt, correlationId: id };
    expect(await orch.app.get(AppLauncher).launch({ ctx, artifact: { kind: 'image', ref: image }, port: 3000, healthCheckPath: '/healthz', replicas: 1, memoryMb: 128, cpus: 0.5 })).toBe('ready');
    await orch.prisma.deployment.update({ where: { id }, data: { runtime: 'container', imageRef: image, imageDigest: 'sha256:test' } });
    return ctx;
  }
  /** What an edge sends, straight onto Kafka. */
  async function send<P extends object>(eventClass: { topic: string; type: string }, key: string, payload: P): Promise<void> {
    const envelope: EventEnvelope<P> = { id: randomUUID(), type: eventClass.type, key, occurredAt: new Date().toISOString(), correlationId: randomUUID(), payload };
    await orch.app.get<MessageTransport>(MESSAGE_TRANSPORT).publish([{ topic: eventClass.topic, key, value: envelope }]);
  }
  const healthy = async (id: string) => {
    const instances = await instancesOf(id);
    return instances.length > 0 && (await Promise.all(instances.map((i) => (i.address ? probeHealth(i.address, '/healthz', 2_000) : false)))).every(Boolean);
  };

  beforeAll(async () => {
    image = await testAppImage();
    orch = await world.start({ env });
    projectId = await seedProject(orch.prisma);
    slug = (await orch.prisma.project.findUniqueOrThrow({ where: { id: projectId } })).slug;
    await orch.prisma.project.update({ where: { id: projectId }, data: { port: 3000, healthCheckPath: '/healthz', replicas: 1, startCommand: 'APP_NAME=woken exec node /app/server.js' } });
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

  let asleep: BuildContext;

  it('an idle preview goes to sleep: it stays READY, its instances stop, its rows say asleep, the edge is told it has none', async () => {
    asleep = await ready('PREVIEW');
    expect(slug).toBeTruthy();
    const slept = await waitFor(async () => {
      const d = await row(asleep.id);
      return d.asleepAt ? d : undefined;
    }, 60_000, 'the idle preview to sleep');
    expect(slept.status).toBe('READY');
    expect(slept.asleepAt!.getTime() - slept.readyAt!.getTime()).toBeGreaterThanOrEqual(PREVIEW_IDLE_SECONDS * 1000);
    await waitFor(async () => (await instancesOf(asleep.id)).length === 0, 30_000, 'its instances to stop');
    await waitFor(async () => (await orch.prisma.appInstance.findMany({ where: { deploymentId: asleep.id } })).every((i) => i.state === 'asleep' && i.address === null), 10_000, 'rows asleep');
    expect(await orch.prisma.appInstance.count({ where: { deploymentId: asleep.id } })).toBe(1);
    expect(await upstreamEvents(asleep.id)).toEqual([[]]);
  }, 180_000);

  it('wake requests (several at once, through Kafka) start it once, health-checked, and announce its new addresses', async () => {
    const t0 = Date.now();
    await Promise.all([1, 2, 3].map(() => send(DeploymentWakeRequestedV1, asleep.id, { deploymentId: asleep.id, projectId, requestedAt: new Date().toISOString() })));
    const claims = await Promise.all([supervisor().wake(asleep.id), supervisor().wake(asleep.id)]);
    const woken = await waitFor(async () => {
      const d = await row(asleep.id);
      return d.asleepAt === null ? d : undefined;
    }, 60_000, 'the wake');
    const wakeMs = Date.now() - t0;
    expect(claims.filter(Boolean).length).toBeLessThanOrEqual(1);
    expect(woken).toMatchObject({ status: 'READY', wakeOwner: null });
    const instances = await instancesOf(asleep.id);
    expect(instances).toHaveLength(1);
    expect(await healthy(asleep.id)).toBe(true);
    const announced = await upstreamEvents(asleep.id);
    expect(announced).toEqual([[], [instances[0].address]]);
    const rows = await orch.prisma.appInstance.findMany({ where: { deploymentId: asleep.id } });
    expect(rows.map((r) => [r.id, r.state, r.address])).toEqual([[instances[0].id, 'running', instances[0].address]]);
    // Repeats after it woke change nothing.
    await send(DeploymentWakeRequestedV1, asleep.id, { deploymentId: asleep.id, projectId, requestedAt: new Date().toISOString() });
    expect(await supervisor().wake(asleep.id)).toBe(false);
    expect((await instancesOf(asleep.id)).map((i) => i.id)).toEqual([instances[0].id]);
    process.stdout.write(`wake from zero to healthy and announced: ${wakeMs} ms\n`);
  }, 180_000);

  it('traffic an edge reports keeps an app awake (the idle clock is kept in its row); without it, it sleeps again', async () => {
    const awake = asleep.id;
    // Reports for PREVIEW_IDLE_SECONDS * 2, one a second: each moves the row's clock, and it never sleeps.
    const until = Date.now() + PREVIEW_IDLE_SECONDS * 2000;
    while (Date.now() < until) {
      const at = new Date();
      await send(DeploymentTrafficSeenV1, 'edge-test', { edgeId: 'edge-test', deployments: [{ deploymentId: awake, lastRequestAt: at.toISOString() }] });
      await waitFor(async () => ((await row(awake)).lastRequestAt?.getTime() ?? 0) >= at.getTime(), 30_000, 'the traffic recorded');
      expect((await row(awake)).asleepAt).toBeNull();
      await new Promise((r) => setTimeout(r, 1000));
    }
    expect((await instancesOf(awake)).length).toBe(1);
    // A report from a clock far ahead does not keep it awake beyond now; an older report does not move the clock back.
    const last = (await row(awake)).lastRequestAt!;
    await send(DeploymentTrafficSeenV1, 'edge-old', { edgeId: 'edge-old', deployments: [{ deploymentId: awake, lastRequestAt: new Date(Date.now() - 3_600_000).toISOString() }] });
    await send(DeploymentTrafficSeenV1, 'edge-ahead', { edgeId: 'edge-ahead', deployments: [{ deploymentId: awake, lastRequestAt: new Date(Date.now() + 3_600_000).toISOString() }] });
    await waitFor(async () => (await row(awake)).lastRequestAt!.getTime() > last.getTime(), 30_000, 'the report from ahead recorded');
    expect((await row(awake)).lastRequestAt!.getTime()).toBeLessThanOrEqual(Date.now());
    await waitFor(async () => (await row(awake)).asleepAt !== null, 60_000, 'sleep once the traffic stops');
    await waitFor(async () => (await instancesOf(awake)).length === 0, 30_000, 'its instances to stop');
  }, 180_000);

  it('production sleeps only when its project sets idleTimeoutSeconds', async () => {
    const other = await seedProject(orch.prisma);
    await orch.prisma.project.update({ where: { id: other }, data: { port: 3000, healthCheckPath: '/healthz', replicas: 1 } });
    const live = await ready('PRODUCTION', other);
    await orch.prisma.deployment.update({ where: { id: live.id }, data: { lastRequestAt: new Date(Date.now() - 3_600_000) } });
    expect((await supervisor().pass()).get(live.id)).toBe('keep');
    expect((await row(live.id)).asleepAt).toBeNull();
    await orch.prisma.project.update({ where: { id: other }, data: { idleTimeoutSeconds: 60 } });
    await waitFor(async () => (await row(live.id)).asleepAt !== null, 30_000, 'production to sleep');
    await waitFor(async () => (await instancesOf(live.id)).length === 0, 30_000, 'its instances to stop');
    // And 0 means never, even for a preview.
    await orch.prisma.project.update({ where: { id: other }, data: { idleTimeoutSeconds: 0 } });
    const preview = await ready('PREVIEW', other);
    await orch.prisma.deployment.update({ where: { id: preview.id }, data: { lastRequestAt: new Date(Date.now() - 3_600_000) } });
    expect((await supervisor().pass()).get(preview.id)).toBe('keep');
    await runtime().stop(preview.id, 0);
  }, 180_000);

  it('an instance the runtime replaced on another address is announced to the edge', async () => {
    const other = await seedProject(orch.prisma);
    await orch.prisma.project.update({ where: { id: other }, data: { idleTimeoutSeconds: 0 } });
    const app = await ready('PRODUCTION', other);
    const [instance] = await instancesOf(app.id);
    expect(await upstreamEvents(app.id)).toEqual([]);
    // What the orchestrator last saw differs from what runs now (a crash restart on a new address).
    // Set again while nothing was announced: a pass already under way may have rewritten the row first.
    await waitFor(async () => {
      await orch.prisma.appInstance.update({ where: { id: instance.id }, data: { address: '10.255.255.1:3000' } });
      await supervisor().pass();
      return (await upstreamEvents(app.id)).length > 0;
    }, 30_000, 'the new address announced');
    const announced = await upstreamEvents(app.id);
    expect(new Set(announced.map((u) => JSON.stringify(u)))).toEqual(new Set([JSON.stringify([instance.address])]));
    // Not again once the rows hold what runs.
    await supervisor().pass();
    await supervisor().pass();
    expect(await upstreamEvents(app.id)).toHaveLength(announced.length);
  }, 180_000);
});
