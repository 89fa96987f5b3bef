import Docker from 'dockerode';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { newId } from '@deploysphere/common';
import { DockerImageBuilder } from '../../../apps/orchestrator/src/images/docker/docker-image-builder.adapter';
import type { ImageBuildSpec } from '../../../apps/orchestrator/src/images/image-builder.port';
import { GENERATED_DOCKERFILE, nodeDockerfile } from '../../../apps/orchestrator/src/images/node-dockerfile';
import { DockerBuildRunner } from '../../../apps/orchestrator/src/runner';
import { builderImage, lineCollector, removeDir, scratchDir } from '../../support/builds';
import { registryFromEnv, registryHasManifest } from '../../support/registry';

// Image builds on the real engine: the build API on a build network with its firewall, the
// project's own layer cache, cancel and timeout, the limits, and the push to the real registry.

const docker = new Docker();
const NETWORK = `ds-img-test-${randomBytes(4).toString('hex')}`;
const REPO = `ds-img-test-${randomBytes(4).toString('hex')}`;
const LIMITS = { timeoutSeconds: 300, memoryMb: 512, cpus: 1, pids: 256 };

/** Containers of the engine whose command holds `marker` (a RUN step of a build). */
async function runningWith(marker: string): Promise<number> {
  const all = await docker.listContainers({ all: false });
  return all.filter((c) => c.Command.includes(marker)).length;
}

