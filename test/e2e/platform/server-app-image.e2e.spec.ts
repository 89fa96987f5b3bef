import Docker from 'dockerode';
import { createServer, type Server } from 'node:net';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { builderImage, tarGzDirectory } from '../../support/builds';
import { tarGzOf } from '../../support/archives';
import { registryFromEnv, registryHasManifest } from '../../support/registry';
import { createTeamWithToken, startTestPlatform, type TestPlatform } from '../../support/test-platform';

const FIXTURE_APPS = join(__dirname, '..', '..', 'fixtures', 'apps');
const docker = new Docker();
// Read before startTestPlatform, which clears the registry variables of platforms that do not name them.
const registry = registryFromEnv();

/**
 * Server apps through the API, on the real engine and the real registry: an uploaded app with a
 * Dockerfile FROM the platform's runtime image, and a package.json app with an npm dependency
 * (installed from the npm registry inside the image build), each built, pushed, and STARTING
 * with its image reference and digest; a RUN step cannot reach the Docker socket, the host or the
 * metadata address; deleting the project removes its images.
 */
describe('server apps: image build, push, STARTING (docker runner, local registry)', () => {
  let platform: TestPlatform;
  let token: string;
  const listeners: Server[] = [];

  beforeAll(async () => {
    platform = await startTestPlatform('postgres', {
      BUILD_RUNNER: 'docker',
      BUILDER_IMAGE: await builderImage(),
      BUILD_QUEUE_POLL_MS: '200',
      BUILD_MEMORY_MB: '1024',
      REGISTRY_URL: registry.url,
      REGISTRY_USERNAME: registry.username,
      REGISTRY_PASSWORD: registry.password,
    });
    token = (await createTeamWithToken(platform, 'Server apps')).token;
  }, 600_000);
  /** Projects the tests made: deleted at the end, which removes their images here and in the registry. */
  const projects: string[] = [];
  afterAll(async () => {
    for (const l of listeners) l.close();
    if (platform) {
      for (const id of projects) await platform.as(token).delete(`/v1/projects/${id}`);
      const until = Date.now() + 120_000;
      while ((await docker.listImages({ filters: { label: ['io.deploysphere.role=app-image'] } })).some((i) => projects.includes(i.Labels?.['io.deploysphere.project-id'] ?? ''))) {
        if (Date.now() > until) break;
        await new Promise((r) => setTimeout(r, 250));
      }
    }
    await platform?.close();
  }, 180_000);

  /** Uploads `archive` to a new project and waits until its build is over (STARTING or later, or ended). */
  const deploy = async (name: string, archive: Buffer, settings: object = {}) => {
    const api = platform.as(token);
    const project = await api.post('/v1/projects').send({ name, ...settings }).expect(201);
    projects.push(project.body.id);
    const created = await api.post(`/v1/projects/${project.body.id}/deployments?target=PRODUCTION`).set('Content-Type', 'application/gzip').send(archive).expect(202);
    const until = Date.now() + 480_000;
    for (;;) {
      const d = await api.get(`/v1/deployments/${created.body.id}`).expect(200);
      if (!['QUEUED', 'BUILDING', 'UPLOADING'].includes(d.body.status)) return { projectId: project.body.id as string, deployment: d.body };
      if (Date.now() > until) throw new Error(`still ${d.body.status}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  };
  const logOf = async (deploymentId: string): Promise<string> => {
    const res = await platform.as(token).get(`/v1/deployments/${deploymentId}/logs?limit=1000`).expect(200);
    return (res.body.items as Array<{ message: string }>).map((l) => l.message).join('\n');
  };
  const expectStored = async (projectId: string, deployment: { id: string; status: string; runtime: string; imageRef: string; imageDigest: string; failureMessage?: string }) => {
    expect({ status: deployment.status, failure: deployment.failureMessage ?? null }).toEqual({ status: expect.stringMatching(/^(STARTING|READY)$/), failure: null });
    expect(deployment.runtime).toBe('container');
    expect(deployment.imageDigest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(deployment.imageRef).toBe(`${registry.url}/deploysphere-apps/${projectId}@${deployment.imageDigest}`);
    expect(await registryHasManifest(registry, `deploysphere-apps/${projectId}`, deployment.imageDigest)).toBe(true);
  };

  it('a Dockerfile app FROM deploysphere/runtime-node:24 is built, pushed and STARTING with its digest; a rebuild is a new image, never the same tag', async () => {
    const archive = await tarGzDirectory(join(FIXTURE_APPS, 'dockerfile-app'));
    const { projectId, deployment } = await deploy('Dockerfile app', archive);
    await expectStored(projectId, deployment);
    const log = await logOf(deployment.id);
    expect(log).toContain('a Dockerfile in the root directory');
    expect(log).toContain(`Pushing the image to ${registry.url}`);
    const image = await docker.getImage(`${registry.url}/deploysphere-apps/${projectId}:${deployment.id}`).inspect();
    expect(image.Config.Cmd).toEqual(['node', 'server.js']);
    expect(image.Config.User).toBe('10001:10001');

    const again = await platform.as(token).post(`/v1/projects/${projectId}/deployments?target=PRODUCTION`).set('Content-Type', 'application/gzip').send(archive).expect(202);
    const until = Date.now() + 300_000;
    let second;
    do {
      second = (await platform.as(token).get(`/v1/deployments/${again.body.id}`).expect(200)).body;
      if (Date.now() > until) throw new Error(`still ${second.status}`);
      await new Promise((r) => setTimeout(r, 250));
    } while (['QUEUED', 'BUILDING', 'UPLOADING'].includes(second.status));
    await expectStored(projectId, second);
    // Same content, same digest, but its own tag: the first deployment's image reference is untouched.
    expect(second.imageRef).not.toBe(undefined);
    expect(await registryHasManifest(registry, `deploysphere-apps/${projectId}`, deployment.imageDigest)).toBe(true);
    expect(await docker.getImage(`${registry.url}/deploysphere-apps/${projectId}:${second.id}`).inspect()).toBeDefined();

    // Deleting the project removes its images, here and in the registry.
    await platform.as(token).delete(`/v1/projects/${projectId}`).expect(204);
    const gone = Date.now() + 120_000;
    while ((await registryHasManifest(registry, `deploysphere-apps/${projectId}`, deployment.imageDigest)) || (await docker.listImages({ filters: { label: [`io.deploysphere.project-id=${projectId}`] } })).length > 0) {
      if (Date.now() > gone) throw new Error('the project\'s images are still there');
      await new Promise((r) => setTimeout(r, 250));
    }
  }, 900_000);

  it('a package.json app with a start script: the platform\'s Dockerfile, express installed from the npm registry, STARTING', async () => {
    const { projectId, deployment } = await deploy('Express app', await tarGzDirectory(join(FIXTURE_APPS, 'express-app')), { healthCheckPath: '/healthz', port: 3000 });
    await expectStored(projectId, deployment);
    const log = await logOf(deployment.id);
    expect(log).toContain('package.json has a start script');
    expect(log).toContain('FROM deploysphere/runtime-node:24');
    expect(log).toMatch(/added \d+ packages/);
    const image = await docker.getImage(`${registry.url}/deploysphere-apps/${projectId}:${deployment.id}`).inspect();
    expect(image.Config.Cmd).toEqual(['npm', 'start']);
  }, 900_000);

  it('a RUN step reaches neither the Docker socket, nor the host (its loopback services, a listener on 0.0.0.0), nor the metadata address', async () => {
    const listener = createServer((s) => s.end('reached\n'));
    listeners.push(listener);
    await new Promise<void>((r) => listener.listen(0, '0.0.0.0', () => r()));
    const port = (listener.address() as { port: number }).port;
    const hostAddress = Object.values(networkInterfaces())
      .flat()
      .find((a) => a && a.family === 'IPv4' && !a.internal)?.address;
    const network = await docker.getNetwork('deploysphere-builds').inspect();
    const gateway = network.IPAM?.Config?.[0]?.Gateway ?? '';
    expect(gateway).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    const targets = [
      [gateway, port],
      [gateway, 5432],
      [gateway, 6379],
      [gateway, 5050],
      ...(hostAddress ? [[hostAddress, port]] : []),
      ['169.254.169.254', 80],
    ];
    const probe = `
const fs = require('fs'); const net = require('net');
console.log('PROBE docker.sock ' + (fs.existsSync('/var/run/docker.sock') || fs.existsSync('/run/docker.sock') ? 'REACHED' : 'BLOCKED'));
(async () => {
  for (const [host, port] of ${JSON.stringify(targets)}) {
    const r = await new Promise((resolve) => {
      const s = net.connect({ host, port, timeout: 3000 });
      s.on('connect', () => { s.destroy(); resolve('REACHED'); });
      s.on('timeout', () => { s.destroy(); resolve('BLOCKED timeout'); });
      s.on('error', (e) => resolve('BLOCKED ' + e.code));
    });
    console.log('PROBE ' + host + ':' + port + ' ' + r);
  }
})();`;
    const archive = await tarGzOf([
      { name: 'Dockerfile', content: 'FROM deploysphere/runtime-node:24\nCOPY probe.js /tmp/probe.js\nRUN node /tmp/probe.js\n' },
      { name: 'probe.js', content: probe },
    ]);
    const { deployment } = await deploy('Hostile RUN', archive);
    const lines = (await logOf(deployment.id)).split('\n').filter((l) => l.startsWith('PROBE '));
    expect(lines).toHaveLength(targets.length + 1);
    for (const line of lines) expect(line).toMatch(/ BLOCKED/);
  }, 900_000);

  it('a Dockerfile that makes the engine pull from an internal address fails INVALID_CONFIGURATION, nothing built', async () => {
    const archive = await tarGzOf([{ name: 'Dockerfile', content: 'FROM 127.0.0.1:6379/anything\nRUN true\n' }]);
    const { deployment } = await deploy('Internal FROM', archive);
    expect(deployment).toMatchObject({ status: 'FAILED', failureCode: 'INVALID_CONFIGURATION', runtime: 'container', imageRef: null });
  }, 300_000);
});

/** Embedded mode without a registry: the image stays in the local engine, referenced by its id. */
describe('server apps without a registry (REGISTRY_KIND=none)', () => {
  let platform: TestPlatform;
  let token: string;

  beforeAll(async () => {
    platform = await startTestPlatform('postgres', { BUILD_RUNNER: 'docker', BUILDER_IMAGE: await builderImage(), BUILD_QUEUE_POLL_MS: '200' });
    token = (await createTeamWithToken(platform, 'No registry')).token;
  }, 600_000);
  afterAll(async () => platform?.close());

  it('the deployment is STARTING with the local image id as its reference; deleting the project removes the image', async () => {
    const api = platform.as(token);
    const project = await api.post('/v1/projects').send({ name: 'local image' }).expect(201);
    const archive = await tarGzDirectory(join(FIXTURE_APPS, 'dockerfile-app'));
    const created = await api.post(`/v1/projects/${project.body.id}/deployments?target=PREVIEW`).set('Content-Type', 'application/gzip').send(archive).expect(202);
    const until = Date.now() + 300_000;
    let d;
    do {
      d = (await api.get(`/v1/deployments/${created.body.id}`).expect(200)).body;
      if (Date.now() > until) throw new Error(`still ${d.status}`);
      await new Promise((r) => setTimeout(r, 250));
    } while (['QUEUED', 'BUILDING', 'UPLOADING'].includes(d.status));
    expect(d).toMatchObject({ status: expect.stringMatching(/^(STARTING|READY)$/), runtime: 'container', imageRef: d.imageDigest });
    const local = await docker.getImage(`deploysphere-apps/${project.body.id}:${d.id}`).inspect();
    expect(local.Id).toBe(d.imageDigest);

    await api.delete(`/v1/projects/${project.body.id}`).expect(204);
    const gone = Date.now() + 120_000;
    while ((await docker.listImages({ filters: { label: [`io.deploysphere.project-id=${project.body.id}`] } })).length > 0) {
      if (Date.now() > gone) throw new Error('the project\'s images are still there');
      await new Promise((r) => setTimeout(r, 250));
    }
  }, 600_000);
});
