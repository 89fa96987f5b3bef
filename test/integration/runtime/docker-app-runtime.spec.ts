import Docker from 'dockerode';
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:net';
import { newId } from '@deploysphere/common';
import { BuildNetworkFirewall } from '../../../apps/orchestrator/src/runner/docker/build-network.firewall';
import { DockerAppRuntime, probeHealth, type AppSpec } from '../../../apps/orchestrator/src/runtime';
import { httpJson, testAppImage, waitFor } from '../../support/apps';

const docker = new Docker();
const SUFFIX = randomBytes(4).toString('hex');
const NETWORK = `ds-apps-test-${SUFFIX}`;
const SCOPE = `test-${SUFFIX}`;
const FIREWALL_ID = `apps-test-${SUFFIX}`;

/** The docker app runtime on the real engine: hardening, health, adoption, drain, crashes. */
describe('DockerAppRuntime (real engine)', () => {
  let image: string;
  let runtime: DockerAppRuntime;
  const servers: Server[] = [];
  const deployments: string[] = [];

  const spec = (patch: Partial<AppSpec> = {}): AppSpec => {
    const deploymentId = newId('dpl');
    deployments.push(deploymentId);
    return {
      deploymentId,
      projectId: newId('prj'),
      artifact: { kind: 'image', ref: image },
      port: 3000,
      replicas: 1,
      env: {},
      limits: { memoryMb: 128, cpus: 0.5, pids: 64 },
      ...patch,
    };
  };
  const url = (address: string, path: string) => `http://${address}${path}`;

  beforeAll(async () => {
    image = await testAppImage();
    runtime = new DockerAppRuntime({ network: NETWORK, scope: SCOPE, firewall: { instanceId: FIREWALL_ID } });
  }, 600_000);

  afterAll(async () => {
    for (const id of deployments) await runtime.stop(id, 0).catch(() => undefined);
    for (const s of servers) s.close();
    const bridge = await runtime.bridgeOf().catch(() => undefined);
    if (bridge) await new BuildNetworkFirewall({ bridge, instanceId: FIREWALL_ID }).remove().catch(() => undefined);
    await docker.getNetwork(NETWORK).remove().catch(() => undefined);
  }, 120_000);

  it('starts N hardened replicas with the env and PORT, reachable on the app network only; a second start keeps them', async () => {
    const s = spec({ replicas: 2, env: { API_KEY: 'sk_live_visible_to_the_app_only', APP_NAME: 'one' } });
    const instances = await runtime.start(s);
    expect(instances).toHaveLength(2);
    expect(instances.map((i) => i.replica)).toEqual([0, 1]);
    for (const i of instances) {
      expect(i.state).toBe('running');
      expect(i.address).toMatch(/^\d+\.\d+\.\d+\.\d+:3000$/);
      await waitFor(() => probeHealth(i.address!, '/healthz'), 30_000, 'the instance to answer');
      expect((await httpJson(url(i.address!, '/env?name=API_KEY'))).body).toEqual({ value: 'sk_live_visible_to_the_app_only' });
      expect((await httpJson(url(i.address!, '/env?name=PORT'))).body).toEqual({ value: '3000' });

      const info = await docker.getContainer(i.id).inspect();
      expect(info.Config.User).toBe('10001:10001');
      expect(info.HostConfig).toMatchObject({
        ReadonlyRootfs: true,
        CapDrop: ['ALL'],
        SecurityOpt: ['no-new-privileges'],
        Init: true,
        Privileged: false,
        Memory: 128 * 1024 * 1024,
        MemorySwap: 128 * 1024 * 1024,
        NanoCpus: 0.5e9,
        PidsLimit: 64,
        NetworkMode: NETWORK,
        PublishAllPorts: false,
        RestartPolicy: { Name: 'unless-stopped', MaximumRetryCount: 0 },
      });
      expect(Object.keys(info.HostConfig.PortBindings ?? {})).toEqual([]);
      expect(info.Mounts).toEqual([]);
      const fsView = (await httpJson(url(i.address!, '/fs'))).body;
      expect(fsView).toEqual({ rootWritable: false, tmpWritable: true, dockerSocket: false, uid: 10001 });
    }
    const network = (await docker.getNetwork(NETWORK).inspect()) as { Options: Record<string, string> };
    expect(network.Options['com.docker.network.bridge.enable_icc']).toBe('false');

    const again = await runtime.start(s);
    expect(again.map((i) => i.id)).toEqual(instances.map((i) => i.id));
  }, 120_000);

  it('an app cannot reach the host (its loopback-bound services through any address, the database port), the metadata address, or another tenant', async () => {
    const listen = (host: string) =>
      new Promise<number>((resolve, reject) => {
        const server = createServer((socket) => {
          socket.on('error', () => undefined);
          socket.end('hello\n');
        });
        servers.push(server);
        server.once('error', reject);
        server.listen(0, host, () => resolve((server.address() as { port: number }).port));
      });
    const [mine] = await runtime.start(spec({ env: { APP_NAME: 'tenant-a' } }));
    const [other] = await runtime.start(spec({ env: { APP_NAME: 'tenant-b' } }));
    await waitFor(() => probeHealth(mine.address!, '/healthz'), 30_000, 'tenant a');
    await waitFor(() => probeHealth(other.address!, '/healthz'), 30_000, 'tenant b');
    const gateway = ((await docker.getNetwork(NETWORK).inspect()) as { IPAM: { Config: { Gateway: string }[] } }).IPAM.Config[0].Gateway;
    const open = await listen('0.0.0.0');
    // The control: the host itself reaches the other tenant and its own listener.
    expect(await probeHealth(other.address!, '/healthz')).toBe(true);

    const probe = async (host: string, port: number | string) => (await httpJson(url(mine.address!, `/probe?host=${host}&port=${port}`))).body.result as string;
    const [otherIp, otherPort] = other.address!.split(':');
    const results = {
      hostListener: await probe(gateway, open),
      hostPostgres: await probe(gateway, 5432),
      hostRedis: await probe(gateway, 6379),
      metadata: await probe('169.254.169.254', 80),
      otherTenant: await probe(otherIp, otherPort),
    };
    // Refused by the firewall (reset) or dropped by the engine's inter-container rule: never open.
    for (const [target, result] of Object.entries(results)) expect([target, result]).not.toEqual([target, 'open']);
    expect(results.hostListener).toBe('ECONNREFUSED');
    expect(results.hostPostgres).toBe('ECONNREFUSED');
  }, 120_000);

  it('a new runtime object (an orchestrator restart) finds the running instances by their labels, unchanged; another scope sees none of them', async () => {
    const s = spec({ env: { APP_NAME: 'adopted' } });
    const [first] = await runtime.start(s);
    const before = await docker.getContainer(first.id).inspect();
    const restarted = new DockerAppRuntime({ network: NETWORK, scope: SCOPE });
    const adopted = await restarted.instances(s.deploymentId);
    expect(adopted.map((i) => [i.id, i.state, i.address])).toEqual([[first.id, 'running', first.address]]);
    expect((await restarted.start(s)).map((i) => i.id)).toEqual([first.id]);
    expect((await docker.getContainer(first.id).inspect()).State.StartedAt).toBe(before.State.StartedAt);
    expect(await new DockerAppRuntime({ network: NETWORK, scope: `${SCOPE}-other` }).instances()).toEqual([]);
  }, 120_000);

  it('stop lets a request in flight finish within the grace (SIGTERM drain), then removes the instances', async () => {
    const s = spec({ env: { APP_NAME: 'draining' } });
    const [instance] = await runtime.start(s);
    await waitFor(() => probeHealth(instance.address!, '/healthz'), 30_000, 'the instance');
    const inFlight = httpJson(url(instance.address!, '/slow?ms=1500'));
    await waitFor(async () => (await runtime.logTail(s.deploymentId, 5)).includes('slow request started'), 30_000, 'the request to be in flight');
    await runtime.stop(s.deploymentId, 10);
    expect(await inFlight).toMatchObject({ status: 200, body: { slow: true } });
    expect(await runtime.instances(s.deploymentId)).toEqual([]);
    expect(await docker.listContainers({ all: true, filters: { label: [`io.deploysphere.deployment-id=${s.deploymentId}`] } })).toEqual([]);
  }, 120_000);

  it('a crashing instance is restarted by the engine with backoff and counted; its last lines are readable', async () => {
    const s = spec({ env: { APP_NAME: 'crashy', CRASH_AFTER_MS: '300' } });
    await runtime.start(s);
    const crashed = await waitFor(async () => {
      const [i] = await runtime.instances(s.deploymentId);
      return i && i.restarts >= 2 ? i : undefined;
    }, 60_000, 'two restarts');
    expect(crashed.restarts).toBeGreaterThanOrEqual(2);
    const tail = await runtime.logTail(s.deploymentId, 10);
    expect(tail).toContain('app crashing on purpose');
    expect(tail.length).toBeLessThanOrEqual(10);
  }, 120_000);

  it("stopProject removes every instance of that project and no other's", async () => {
    const projectId = newId('prj');
    const a = spec({ projectId });
    const b = spec({ projectId });
    const other = spec();
    await Promise.all([runtime.start(a), runtime.start(b), runtime.start(other)]);
    await runtime.stopProject(projectId);
    expect(await runtime.instances(a.deploymentId)).toEqual([]);
    expect(await runtime.instances(b.deploymentId)).toEqual([]);
    expect((await runtime.instances(other.deploymentId)).map((i) => i.state)).toEqual(['running']);
  }, 120_000);

  it('a missing image is an AppStartError naming it', async () => {
    await expect(runtime.start(spec({ artifact: { kind: 'image', ref: 'deploysphere-test/missing:nope' } }))).rejects.toMatchObject({
      code: 'APP_START_FAILED',
      message: expect.stringContaining('deploysphere-test/missing:nope does not exist'),
    });
  });
});