async function waitFor(what: string, check: () => Promise<boolean>, ms = 120_000): Promise<void> {
  const until = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('DockerImageBuilder (real engine, real registry)', () => {
  let runner: DockerBuildRunner;
  let builder: DockerImageBuilder;
  const dirs: string[] = [];
  const projectA = newId('prj');
  const projectB = newId('prj');

  beforeAll(async () => {
    runner = new DockerBuildRunner({ image: await builderImage(), network: NETWORK, logMaxBytes: 1 << 20, firewall: { instanceId: `img-test-${randomBytes(3).toString('hex')}` } });
    builder = new DockerImageBuilder({ buildNetwork: () => runner.buildNetwork() });
  }, 600_000);

  afterAll(async () => {
    await builder.forgetProject(projectA);
    await builder.forgetProject(projectB);
    for (const image of await docker.listImages({ filters: { reference: [`${REPO}/*`] } })) await docker.getImage(image.Id).remove({ force: true }).catch(() => undefined);
    await runner.removeFirewall();
    await docker.getNetwork(NETWORK).remove().catch(() => undefined);
    for (const d of dirs) removeDir(d);
  });

  const context = (files: Record<string, string>): string => {
    const dir = scratchDir('ds-img-ctx-');
    dirs.push(dir);
    for (const [name, body] of Object.entries(files)) {
      mkdirSync(join(dir, name, '..'), { recursive: true });
      writeFileSync(join(dir, name), body);
    }
    return dir;
  };
  const spec = (projectId: string, contextDir: string, over: Partial<ImageBuildSpec> = {}): ImageBuildSpec => {
    const deploymentId = newId('dpl');
    return { deploymentId, projectId, contextDir, dockerfile: 'Dockerfile', tag: `${REPO}/${projectId}:${deploymentId}`, cacheFrom: `${REPO}/${projectId}:build-cache`, limits: LIMITS, ...over };
  };
  const nodeApp = (pkg: object) => {
    const dir = context({ 'package.json': JSON.stringify(pkg), 'server.js': 'require("http").createServer((q, s) => s.end("ok")).listen(process.env.PORT)' });
    writeFileSync(join(dir, GENERATED_DOCKERFILE), nodeDockerfile(dir, 'deploysphere/runtime-node:24'));
    return dir;
  };

  it('builds a package.json app FROM the Node runtime image; the next build of the project reuses its layers, a dependency change rebuilds from the install step', async () => {
    const pkg = { name: 'cache-probe', version: '1.0.0', scripts: { start: 'node server.js' } };
    const build = async (projectId: string, dir: string) => {
      const s = spec(projectId, dir, { dockerfile: GENERATED_DOCKERFILE });
      const log = lineCollector();
      const outcome = await (await builder.build(s, log.onLine)).outcome;
      expect(outcome).toMatchObject({ status: 'succeeded', imageId: expect.stringMatching(/^sha256:[0-9a-f]{64}$/) });
      await builder.tag(s.tag, s.cacheFrom);
      return { text: log.text(), s, outcome };
    };
    const first = await build(projectA, nodeApp(pkg));
    expect(first.text).not.toContain('Using cache');
    const inspect = await docker.getImage(first.s.tag).inspect();
    expect(inspect.Config.User).toBe('10001:10001');
    expect(inspect.Config.Labels).toMatchObject({ 'io.deploysphere.role': 'app-image', 'io.deploysphere.project-id': projectA, 'io.deploysphere.deployment-id': first.s.deploymentId });

    // Same source: every step from the cache (the install step included); a new tag, a new deployment.
    const second = await build(projectA, nodeApp(pkg));
    expect(second.text.match(/Using cache/g)?.length).toBeGreaterThanOrEqual(3);
    expect(second.s.tag).not.toBe(first.s.tag);

    // Another project with the same source: none of project A's layers.
    const other = await build(projectB, nodeApp(pkg));
    expect(other.text).not.toContain('Using cache');

    // A dependency change: the manifest COPY and everything after it run again.
    const changed = await build(projectA, nodeApp({ ...pkg, dependencies: { 'is-number': '7.0.0' } }));
    const steps = changed.text.split(/\n(?=Step \d+\/\d+ :)/);
    const install = steps.find((s) => s.includes(' : RUN ') && s.includes('npm'));
    expect(install).toBeDefined();
    expect(install).not.toContain('Using cache');
    expect(changed.text).toContain('added 1 package');
  }, 600_000);

  it('cancel stops the RUN step at once and leaves no container', async () => {
    const marker = `cancel-${randomBytes(4).toString('hex')}`;
    const dir = context({ Dockerfile: `FROM deploysphere/runtime-node:24\nRUN sleep 300 && echo ${marker}\n` });
    const running = await builder.build(spec(projectA, dir), () => undefined);
    await waitFor('the RUN step to start', async () => (await runningWith(marker)) > 0);
    const t0 = Date.now();
    await running.cancel();
    expect((await running.outcome).status).toBe('canceled');
    expect(Date.now() - t0).toBeLessThan(30_000);
    await waitFor('the RUN container to go', async () => (await runningWith(marker)) === 0, 60_000);
  }, 300_000);

  it('the time limit stops the build: timed_out, no container left', async () => {
    const marker = `timeout-${randomBytes(4).toString('hex')}`;
    const dir = context({ Dockerfile: `FROM deploysphere/runtime-node:24\nRUN sleep 300 && echo ${marker}\n` });
    const running = await builder.build(spec(projectA, dir, { limits: { ...LIMITS, timeoutSeconds: 4 } }), () => undefined);
    const outcome = await running.outcome;
    expect(outcome).toMatchObject({ status: 'timed_out', failureCode: 'TIMED_OUT' });
    await waitFor('the RUN container to go', async () => (await runningWith(marker)) === 0, 60_000);
  }, 300_000);

  it('a failing RUN step fails BUILD_FAILED with its exit status; the pids cap holds for RUN steps', async () => {
    const failing = await (await builder.build(spec(projectA, context({ Dockerfile: 'FROM deploysphere/runtime-node:24\nRUN exit 7\n' })), () => undefined)).outcome;
    expect(failing).toMatchObject({ status: 'failed', failureCode: 'BUILD_FAILED', exitCode: 7 });

    const log = lineCollector();
    const forks = 'i=0; while [ $i -lt 200 ]; do sleep 30 & i=$((i+1)); done; wait';
    const capped = await (await builder.build(spec(projectA, context({ Dockerfile: `FROM deploysphere/runtime-node:24\nRUN ${forks}\n` }), { limits: { ...LIMITS, pids: 40 } }), log.onLine)).outcome;
    expect(capped.status).toBe('failed');
    expect(log.text()).toMatch(/Resource temporarily unavailable|fork/i);
  }, 300_000);

  it('refuses, before the engine sees it, a Dockerfile that makes the engine fetch from the host side', async () => {
    const dir = context({ Dockerfile: 'FROM deploysphere/runtime-node:24\nADD http://169.254.169.254/latest/meta-data/ /m\n' });
    const outcome = await (await builder.build(spec(projectA, dir), () => undefined)).outcome;
    expect(outcome).toMatchObject({ status: 'failed', failureCode: 'INVALID_CONFIGURATION', failureMessage: expect.stringContaining('ADD of a URL') });
  });

  it('refuses a FROM registry whose name resolves to an internal address (this host\'s name)', async () => {
    const dir = context({ Dockerfile: `FROM ${hostname()}:6379/anything\nRUN true\n` });
    const outcome = await (await builder.build(spec(projectA, dir), () => undefined)).outcome;
    expect(outcome).toMatchObject({ status: 'failed', failureCode: 'INVALID_CONFIGURATION', failureMessage: expect.stringContaining('resolves to an internal address') });
  });

  it('.dockerignore and .git stay out of the context', async () => {
    const dir = context({
      Dockerfile: 'FROM deploysphere/runtime-node:24\nCOPY . /app/\nRUN ls -a /app && test ! -e /app/secret.env && test ! -e /app/.git && test -e /app/keep.txt\n',
      '.dockerignore': 'secret.env\n',
      'secret.env': 'TOKEN=x',
      'keep.txt': 'k',
      '.git/HEAD': 'ref: refs/heads/main',
    });
    expect((await (await builder.build(spec(projectA, dir), () => undefined)).outcome).status).toBe('succeeded');
  }, 300_000);

  it('pushes to the registry: the digest it answers names the stored manifest', async () => {
    const registry = registryFromEnv();
    const dir = context({ Dockerfile: 'FROM deploysphere/runtime-node:24\nRUN echo pushed > /app/marker\n' });
    const s = spec(projectA, dir, { tag: `${registry.url}/${REPO}/${projectA}:${newId('dpl')}` });
    expect((await (await builder.build(s, () => undefined)).outcome).status).toBe('succeeded');
    const digest = await builder.push(s.tag, { username: registry.username, password: registry.password, serveraddress: registry.url }, () => undefined);
    expect(digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(await registryHasManifest(registry, `${REPO}/${projectA}`, digest)).toBe(true);
    await expect(builder.push(s.tag, { username: registry.username, password: 'wrong', serveraddress: registry.url }, () => undefined)).rejects.toThrow();
    await builder.untag(s.tag);
  }, 600_000);
});
