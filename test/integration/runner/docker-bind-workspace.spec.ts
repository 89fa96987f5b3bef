import Docker from 'dockerode';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { newId } from '@deploysphere/common';
import { DockerBuildRunner, type BuildSpec, type RunnerLine } from '../../../apps/orchestrator/src/runner';
import { builderImage, FIXTURE_SITES, lineCollector, listFiles, removeDir, scratchDir, TEST_LIMITS } from '../../support/builds';

const docker = new Docker();
const PROJECT = newId('prj');
const BUILDER_UID = 10001;

/**
 * The docker runner with BUILD_DOCKER_WORKSPACE=bind/auto on the local engine: each build's own host
 * directory under <workDir>/docker is its /workspace (the archive-API path, for remote engines, is
 * docker-build-runner.spec.ts).
 */
describe('DockerBuildRunner, bind-mounted host work dir (local engine)', () => {
  let image: string;
  let workDir: string;
  let runner: DockerBuildRunner;
  const dirs: string[] = [];
  const scratch = () => {
    const d = scratchDir();
    dirs.push(d);
    return d;
  };
  const spec = (patch: Partial<BuildSpec> = {}): BuildSpec => ({
    deploymentId: newId('dpl'),
    projectId: PROJECT,
    sourceDir: join(FIXTURE_SITES, 'static-site'),
    outputDir: scratch(),
    settings: {},
    env: {},
    limits: TEST_LIMITS,
    logSeqBase: 1,
    ...patch,
  });
  const containerOf = (ref: string) => docker.getContainer(ref.slice('docker:'.length));
  const hostDir = (deploymentId: string, root = workDir) => join(root, 'docker', deploymentId);

  beforeAll(async () => {
    image = await builderImage();
    workDir = scratch();
    runner = new DockerBuildRunner({ image, network: 'deploysphere-builds', logMaxBytes: 1_000_000, stopGraceSeconds: 2, workDir });
  }, 600_000);
  afterAll(async () => {
    await runner.forgetProject(PROJECT);
    dirs.forEach(removeDir);
  }, 60_000);

  it('auto binds on the local engine; a remote engine (DOCKER_HOST tcp) or no work dir keeps the archive API; a forced bind there is refused', async () => {
    expect(await runner.workspaceMode()).toBe('bind');
    expect(await runner.isReady()).toBe(true);
    // The probe container is gone, and so is its directory.
    expect((await docker.listContainers({ all: true, filters: { label: ['io.deploysphere.role=probe'] } })).length).toBe(0);
    expect(readdirSync(join(workDir, 'docker')).filter((n) => n.startsWith('.probe-'))).toEqual([]);

    const remote = new Docker({ host: '127.0.0.1', port: 9 }); // nothing listens: the decision must not need it
    expect(await new DockerBuildRunner({ image, network: 'deploysphere-builds', logMaxBytes: 1000, workDir, docker: remote }).workspaceMode()).toBe('volume');
    expect(await new DockerBuildRunner({ image, network: 'deploysphere-builds', logMaxBytes: 1000 }).workspaceMode()).toBe('volume');
    const forced = new DockerBuildRunner({ image, network: 'deploysphere-builds', logMaxBytes: 1000, workDir, docker: remote, workspace: 'bind' });
    await expect(forced.workspaceMode()).rejects.toThrow(/BUILD_DOCKER_WORKSPACE=bind is not possible: the engine is not on a local socket/);
    expect(await forced.isReady()).toBe(false);
  }, 60_000);

  it('builds with the same hardening, mounts only its own host dir (builder-owned, 0700) and the cache, reads the output back, and dispose removes both', async () => {
    const log = lineCollector();
    const s = spec({ env: { GREETING: 'hi' } });
    const sourceBefore = listFiles(s.sourceDir);
    const build = await runner.start(s, log.onLine);
    const dir = hostDir(s.deploymentId);
    const info = await containerOf(build.runnerRef).inspect();
    expect(info.Config.User).toBe('10001:10001');
    expect(info.HostConfig).toMatchObject({
      ReadonlyRootfs: true,
      CapDrop: ['ALL'],
      SecurityOpt: ['no-new-privileges'],
      Init: true,
      Privileged: false,
      Memory: 1024 * 1024 * 1024,
      MemorySwap: 1024 * 1024 * 1024,
      NanoCpus: 1e9,
      PidsLimit: 512,
      NetworkMode: 'deploysphere-builds',
    });
    expect(info.HostConfig.Binds ?? []).toEqual([]);
    // Its own work dir is the only host path; no docker socket.
    expect(info.Mounts.map((m) => [m.Type, m.Type === 'bind' ? m.Source : m.Name, m.Destination, m.RW]).sort()).toEqual([
      ['bind', dir, '/workspace', true],
      ['volume', `ds-cache-${PROJECT}`, '/cache', true],
    ]);

    const outcome = await build.outcome;
    expect(outcome).toMatchObject({ status: 'succeeded', exitCode: 0, framework: 'static' });
    expect(listFiles(s.outputDir)).toEqual(['404.html', 'about/index.html', 'assets/app.3f9a1c.css', 'index.html']);
    expect(readFileSync(join(s.outputDir, 'index.html'), 'utf8')).toBe(readFileSync(join(s.sourceDir, 'index.html'), 'utf8'));
    expect(log.text()).toContain('Build succeeded');

    // Permissions: the parent only for this process, the build's dir and its source for the builder's uid, which wrote out/.
    const root = statSync(join(workDir, 'docker'));
    expect([root.uid, root.mode & 0o777]).toEqual([process.getuid!(), 0o700]);
    const own = statSync(dir);
    expect([own.uid, own.gid, own.mode & 0o777]).toEqual([BUILDER_UID, BUILDER_UID, 0o700]);
    expect(statSync(join(dir, 'src', 'assets', 'app.3f9a1c.css')).uid).toBe(BUILDER_UID);
    expect(statSync(join(dir, 'out', 'index.html')).uid).toBe(BUILDER_UID);
    // The runner copied the source; the original is untouched.
    expect(listFiles(s.sourceDir)).toEqual(sourceBefore);
    expect(statSync(join(s.sourceDir, 'index.html')).uid).not.toBe(BUILDER_UID);

    await build.dispose();
    await expect(containerOf(build.runnerRef).inspect()).rejects.toMatchObject({ statusCode: 404 });
    expect(existsSync(dir)).toBe(false);
    // No work volume was made for it.
    await expect(docker.getVolume(`ds-build-${s.deploymentId}`).inspect()).rejects.toMatchObject({ statusCode: 404 });
  }, 120_000);

  it('deploys regular files only: links and FIFOs the build leaves in its output are skipped and reported', async () => {
    const log = lineCollector();
    const s = spec({
      settings: {
        buildCommand: 'mkdir -p dist && cp index.html dist/ && ln -s index.html dist/alias.html && mkfifo dist/pipe && ln -s /etc/passwd dist/passwd',
        outputDirectory: 'dist',
      },
    });
    const build = await runner.start(s, log.onLine);
    expect(await build.outcome).toMatchObject({ status: 'succeeded' });
    expect(listFiles(s.outputDir)).toEqual(['index.html']);
    // The builder drops the link out of the artifact itself; the runner skips the other link and the FIFO.
    expect(log.lines.some((l: RunnerLine) => l.stream === 'system' && l.message.startsWith('Skipped 2 links or special files'))).toBe(true);
    await build.dispose();
  }, 120_000);

  it('never follows an output directory the build replaced with a link to a host path: OUTPUT_COPY_FAILED, nothing read', async () => {
    // A host directory with a secret; inside the container the same path is just a writable spot on its /tmp.
    const secret = scratch();
    writeFileSync(join(secret, 'key.txt'), 'TOP-SECRET');
    const s = spec({ settings: { buildCommand: `mkdir -p ${secret} && rm -rf /workspace/out && ln -s ${secret} /workspace/out` } });
    const log = lineCollector();
    const build = await runner.start(s, log.onLine);
    const outcome = await build.outcome;
    expect(log.text()).toContain('Build succeeded'); // the builder itself exited 0
    expect(outcome).toMatchObject({ status: 'failed', exitCode: 0, failureCode: 'OUTPUT_COPY_FAILED' });
    expect(readdirSync(s.outputDir)).toEqual([]);
    expect(readdirSync(secret)).toEqual(['key.txt']);
    expect(readFileSync(join(secret, 'key.txt'), 'utf8')).toBe('TOP-SECRET');
    await build.dispose();
    expect(existsSync(hostDir(s.deploymentId))).toBe(false);
  }, 120_000);

  it('another instance (other BUILD_WORK_DIR) reattaches and collects from the work dir the container really has; its dispose removes it', async () => {
    const first = lineCollector();
    const s = spec({ logSeqBase: 7, settings: { buildCommand: 'for i in 1 2; do echo tick-$i; sleep 1; done' } });
    const build = await runner.start(s, first.onLine);
    await waitFor(() => first.lines.some((l) => l.message === 'tick-1'));
    build.detach();
    expect(await build.outcome).toMatchObject({ failureCode: 'ORCHESTRATOR_RESTARTED' });

    const other = new DockerBuildRunner({ image, network: 'deploysphere-builds', logMaxBytes: 1_000_000, workDir: scratch() });
    const outputDir = scratch();
    const again = lineCollector();
    const found = await other.reattach({ deploymentId: s.deploymentId, runnerRef: build.runnerRef, outputDir, outputMaxBytes: 10_000_000 }, again.onLine);
    expect(found?.logSeqBase).toBe(7);
    expect(await found!.outcome).toMatchObject({ status: 'succeeded', framework: 'static' });
    expect(listFiles(outputDir)).toContain('index.html');
    expect(again.text()).toContain('tick-2');
    await found!.dispose();
    expect(existsSync(hostDir(s.deploymentId))).toBe(false);
    await expect(containerOf(build.runnerRef).inspect()).rejects.toMatchObject({ statusCode: 404 });
  }, 60_000);

  it('lists a host work dir left without its container, and remove() deletes it; remove() of a running build deletes container and dir', async () => {
    const orphan = newId('dpl');
    mkdirSync(hostDir(orphan), { recursive: true });
    writeFileSync(join(hostDir(orphan), 'left-over'), 'x');
    expect(await runner.listBuilds()).toEqual(expect.arrayContaining([{ deploymentId: orphan, runnerRef: `docker:dir:${orphan}`, running: false }]));
    await runner.remove(orphan, `docker:dir:${orphan}`);
    expect(existsSync(hostDir(orphan))).toBe(false);

    const s = spec({ settings: { buildCommand: 'sleep 60' } });
    const build = await runner.start(s, () => undefined);
    expect(await runner.listBuilds()).toEqual(expect.arrayContaining([{ deploymentId: s.deploymentId, runnerRef: build.runnerRef, running: true }]));
    await runner.remove(s.deploymentId, null);
    await expect(containerOf(build.runnerRef).inspect()).rejects.toMatchObject({ statusCode: 404 });
    expect(existsSync(hostDir(s.deploymentId))).toBe(false);
    expect((await runner.listBuilds()).some((k) => k.deploymentId === s.deploymentId)).toBe(false);
    await build.outcome;
  }, 60_000);

  it('a fresh start replaces what an earlier attempt of the same deployment left (container and dir)', async () => {
    const s = spec({ settings: { buildCommand: 'sleep 60' } });
    const stale = await runner.start(s, () => undefined);
    stale.detach();
    writeFileSync(join(hostDir(s.deploymentId), 'stale-marker'), 'x');
    const build = await runner.start({ ...s, settings: {} }, () => undefined);
    expect(build.runnerRef).not.toBe(stale.runnerRef);
    await expect(containerOf(stale.runnerRef).inspect()).rejects.toMatchObject({ statusCode: 404 });
    expect(await build.outcome).toMatchObject({ status: 'succeeded' });
    expect(existsSync(join(hostDir(s.deploymentId), 'stale-marker'))).toBe(false);
    await build.dispose();
  }, 60_000);
});

async function waitFor(check: () => boolean, timeoutMs = 30_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}
