import Docker from 'dockerode';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { newId } from '@deploysphere/common';
import { DockerBuildRunner, type BuildSpec, type RunnerLine } from '../../../apps/orchestrator/src/runner';
import { builderImage, FIXTURE_SITES, lineCollector, listFiles, removeDir, scratchDir, TEST_LIMITS } from '../../support/builds';

const docker = new Docker();
const PROJECT = newId('prj');

/**
 * BUILD_DOCKER_WORKSPACE=volume: the build's /workspace is a named volume and the source and the
 * artifact go through the engine's archive API — the path for a remote engine, forced here on the
 * local one (the bind-mounted host dir is docker-bind-workspace.spec.ts).
 */
describe('DockerBuildRunner (real engine, builder image, archive-API workspace)', () => {
  let runner: DockerBuildRunner;
  const dirs: string[] = [];
  const spec = (site: string, patch: Partial<BuildSpec> = {}): BuildSpec => {
    const outputDir = scratchDir();
    dirs.push(outputDir);
    return {
      deploymentId: newId('dpl'),
      projectId: PROJECT,
      sourceDir: join(FIXTURE_SITES, site),
      outputDir,
      settings: {},
      env: {},
      limits: TEST_LIMITS,
      logSeqBase: 1,
      ...patch,
    };
  };
  const containerOf = (ref: string) => docker.getContainer(ref.slice('docker:'.length));

  beforeAll(async () => {
    const workDir = scratchDir();
    dirs.push(workDir);
    runner = new DockerBuildRunner({ image: await builderImage(), network: 'deploysphere-builds', logMaxBytes: 1_000_000, stopGraceSeconds: 2, workspace: 'volume', workDir });
  }, 600_000);
  afterAll(() => dirs.forEach(removeDir));

  it('is ready when the engine answers and the image exists; not ready for a missing image', async () => {
    expect(await runner.isReady()).toBe(true);
    expect(await runner.workspaceMode()).toBe('volume');
    expect(await new DockerBuildRunner({ image: 'deploysphere/builder:does-not-exist', network: 'deploysphere-builds', logMaxBytes: 1000 }).isReady()).toBe(false);
  });

  it('builds the static fixture in a hardened container and copies the artifact out', async () => {
    const log = lineCollector();
    const s = spec('static-site', { env: { GREETING: 'hi' } });
    const build = await runner.start(s, log.onLine);
    expect(build.runnerRef).toMatch(/^docker:[0-9a-f]{64}$/);
    const info = await containerOf(build.runnerRef).inspect();
    expect(info.Config.User).toBe('10001:10001');
    expect(info.Config.Labels).toMatchObject({ 'io.deploysphere.deployment-id': s.deploymentId, 'io.deploysphere.project-id': PROJECT });
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
    // Only the build's own work volume and the project's cache volume: no host path, no docker socket.
    expect(info.Mounts.map((m) => [m.Type, m.Name, m.Destination]).sort()).toEqual([
      ['volume', `ds-build-${s.deploymentId}`, '/workspace'],
      ['volume', `ds-cache-${PROJECT}`, '/cache'],
    ]);
    const outcome = await build.outcome;
    expect(outcome).toMatchObject({ status: 'succeeded', exitCode: 0, framework: 'static' });
    expect(listFiles(s.outputDir)).toEqual(['404.html', 'about/index.html', 'assets/app.3f9a1c.css', 'index.html']);
    expect(readFileSync(join(s.outputDir, 'index.html'), 'utf8')).toBe(readFileSync(join(FIXTURE_SITES, 'static-site', 'index.html'), 'utf8'));
    expect(log.text()).toContain('Build succeeded');
    expect(log.lines.every((l) => !Number.isNaN(Date.parse(l.ts)))).toBe(true);
    await build.dispose();
    await expect(containerOf(build.runnerRef).inspect()).rejects.toMatchObject({ statusCode: 404 });
    await expect(docker.getVolume(`ds-build-${s.deploymentId}`).inspect()).rejects.toMatchObject({ statusCode: 404 });
  }, 120_000);

  it('separates stdout and stderr lines and maps the builder exit code to a failure code', async () => {
    const log = lineCollector();
    const build = await runner.start(spec('static-site', { settings: { buildCommand: 'echo to-out; echo to-err >&2; exit 7' } }), log.onLine);
    expect(await build.outcome).toMatchObject({ status: 'failed', exitCode: 11, failureCode: 'BUILD_FAILED' });
    expect(log.lines.find((l) => l.message === 'to-out')?.stream).toBe('stdout');
    expect(log.lines.find((l) => l.message === 'to-err')?.stream).toBe('stderr');
    expect(log.lines.some((l) => l.stream === 'stderr' && l.message.startsWith('!!! build failed in step "Building" (exit 11)'))).toBe(true);
    await build.dispose();
  }, 120_000);

  it('a build that allocates more than its memory limit ends OUT_OF_MEMORY', async () => {
    const s = spec('static-site', {
      limits: { ...TEST_LIMITS, memoryMb: 128 },
      settings: { buildCommand: 'node -e "const a = []; for (;;) a.push(Buffer.alloc(16 * 1024 * 1024, 1))"' },
    });
    const build = await runner.start(s, () => undefined);
    const outcome = await build.outcome;
    expect(outcome).toMatchObject({ status: 'failed', failureCode: 'OUT_OF_MEMORY' });
    expect((await containerOf(build.runnerRef).inspect()).State.OOMKilled).toBe(true);
    await build.dispose();
  }, 120_000);

  it('stops a build at its wall-clock limit: timed_out, container stopped at once', async () => {
    const s = spec('static-site', { limits: { ...TEST_LIMITS, timeoutSeconds: 3 }, settings: { buildCommand: 'echo sleeping; sleep 120' } });
    const started = Date.now();
    const build = await runner.start(s, () => undefined);
    const outcome = await build.outcome;
    expect(outcome).toMatchObject({ status: 'timed_out', failureCode: 'TIMED_OUT' });
    // The 3 s limit, not the command's 120 s, even on a loaded machine.
    expect(Date.now() - started).toBeLessThan(60_000);
    expect((await containerOf(build.runnerRef).inspect()).State.Running).toBe(false);
    await build.dispose();
  }, 120_000);

  it('cancel stops the container mid-build; dispose removes it', async () => {
    const log = lineCollector();
    const build = await runner.start(spec('static-site', { settings: { buildCommand: 'echo started-sleeping; sleep 120' } }), log.onLine);
    await waitFor(() => log.lines.some((l) => l.message === 'started-sleeping'));
    const t0 = Date.now();
    await build.cancel();
    expect(await build.outcome).toMatchObject({ status: 'canceled', failureCode: 'CANCELED' });
    // Stopped (2 s grace), not run out (120 s), even on a loaded machine.
    expect(Date.now() - t0).toBeLessThan(30_000);
    await build.dispose();
    await expect(containerOf(build.runnerRef).inspect()).rejects.toMatchObject({ statusCode: 404 });
  }, 60_000);

  it('reattaches to a running build by deployment id (labels) and replays its lines with the same numbering', async () => {
    const first = lineCollector();
    const s = spec('static-site', { logSeqBase: 42, settings: { buildCommand: 'for i in 1 2 3; do echo tick-$i; sleep 1; done' } });
    const build = await runner.start(s, first.onLine);
    await waitFor(() => first.lines.some((l) => l.message === 'tick-1'));
    build.detach(); // the orchestrator "dies": the container keeps running
    expect(await build.outcome).toMatchObject({ failureCode: 'ORCHESTRATOR_RESTARTED' });

    const again = lineCollector();
    const outputDir = scratchDir();
    dirs.push(outputDir);
    const found = await runner.reattach({ deploymentId: s.deploymentId, runnerRef: null, outputDir, outputMaxBytes: 10_000_000 }, again.onLine);
    expect(found?.runnerRef).toBe(build.runnerRef);
    expect(found?.logSeqBase).toBe(42);
    expect(await found!.outcome).toMatchObject({ status: 'succeeded' });
    expect(listFiles(outputDir)).toContain('index.html');
    // The replay starts at the build's first line, in the same order as the first reading.
    const prefix = (lines: RunnerLine[]) => lines.map((l) => `${l.stream}:${l.message}`);
    expect(prefix(again.lines).slice(0, first.lines.length)).toEqual(prefix(first.lines));
    expect(again.text()).toContain('tick-3');
    await found!.dispose();
    expect(await runner.reattach({ deploymentId: s.deploymentId, runnerRef: build.runnerRef, outputDir, outputMaxBytes: 1 }, () => undefined)).toBeUndefined();
  }, 60_000);

  it('keeps the dependency cache in the project volume: an unchanged lockfile restores node_modules, a changed one reinstalls', async () => {
    const project = newId('prj');
    const run = async (sourceDir: string) => {
      const log = lineCollector();
      const build = await runner.start(spec('vite-app', { projectId: project, sourceDir }), log.onLine);
      const outcome = await build.outcome;
      await build.dispose();
      return { outcome, text: log.text() };
    };
    const fixture = join(FIXTURE_SITES, 'vite-app');
    const cold = await run(fixture);
    expect(cold.outcome).toMatchObject({ status: 'succeeded', framework: 'vite' });
    expect(cold.text).toContain('npm ci (lockfile found)');
    expect(cold.text).toContain('node_modules saved to the cache');
    const warm = await run(fixture);
    expect(warm.outcome.status).toBe('succeeded');
    expect(warm.text).toContain('node_modules restored from the cache');
    expect(warm.text).not.toContain('npm ci');

    const changed = scratchDir();
    dirs.push(changed);
    cpSync(fixture, changed, { recursive: true, filter: (p) => !p.includes('node_modules') && !p.includes('/dist') });
    const pkg = JSON.parse(readFileSync(join(changed, 'package.json'), 'utf8'));
    writeFileSync(join(changed, 'package.json'), JSON.stringify({ ...pkg, description: 'changed' }, null, 2));
    const rebuilt = await run(changed);
    expect(rebuilt.outcome.status).toBe('succeeded');
    expect(rebuilt.text).toContain('npm ci (lockfile found)');
    await runner.forgetProject(project);
    await expect(docker.getVolume(`ds-cache-${project}`).inspect()).rejects.toMatchObject({ statusCode: 404 });
  }, 300_000);

  it('lists its builds and removes one by deployment id', async () => {
    const s = spec('static-site', { settings: { buildCommand: 'sleep 60' } });
    const build = await runner.start(s, () => undefined);
    expect(await runner.listBuilds()).toEqual(expect.arrayContaining([{ deploymentId: s.deploymentId, runnerRef: build.runnerRef, running: true }]));
    await runner.remove(s.deploymentId, null);
    await expect(containerOf(build.runnerRef).inspect()).rejects.toMatchObject({ statusCode: 404 });
    expect((await runner.listBuilds()).some((k) => k.deploymentId === s.deploymentId)).toBe(false);
    await build.outcome;
  }, 60_000);
});

async function waitFor(check: () => boolean, timeoutMs = 30_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}
