import Docker from 'dockerode';
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { newId } from '@deploysphere/common';
import { BuildahImageBuilder } from '../../../apps/orchestrator/src/images/buildah/buildah-image-builder.adapter';
import type { ImageBuildSpec } from '../../../apps/orchestrator/src/images/image-builder.port';
import { REPO_ROOT, lineCollector, removeDir, scratchDir } from '../../support/builds';
import { registryFromEnv, registryHasManifest } from '../../support/registry';

// Daemonless image builds with buildah, for real on this host (scripts/buildah.sh installs it):
// RUN steps on the platform's CNI bridge behind the build firewall, limits, the project's own
// image store as its layer cache, cancel, and the push by digest to the real local registry.
// The base image is the platform's Node runtime image, put into that registry first (buildah
// never talks to the Docker engine).

const docker = new Docker();
const suffix = randomBytes(3).toString('hex');
const LIMITS = { timeoutSeconds: 300, memoryMb: 512, cpus: 1, pids: 256 };
const REPO = `ds-buildah-test-${suffix}`;

describe('BuildahImageBuilder (real buildah, real registry)', () => {
  const registry = registryFromEnv();
  const stateDir = scratchDir('ds-buildah-state-');
  const network = { name: `ds-buildah-test-${suffix}`, bridge: `dsbt${suffix}`, subnet: `10.233.${parseInt(suffix.slice(0, 2), 16)}.0/24` };
  const builder = new BuildahImageBuilder({ stateDir, network, firewall: { instanceId: `buildah-test-${suffix}` }, insecureRegistries: [registry.url] });
  const base = `${registry.url}/ds-buildah-base/runtime-node:24`;
  const auth = { username: registry.username, password: registry.password, serveraddress: registry.url };
  const projectA = newId('prj');
  const projectB = newId('prj');
  const dirs: string[] = [stateDir];
  let hostService: Server;
  let hostPort: number;

  beforeAll(async () => {
    execFileSync('bash', [join(REPO_ROOT, 'scripts', 'buildah.sh'), 'install'], { stdio: 'inherit' });
    // The base image in the registry (a no-op push when it is there already).
    await docker.getImage('deploysphere/runtime-node:24').tag({ repo: base.slice(0, base.lastIndexOf(':')), tag: '24' });
    const stream = (await docker.getImage(base).push({ authconfig: auth } as never)) as unknown as NodeJS.ReadableStream;
    await new Promise<void>((resolve, reject) => {
      stream.on('data', () => undefined);
      stream.on('end', resolve);
      stream.on('error', reject);
    });
    // A service on every address of the host: a RUN step must not reach it.
    hostService = createServer((s) => s.end('HOST-SERVICE\n'));
    await new Promise<void>((r) => hostService.listen(0, '0.0.0.0', r));
    hostPort = (hostService.address() as { port: number }).port;
  }, 900_000);

  afterAll(async () => {
    hostService?.close();
    await builder.forgetProject(projectA);
    await builder.forgetProject(projectB);
    await builder.removeFirewall();
    try {
      execFileSync('ip', ['link', 'delete', network.bridge], { stdio: 'ignore' });
    } catch {
      // no RUN step made it
    }
    await docker.getImage(base).remove().catch(() => undefined);
    for (const d of dirs) removeDir(d);
  }, 300_000);

  const context = (files: Record<string, string>): string => {
    const dir = scratchDir('ds-buildah-ctx-');
    dirs.push(dir);
    for (const [name, body] of Object.entries(files)) writeFileSync(join(dir, name), body);
    return dir;
  };
  const spec = (contextDir: string, projectId = projectA, patch: Partial<ImageBuildSpec> = {}): ImageBuildSpec => {
    const deploymentId = newId('dpl');
    return {
      deploymentId,
      projectId,
      contextDir,
      dockerfile: 'Dockerfile',
      tag: `${registry.url}/${REPO}/${projectId}:${deploymentId}`,
      cacheFrom: `${registry.url}/${REPO}/${projectId}:build-cache`,
      limits: LIMITS,
      registryAuth: auth,
      registryHost: registry.url,
      ...patch,
    };
  };

  it('builds FROM the platform registry with RUN steps that reach the package registry but not the host nor the metadata address, and pushes by digest', async () => {
    const hostIp = Object.values(networkInterfaces())
      .flat()
      .find((a) => a && a.family === 'IPv4' && !a.internal)!.address;
    const probe = (host: string) =>
      `const s=require('net').connect(${hostPort},'${host}');s.setTimeout(5000);s.on('data',d=>{console.log('REACHED ${host}',String(d).trim());process.exit(0)});` +
      `s.on('timeout',()=>{console.log('BLOCKED ${host} timeout');process.exit(0)});s.on('error',e=>{console.log('BLOCKED ${host}',e.code);process.exit(0)})`;
    const dir = context({
      Dockerfile: [
        `FROM ${base}`,
        `RUN node -e "${probe(hostIp)}"`,
        `RUN node -e "${probe(network.subnet.replace(/\.0\/24$/, '.1'))}"`,
        `RUN node -e "const s=require('net').connect(80,'169.254.169.254');s.setTimeout(5000);s.on('connect',()=>{console.log('REACHED metadata');process.exit(0)});s.on('timeout',()=>{console.log('BLOCKED metadata timeout');process.exit(0)});s.on('error',e=>{console.log('BLOCKED metadata',e.code);process.exit(0)})"`,
        `RUN node -e "fetch('https://registry.npmjs.org/left-pad').then(r=>console.log('npm registry',r.status),e=>{console.log('npm registry unreachable',e.cause&&e.cause.code);process.exit(1)})"`,
        'RUN test ! -e /var/run/docker.sock && echo NO-DOCKER-SOCKET',
        'COPY server.js /app/server.js',
        'CMD ["node", "/app/server.js"]',
      ].join('\n'),
      'server.js': 'require("http").createServer((q,s)=>s.end("ok")).listen(process.env.PORT)',
    });
    const lines = lineCollector();
    const s = spec(dir);
    const build = await builder.build(s, lines.onLine);
    const outcome = await build.outcome;
    expect(outcome).toMatchObject({ status: 'succeeded', exitCode: 0 });
    // What the probes printed (the log also echoes each RUN instruction, which names both words).
    const printed = lines.lines.map((l) => l.message).filter((m) => !m.startsWith('STEP '));
    expect(printed).toContain(`BLOCKED ${hostIp} ECONNREFUSED`);
    expect(printed).toContain(`BLOCKED ${network.subnet.replace(/\.0\/24$/, '.1')} ECONNREFUSED`);
    expect(printed.filter((m) => m.startsWith('REACHED'))).toEqual([]);
    expect(printed.some((m) => m.startsWith('BLOCKED metadata'))).toBe(true);
    expect(printed).toContain('npm registry 200');
    expect(printed).toContain('NO-DOCKER-SOCKET');
    expect(outcome.imageId).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(await builder.imageId(s.tag)).toBe(outcome.imageId);

    const digest = await builder.push(s.tag, auth, () => undefined);
    expect(digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(await registryHasManifest(registry, `${REPO}/${projectA}`, digest)).toBe(true);
  }, 900_000);

  it("reuses the project's own layers only: a second build of the project hits its cache, another project's does not", async () => {
    const files = { Dockerfile: `FROM ${base}\nRUN echo "layer made at $(date +%s%N)" > /tmp/marker\nCOPY app.txt /app/app.txt\n`, 'app.txt': 'v1' };
    const first = await builder.build(spec(context(files)), () => undefined);
    expect((await first.outcome).status).toBe('succeeded');
    const again = lineCollector();
    const second = await builder.build(spec(context({ ...files, 'app.txt': 'v2' })), again.onLine);
    expect((await second.outcome).status).toBe('succeeded');
    expect(again.text()).toMatch(/Using cache/);
    const other = lineCollector();
    const third = await builder.build(spec(context(files), projectB), other.onLine);
    expect((await third.outcome).status).toBe('succeeded');
    expect(other.text()).not.toMatch(/Using cache/);
  }, 900_000);

  it('a failing RUN step fails the build with its exit status, and leaves no working container', async () => {
    const build = await builder.build(spec(context({ Dockerfile: `FROM ${base}\nRUN exit 3\n` })), () => undefined);
    expect(await build.outcome).toMatchObject({ status: 'failed', failureCode: 'BUILD_FAILED', exitCode: 3 });
    expect(execFileSync('buildah', [...builder.storeArgs(projectA), 'containers', '--quiet']).toString().trim()).toBe('');
  }, 600_000);

  it('cancel stops the RUN step at once: no process of the build and no working container are left', async () => {
    const marker = `ds-buildah-sleep-${suffix}`;
    const lines = lineCollector();
    const build = await builder.build(spec(context({ Dockerfile: `FROM ${base}\nRUN echo ${marker} started && sleep 600\n` })), lines.onLine);
    const until = Date.now() + 300_000;
    while (!lines.text().includes(`${marker} started`)) {
      if (Date.now() > until) throw new Error('the RUN step did not start');
      await new Promise((r) => setTimeout(r, 200));
    }
    await build.cancel();
    expect(await build.outcome).toMatchObject({ status: 'canceled', failureCode: 'CANCELED' });
    expect(execFileSync('ps', ['-eo', 'args']).toString()).not.toContain('sleep 600');
    expect(execFileSync('buildah', [...builder.storeArgs(projectA), 'containers', '--quiet']).toString().trim()).toBe('');
  }, 600_000);

  it('an orchestrator killed mid-build stops its RUN step, and its next process removes the working containers left', async () => {
    const marker = `ds-buildah-orphan-${suffix}`;
    const s = spec(context({ Dockerfile: `FROM ${base}\nRUN echo ${marker} started && sleep 612\n` }));
    const script = [
      `const { BuildahImageBuilder } = require(${JSON.stringify(join(REPO_ROOT, 'apps/orchestrator/src/images/buildah/buildah-image-builder.adapter.ts'))});`,
      'const [options, spec] = JSON.parse(process.argv[1]);',
      'new BuildahImageBuilder(options).build(spec, (l) => console.log(l.message));',
    ].join('\n');
    const options = { stateDir, network, firewall: { instanceId: `buildah-test-${suffix}` }, insecureRegistries: [registry.url] };
    const child = spawn(process.execPath, ['-r', join(REPO_ROOT, 'test/support/ts-require.js'), '-e', script, JSON.stringify([options, s])], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    const until = Date.now() + 300_000;
    while (!out.includes(`${marker} started`)) {
      if (Date.now() > until || child.exitCode !== null) throw new Error(`the RUN step did not start:\n${out}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    child.kill('SIGKILL');
    // buildah got SIGTERM (setpriv --pdeathsig) and stops the RUN step.
    const gone = Date.now() + 120_000;
    const running = () => execFileSync('ps', ['-eo', 'args']).toString().split('\n').some((a) => a.includes('sleep 612') || (a.startsWith('buildah ') && a.includes(builder.projectDir(projectA)) && a.includes(' build ')));
    while (running()) {
      if (Date.now() > gone) throw new Error('the RUN step of the killed build is still running');
      await new Promise((r) => setTimeout(r, 500));
    }
    // Its working containers stay in the project's store until this instance's next process builds the project.
    const restarted = new BuildahImageBuilder(options);
    const next = await restarted.build(spec(context({ Dockerfile: `FROM ${base}\nRUN true\n` })), () => undefined);
    expect((await next.outcome).status).toBe('succeeded');
    expect(execFileSync('buildah', [...builder.storeArgs(projectA), 'containers', '--quiet']).toString().trim()).toBe('');
  }, 600_000);

  it('the Dockerfile policy applies: ADD <url> is refused before buildah runs', async () => {
    const build = await builder.build(spec(context({ Dockerfile: `FROM ${base}\nADD https://example.com/x /x\n` })), () => undefined);
    expect(await build.outcome).toMatchObject({ status: 'failed', failureCode: 'INVALID_CONFIGURATION' });
  });

  it("forgetProject deletes the project's image store", async () => {
    const dir = builder.projectDir(projectB);
    expect(existsSync(dir)).toBe(true);
    await builder.forgetProject(projectB);
    expect(existsSync(dir)).toBe(false);
  }, 300_000);
});
