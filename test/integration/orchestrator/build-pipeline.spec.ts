import Docker from 'dockerode';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { testDatabaseKinds } from '@deploysphere/testing';
import { builderImage } from '../../support/builds';
import { eventsOf, eventually, OrchestratorWorld, seedDeployment, seedProject, setEnvVar, waitForStatus, type TestOrchestrator } from '../../support/orchestrator';

const docker = new Docker();

describe.each(testDatabaseKinds())('orchestrator pipeline with the docker runner (%s)', (kind) => {
  let world: OrchestratorWorld;
  let orch: TestOrchestrator;

  beforeAll(async () => {
    const image = await builderImage();
    world = new OrchestratorWorld(kind);
    orch = await world.start({ env: { BUILD_RUNNER: 'docker', BUILDER_IMAGE: image, BUILD_MEMORY_MB: '1024', BUILD_CONCURRENCY: '2' } });
  }, 600_000);
  afterAll(() => world?.close());

  it('takes a static site from QUEUED to READY: artifact stored, events in the outbox, alias moved, logs numbered', async () => {
    const { deploymentId, projectId } = await seedDeployment(orch.prisma, { site: 'static-site', target: 'PRODUCTION' });
    orch.scheduler.nudge();
    const d = await waitForStatus(orch.prisma, deploymentId);
    expect(d).toMatchObject({ status: 'READY', failureCode: null, artifactManifestKey: `deployments/${deploymentId}/manifest.json` });
    expect(d.runnerRef).toMatch(/^docker:/);
    expect(d.buildingAt && d.uploadingAt && d.readyAt).toBeTruthy();

    const manifest = await orch.store.getManifest(deploymentId);
    expect(manifest?.files.map((f) => f.path).sort()).toEqual(['404.html', 'about/index.html', 'assets/app.3f9a1c.css', 'index.html']);
    expect((await orch.prisma.projectAlias.findUnique({ where: { projectId } }))?.deploymentId).toBe(deploymentId);

    const events = await eventsOf(orch.prisma, deploymentId);
    const transitions = events.filter((e) => e.type === 'DeploymentStatusChanged.v1').map((e) => `${e.payload.from}->${e.payload.to}`);
    expect(transitions).toEqual(['QUEUED->BUILDING', 'BUILDING->UPLOADING', 'UPLOADING->READY']);
    expect(events.map((e) => e.type)).toEqual(expect.arrayContaining(['BuildSucceeded.v1', 'DeploymentReady.v1']));
    expect((await eventsOf(orch.prisma, projectId)).map((e) => e.type)).toEqual(['AliasMoved.v1']);

    const lines = orch.sink.read(deploymentId);
    expect(lines.map((l) => l.seq)).toEqual(lines.map((_, i) => i + 1));
    const text = lines.map((l) => l.message).join('\n');
    expect(text).toContain('Fetching source');
    expect(text).toContain('Build succeeded');
    expect(lines.at(-1)?.message).toMatch(/^Deployment ready; going live as p-/);
    // The build's container and work dir (BUILD_DOCKER_WORKSPACE=auto binds a host dir on this local engine) are removed once the deployment is READY; the project's cache volume stays.
    await eventually(async () => (await docker.getContainer(d.runnerRef!.slice(7)).inspect().then(() => false, () => true)) || undefined, 10_000, 'container removed');
    expect(existsSync(join(world.dataDir, 'builds', 'docker'))).toBe(true);
    await eventually(async () => !existsSync(join(world.dataDir, 'builds', 'docker', deploymentId)) || undefined, 10_000, 'host work dir removed');
    await expect(docker.getVolume(`ds-build-${deploymentId}`).inspect()).rejects.toMatchObject({ statusCode: 404 });
    await docker.getVolume(`ds-cache-${projectId}`).inspect();
  }, 120_000);

  it('builds the Vite fixture (npm ci + vite build) to READY', async () => {
    const { deploymentId } = await seedDeployment(orch.prisma, { site: 'vite-app', target: 'PREVIEW' });
    orch.scheduler.nudge();
    const d = await waitForStatus(orch.prisma, deploymentId, undefined, 240_000);
    expect(d.status).toBe('READY');
    const paths = (await orch.store.getManifest(deploymentId))!.files.map((f) => f.path);
    expect(paths).toContain('index.html');
    expect(paths.some((p) => /^assets\/index-[\w-]+\.js$/.test(p))).toBe(true);
    expect(paths.some((p) => p.startsWith('src/') || p === 'package.json')).toBe(false);
    const events = await eventsOf(orch.prisma, deploymentId);
    expect(events.find((e) => e.type === 'BuildSucceeded.v1')?.payload).toMatchObject({ runner: 'docker', framework: 'vite' });
  }, 300_000);

  it('a failed production build ends FAILED with the builder\'s code and leaves the live deployment live', async () => {
    const live = await seedDeployment(orch.prisma, { site: 'static-site' });
    orch.scheduler.nudge();
    expect((await waitForStatus(orch.prisma, live.deploymentId)).status).toBe('READY');
    const broken = await seedDeployment(orch.prisma, { projectId: live.projectId, site: 'static-site', project: { buildCommand: 'echo compiling; exit 3' } });
    orch.scheduler.nudge();
    const d = await waitForStatus(orch.prisma, broken.deploymentId);
    expect(d).toMatchObject({ status: 'FAILED', failureCode: 'BUILD_FAILED', artifactManifestKey: null });
    expect((await orch.prisma.projectAlias.findUnique({ where: { projectId: live.projectId } }))?.deploymentId).toBe(live.deploymentId);
    const failed = (await eventsOf(orch.prisma, broken.deploymentId)).find((e) => e.type === 'DeploymentFailed.v1');
    expect(failed?.payload).toMatchObject({ status: 'FAILED', failureCode: 'BUILD_FAILED' });
    expect(orch.sink.read(broken.deploymentId).map((l) => l.message)).toEqual(expect.arrayContaining(['compiling', expect.stringMatching(/Build failed: .*\(BUILD_FAILED\)/)]));
  }, 120_000);

  it('injects env vars at run time and never lets a secret value into the logs', async () => {
    const projectId = await seedProject(orch.prisma, {
      project: { buildCommand: 'echo "token=$SECRET_TOKEN"; echo "plain=$PUBLIC_NAME"; echo "leak=${DEPLOYSPHERE_ENCRYPTION_KEY:-none},${DATABASE_URL:-none}"' },
    });
    const secret = `s3cr3t-${Date.now()}-value`;
    await setEnvVar(orch.prisma, world.encryptionKey, projectId, 'SECRET_TOKEN', secret, true);
    await setEnvVar(orch.prisma, world.encryptionKey, projectId, 'PUBLIC_NAME', 'hello-world', false);
    await setEnvVar(orch.prisma, world.encryptionKey, projectId, 'BUILD_COMMAND', 'rm -rf /', false);
    // The deployment only now: the scheduler polls every 200 ms and must not claim it before its variables exist.
    const { deploymentId } = await seedDeployment(orch.prisma, { projectId, site: 'static-site' });
    orch.scheduler.nudge();
    expect((await waitForStatus(orch.prisma, deploymentId)).status).toBe('READY');
    const text = orch.sink.read(deploymentId).map((l) => l.message).join('\n');
    expect(text).toContain('token=***');
    expect(text).toContain('plain=hello-world');
    expect(text).toContain('The project variable BUILD_COMMAND is reserved');
    expect(text).not.toContain(secret);
    // The orchestrator's own secrets never reach the build.
    expect(text).toContain('leak=none,none');
  }, 120_000);
});
