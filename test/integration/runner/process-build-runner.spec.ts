import { Logger } from '@nestjs/common';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { newId } from '@deploysphere/common';
import { createBuildRunner, ProcessBuildRunner, type BuildSpec, type BuildsSettings } from '../../../apps/orchestrator/src/runner';
import type { SourceFetcher } from '@deploysphere/source';
import { FIXTURE_SITES, lineCollector, listFiles, removeDir, scratchDir, TEST_LIMITS } from '../../support/builds';
import { eventually, OrchestratorWorld, seedDeployment, waitForStatus } from '../../support/orchestrator';

/** pids of processes whose environment names this deployment (what the runner marks its builds with). */
function processesOf(deploymentId: string): number[] {
  return readdirSync('/proc')
    .filter((p) => /^\d+$/.test(p))
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/environ`, 'latin1').split('\0').includes(`DEPLOYSPHERE_DEPLOYMENT_ID=${deploymentId}`);
      } catch {
        return false;
      }
    })
    .map(Number);
}

/** A killed process disappears from /proc only once it is reaped, which a loaded machine may delay. */
const allGone = (deploymentId: string) => eventually(() => processesOf(deploymentId).length === 0, 20_000, `the processes of ${deploymentId} to be gone`);

describe('ProcessBuildRunner (unisolated embedded fallback)', () => {
  const workDir = scratchDir('ds-process-runner-');
  const runner = new ProcessBuildRunner({ workDir, stopGraceSeconds: 1 });
  const dirs: string[] = [workDir];
  const spec = (site: string, patch: Partial<BuildSpec> = {}): BuildSpec => {
    const outputDir = scratchDir();
    dirs.push(outputDir);
    return { deploymentId: newId('dpl'), projectId: newId('prj'), sourceDir: join(FIXTURE_SITES, site), outputDir, settings: {}, env: {}, limits: TEST_LIMITS, logSeqBase: 1, ...patch };
  };
  afterAll(() => dirs.forEach(removeDir));

  it('runs deploy/builder/build.sh on the static fixture and leaves the artifact in the output directory', async () => {
    const log = lineCollector();
    const s = spec('static-site');
    const build = await runner.start(s, log.onLine);
    expect(build.runnerRef).toMatch(/^process:\d+$/);
    expect(await build.outcome).toMatchObject({ status: 'succeeded', exitCode: 0, framework: 'static' });
    expect(listFiles(s.outputDir)).toEqual(['404.html', 'about/index.html', 'assets/app.3f9a1c.css', 'index.html']);
    expect(log.text()).toContain('Build succeeded');
    await build.dispose();
    expect(existsSync(join(workDir, 'process', s.deploymentId))).toBe(false);
  }, 60_000);

  it('builds the Vite fixture with a per-project npm cache', async () => {
    const s = spec('vite-app');
    const build = await runner.start(s, () => undefined);
    expect(await build.outcome).toMatchObject({ status: 'succeeded', framework: 'vite' });
    expect(listFiles(s.outputDir)).toContain('index.html');
    expect(readdirSync(join(workDir, 'cache', s.projectId, 'npm')).length).toBeGreaterThan(0);
    await build.dispose();
    await runner.forgetProject(s.projectId);
    expect(existsSync(join(workDir, 'cache', s.projectId))).toBe(false);
  }, 180_000);

  it("passes the project's env and none of the orchestrator's own", async () => {
    process.env.DEPLOYSPHERE_ENCRYPTION_KEY = 'orchestrator-secret-key';
    process.env.DATABASE_URL = 'postgresql://orchestrator:secret@db/x';
    // The host's certificate trust is passed on (a build's npm needs it behind a TLS-inspecting proxy).
    const caBefore = process.env.NODE_EXTRA_CA_CERTS;
    process.env.NODE_EXTRA_CA_CERTS = caBefore ?? '/etc/ssl/certs/ca-certificates.crt';
    try {
      const log = lineCollector();
      const build = await runner.start(
        spec('static-site', {
          env: { PROJECT_VAR: 'from-project' },
          settings: { buildCommand: 'echo "var=$PROJECT_VAR key=${DEPLOYSPHERE_ENCRYPTION_KEY:-none} db=${DATABASE_URL:-none} ca=${NODE_EXTRA_CA_CERTS:-none}"' },
        }),
        log.onLine,
      );
      expect((await build.outcome).status).toBe('succeeded');
      expect(log.text()).toContain(`var=from-project key=none db=none ca=${process.env.NODE_EXTRA_CA_CERTS}`);
      await build.dispose();
    } finally {
      delete process.env.DEPLOYSPHERE_ENCRYPTION_KEY;
      delete process.env.DATABASE_URL;
      if (caBefore === undefined) delete process.env.NODE_EXTRA_CA_CERTS;
    }
  }, 60_000);

  it('enforces the wall-clock limit on the whole process group', async () => {
    const s = spec('static-site', { limits: { ...TEST_LIMITS, timeoutSeconds: 2 }, settings: { buildCommand: 'sleep 60 & sleep 60; wait' } });
    const t0 = Date.now();
    const build = await runner.start(s, () => undefined);
    expect(await build.outcome).toMatchObject({ status: 'timed_out', failureCode: 'TIMED_OUT' });
    // The 2 s limit (and 5 s grace), not the commands' 60 s, even on a loaded machine.
    expect(Date.now() - t0).toBeLessThan(40_000);
    await allGone(s.deploymentId);
    await build.dispose();
  }, 90_000);

  it('cancel kills the build and everything it started', async () => {
    const log = lineCollector();
    const s = spec('static-site', { settings: { buildCommand: 'echo begun; sleep 60' } });
    const build = await runner.start(s, log.onLine);
    await eventually(() => log.lines.some((l) => l.message === 'begun'), 20_000, 'the build to begin');
    expect(await runner.listBuilds()).toEqual(expect.arrayContaining([expect.objectContaining({ deploymentId: s.deploymentId, running: true })]));
    await build.cancel();
    expect(await build.outcome).toMatchObject({ status: 'canceled' });
    await allGone(s.deploymentId);
    await build.dispose();
  }, 30_000);

  it('refuses an artifact over the output limit', async () => {
    const s = spec('static-site', { limits: { ...TEST_LIMITS, outputMaxBytes: 1_000 } });
    const build = await runner.start(s, () => undefined);
    expect(await build.outcome).toMatchObject({ status: 'failed', failureCode: 'OUTPUT_TOO_LARGE' });
    await build.dispose();
  }, 60_000);

  it('cannot reattach after a restart: it kills the leftover build instead', async () => {
    const s = spec('static-site', { settings: { buildCommand: 'sleep 60' } });
    const build = await runner.start(s, () => undefined);
    await eventually(() => processesOf(s.deploymentId).length > 0, 20_000, 'the build to run');
    const restarted = new ProcessBuildRunner({ workDir });
    expect(await restarted.reattach({ deploymentId: s.deploymentId, runnerRef: build.runnerRef, outputDir: s.outputDir, outputMaxBytes: 1e6 })).toBeUndefined();
    await build.outcome;
    await allGone(s.deploymentId);
    expect(existsSync(join(workDir, 'process', s.deploymentId))).toBe(false);
  }, 30_000);

  it('lists a work dir left without its process (a failed start, a crash) so the sweep removes it', async () => {
    const deploymentId = newId('dpl');
    mkdirSync(join(workDir, 'process', deploymentId, 'src'), { recursive: true });
    mkdirSync(join(workDir, 'process', 'not-a-build'), { recursive: true });
    const known = await runner.listBuilds();
    expect(known).toEqual(expect.arrayContaining([{ deploymentId, runnerRef: 'process:0', running: false }]));
    expect(known.some((k) => k.deploymentId === 'not-a-build')).toBe(false);
    await runner.remove(deploymentId);
    expect(existsSync(join(workDir, 'process', deploymentId))).toBe(false);
    expect((await runner.listBuilds()).some((k) => k.deploymentId === deploymentId)).toBe(false);
  });
});

describe('choosing the runner (BUILD_RUNNER)', () => {
  const base = { runner: 'process', allowUnisolated: false, production: false, workDir: '/tmp/ds-choose', builderImage: 'x', network: 'n', logMaxBytes: 1000 } as unknown as BuildsSettings;
  const quiet = { log: () => undefined, warn: jest.fn() } as unknown as Logger;

  it('process: warns loudly that builds are not isolated', async () => {
    const warn = jest.fn();
    const runner = await createBuildRunner(base, { log: () => undefined, warn } as unknown as Logger);
    expect(runner.kind).toBe('process');
    expect(runner.isolated).toBe(false);
    expect(warn.mock.calls[0][0]).toContain('BUILDS ARE NOT ISOLATED');
  });

  it('process in production: refused unless ALLOW_UNISOLATED_BUILDS=true', async () => {
    await expect(createBuildRunner({ ...base, production: true }, quiet)).rejects.toThrow(/ALLOW_UNISOLATED_BUILDS/);
    expect((await createBuildRunner({ ...base, production: true, allowUnisolated: true }, quiet)).kind).toBe('process');
  });

  it('auto: docker when the engine answers (scripts/test.sh starts it)', async () => {
    expect((await createBuildRunner({ ...base, runner: 'auto' }, quiet)).kind).toBe('docker');
  });
});

describe('orchestrator with the process runner (PostgreSQL)', () => {
  it('builds a deployment to READY without Docker', async () => {
    const world = new OrchestratorWorld('postgres');
    try {
      const orch = await world.start({ env: { BUILD_RUNNER: 'process' } });
      expect(orch.runner.kind).toBe('process');
      const { deploymentId } = await seedDeployment(orch.prisma, { site: 'static-site' });
      orch.scheduler.nudge();
      expect(await waitForStatus(orch.prisma, deploymentId, undefined, 60_000)).toMatchObject({ status: 'READY', runnerRef: expect.stringMatching(/^process:/) });
      expect((await orch.store.getManifest(deploymentId))?.files.length).toBe(4);
      expect(orch.sink.read(deploymentId)[0].message).toContain('with the process runner (NOT isolated)');
    } finally {
      await world.close();
    }
  }, 60_000);

  it('a build whose runner fails to start (after making its work dir) is FAILED and leaves no work dir', async () => {
    const world = new OrchestratorWorld('postgres');
    // A FIFO in the source: the runner's copy of the source into its work dir refuses it.
    const fetcher: SourceFetcher = {
      fetch: async (_ref, dir) => {
        writeFileSync(join(dir, 'index.html'), '<h1>hi</h1>');
        execFileSync('mkfifo', [join(dir, 'pipe')]);
        return {};
      },
    };
    try {
      const orch = await world.start({ env: { BUILD_RUNNER: 'process' }, fetcher });
      const { deploymentId } = await seedDeployment(orch.prisma, { site: 'static-site' });
      orch.scheduler.nudge();
      expect(await waitForStatus(orch.prisma, deploymentId, undefined, 60_000)).toMatchObject({ status: 'FAILED', failureCode: 'RUNNER_ERROR' });
      const workDir = join(world.dataDir, 'builds', 'process', deploymentId);
      await eventually(() => !existsSync(workDir), 20_000, `${workDir} to be removed`);
    } finally {
      await world.close();
    }
  }, 60_000);
});
