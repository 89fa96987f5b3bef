// Build benchmarks (bench/builds/run.sh runs all three; docs/builds.md quotes the figures).
//
//   node -r ./bench/register.js bench/builds/builds-bench.ts latency|overhead|cache [--runs N] [--image TAG] [--db pglite|postgres] [--fixture vite|react]
//
// Each mode starts the platform in this process as `npm start` composes it, in embedded mode
// (PGlite, in-process events, fs artifact store): CoreModule + api + orchestrator + log-ingest
// (the gateway and edge router play no part in a deploy), with BUILD_RUNNER=docker; it talks to
// it over HTTP like a client and deploys by uploading a gzipped tar of a source directory.
//   latency   upload → READY of a small prebuilt static site (test/fixtures/sites/static-site)
//   overhead  the same build through the platform vs the same commands in a bare `docker run` of
//             the builder image, interleaved, warm dependency cache on both sides (both fixtures)
//   cache     cold vs warm dependency cache (a fresh project cache volume vs the one the previous
//             build filled) for the Vite fixture and for a fixture with ≈170 real packages
//   trace     (diagnostic, not in the default set) one warm Vite deploy's timeline from its build log
//   workspace (diagnostic, not in the default set, no platform) the docker runner's own steps for one
//             build from its debug timeline, bind-mounted host work dir vs the archive API, alternating
import { Logger, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { CoreModule } from '@deploysphere/bootstrap';
import { newId } from '@deploysphere/common';
import { PrismaService } from '@deploysphere/database';
import { createTestDatabase } from '@deploysphere/testing';
import { BUILD_RUNNER, DockerBuildRunner, packDirectory, type BuildRunner } from '../../apps/orchestrator/src/runner';
import { connectIntegrationEvents } from '@deploysphere/messaging';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { ApiModule } from '../../apps/api/src/api.module';
import { configureApi } from '../../apps/api/src/http/configure-api';
import { LogIngestModule } from '../../apps/log-ingest/src/log-ingest.module';
import { OrchestratorModule } from '../../apps/orchestrator/src/orchestrator.module';

const ROOT = resolve(__dirname, '../..');
const SITES = join(ROOT, 'test', 'fixtures', 'sites');
const run = promisify(execFile);

interface Platform {
  url: string;
  token: string;
  prisma: PrismaService;
  runner: BuildRunner;
  close(): Promise<void>;
}

const freePort = () =>
  new Promise<number>((res) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => res(port));
    });
  });

async function startPlatform(image: string, db: 'pglite' | 'postgres'): Promise<Platform> {
  const dataDir = mkdtempSync(join(tmpdir(), 'ds-builds-bench-'));
  // --db postgres: a scratch database on the local PostgreSQL (scripts/services/postgres.sh) instead of embedded PGlite.
  const scratch = db === 'postgres' ? await createTestDatabase('postgres') : undefined;
  delete process.env.DATABASE_URL;
  if (scratch) Object.assign(process.env, { DATABASE_URL: scratch.url, DATABASE_MIGRATE_ON_START: 'false' });
  const admin = `admin_${randomBytes(24).toString('hex')}`;
  Object.assign(process.env, {
    NODE_ENV: 'development',
    LOG_LEVEL: 'warn',
    DEPLOYSPHERE_DATA_DIR: dataDir,
    DEPLOYSPHERE_ADMIN_TOKEN: admin,
    BUILD_RUNNER: 'docker',
    BUILDER_IMAGE: image,
    GATEWAY_PORT: String(await freePort()),
    EDGE_PORT: String(await freePort()),
  });
  Logger.overrideLogger(['error', 'warn']);
  @Module({ imports: [CoreModule.forRoot({ app: 'bench' }), ApiModule, OrchestratorModule, LogIngestModule] })
  class BenchPlatformModule {}
  const app = await NestFactory.create<NestExpressApplication>(BenchPlatformModule, { bodyParser: false, logger: ['error', 'warn'] });
  configureApi(app, { jsonBodyLimit: '1mb', webhookBodyLimit: '1mb' } as Parameters<typeof configureApi>[1]);
  await app.init();
  await connectIntegrationEvents(app);
  await app.listen(0, '127.0.0.1');
  const url = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  const call = async (token: string, path: string, body?: unknown) => {
    const res = await fetch(`${url}${path}`, { method: body ? 'POST' : 'GET', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: body ? JSON.stringify(body) : undefined });
    if (!res.ok) throw new Error(`${path}: HTTP ${res.status} ${await res.text()}`);
    return res.json() as Promise<Record<string, string>>;
  };
  const team = await call(admin, '/v1/teams', { name: 'Bench' });
  const token = (await call(admin, `/v1/teams/${team.id}/tokens`, { name: 'bench' })).token;
  return {
    url,
    token,
    prisma: app.get(PrismaService),
    runner: app.get(BUILD_RUNNER),
    close: async () => {
      await app.close();
      await scratch?.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function tarGz(dir: string): Promise<Buffer> {
  const staged = mkdtempSync(join(tmpdir(), 'ds-bench-src-'));
  cpSync(dir, staged, { recursive: true, filter: (p) => !/[\\/](node_modules|dist)([\\/]|$)/.test(p.slice(dir.length)) });
  const chunks: Buffer[] = [];
  for await (const c of packDirectory(staged, { prefix: '.' })) chunks.push(c as Buffer);
  rmSync(staged, { recursive: true, force: true });
  return gzipSync(Buffer.concat(chunks));
}

async function createProject(p: Platform, name: string): Promise<string> {
  const res = await fetch(`${p.url}/v1/projects`, { method: 'POST', headers: { authorization: `Bearer ${p.token}`, 'content-type': 'application/json' }, body: JSON.stringify({ name }) });
  return ((await res.json()) as { id: string }).id;
}

interface DeployTiming {
  id: string;
  /** From sending the archive to the READY transition (readyAt; same host clock, so no polling delay is counted). */
  totalMs: number;
  /** Inside it: accepted → claimed, building (fetch + container), storing the artifact. */
  queuedMs: number;
  buildingMs: number;
  uploadingMs: number;
  /** CPU time this process (the platform, and the polling client) used from upload to READY. */
  cpuMs: number;
  /** Waited after READY was seen until the runner had released the build (container and work dir removed): not counted, like the bare side's clean-up. */
  cleanupWaitMs: number;
}

const POLL_MS = 500;
/**
 * Uploads the archive and polls every 500 ms until the deployment is READY. The time is taken from
 * readyAt, so the interval does not change the figure; but each GET costs the in-process platform
 * ≈15 ms of CPU (auth + query on the embedded database), so polling every 100 ms took ≈15 % of a
 * core away from the build it was timing (measured: 50 polls = 0.81 s CPU, idle 5 s = 0.09 s).
 */
async function deploy(p: Platform, projectId: string, archive: Buffer): Promise<DeployTiming> {
  const t0 = Date.now();
  const cpu0 = process.cpuUsage();
  const res = await fetch(`${p.url}/v1/projects/${projectId}/deployments?target=PRODUCTION`, {
    method: 'POST',
    headers: { authorization: `Bearer ${p.token}`, 'content-type': 'application/gzip' },
    body: archive,
  });
  if (res.status !== 202) throw new Error(`upload: HTTP ${res.status} ${await res.text()}`);
  const { id } = (await res.json()) as { id: string };
  for (;;) {
    const d = (await (await fetch(`${p.url}/v1/deployments/${id}`, { headers: { authorization: `Bearer ${p.token}` } })).json()) as Record<string, string | null>;
    if (d.status === 'READY') {
      const cpu = process.cpuUsage(cpu0);
      const totalMs = Date.parse(d.readyAt!) - t0;
      const ms = (a: string | null, b: string | null) => Date.parse(b!) - Date.parse(a!);
      // The pipeline removes the container and its work dir after READY; the next measurement starts once that is done.
      const seen = Date.now();
      while ((await p.runner.listBuilds()).some((b) => b.deploymentId === id) && Date.now() - t0 < 120_000) await new Promise((r) => setTimeout(r, 50));
      return {
        id,
        totalMs,
        queuedMs: ms(d.createdAt, d.buildingAt),
        buildingMs: ms(d.buildingAt, d.uploadingAt),
        uploadingMs: ms(d.uploadingAt, d.readyAt),
        cpuMs: (cpu.user + cpu.system) / 1000,
        cleanupWaitMs: Date.now() - seen,
      };
    }
    if (['FAILED', 'CANCELED', 'TIMED_OUT'].includes(d.status!)) throw new Error(`deployment ${id} ended ${d.status}: ${d.failureCode} ${d.failureMessage}`);
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}

/** The builder's own "(Installing dependencies: 2.345s)" line, from the stored build log. */
async function installSeconds(p: Platform, deploymentId: string): Promise<number | undefined> {
  for (let i = 0; i < 100; i++) {
    const rows = await p.prisma.$queryRaw<Array<{ message: string }>>`
      SELECT message FROM build_log_lines WHERE deployment_id = ${deploymentId} AND message LIKE '%(Installing dependencies:%'`;
    const m = rows[0]?.message.match(/Installing dependencies: ([\d.]+)s/);
    if (m) return Number(m[1]);
    await new Promise((r) => setTimeout(r, 100));
  }
  return undefined;
}

const FIXTURES: Array<[string, string]> = [
  ['vite-app (test/fixtures/sites/vite-app, 14 packages)', join(SITES, 'vite-app')],
  ['react-app (bench/builds/fixtures/react-app, ≈170 packages)', join(__dirname, 'fixtures', 'react-app')],
];

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const sec = (ms: number) => (ms / 1000).toFixed(2);

/** The documented hardened `docker run` of the builder image (docs/builder.md), on a copy of `site`. */
async function bareDockerRun(image: string, site: string, cacheVolume: string): Promise<number> {
  const ws = mkdtempSync(join(tmpdir(), 'ds-bare-'));
  const t0 = performance.now();
  try {
    await run('bash', [
      '-c',
      `set -e; cp -a "$1" "$2/src"; rm -rf "$2/src/node_modules" "$2/src/dist"; chown -R 10001:10001 "$2"
       docker run --rm --init --user 10001 --read-only --tmpfs /tmp:rw,exec,nosuid,nodev,size=512m \
         --security-opt no-new-privileges --cap-drop ALL --memory 2g --memory-swap 2g --cpus 1 --pids-limit 1024 \
         --network deploysphere-builds -v "$2":/workspace -v "$3":/cache "$4" >/dev/null`,
      'bare',
      site,
      ws,
      cacheVolume,
      image,
    ]);
    return performance.now() - t0;
  } finally {
    rmSync(ws, { recursive: true, force: true });
  }
}

async function latency(p: Platform, runs: number): Promise<void> {
  const archive = await tarGz(join(SITES, 'static-site'));
  const projectId = await createProject(p, 'Latency');
  await deploy(p, projectId, archive); // warm-up: first claim, image check, cache volume creation
  const all: DeployTiming[] = [];
  for (let i = 0; i < runs; i++) all.push(await deploy(p, projectId, archive));
  await p.runner.forgetProject(projectId);
  console.log(`\n(a) deploy latency, upload → READY, static site (${archive.length} B archive), docker runner, embedded mode`);
  console.log('run  total_s  queued_s  building_s  storing_s');
  all.forEach((t, i) => console.log(`${i + 1}    ${sec(t.totalMs)}     ${sec(t.queuedMs)}      ${sec(t.buildingMs)}        ${sec(t.uploadingMs)}`));
  console.log(`median total ${sec(median(all.map((t) => t.totalMs)))} s (target < 3 s); building ${sec(median(all.map((t) => t.buildingMs)))} s`);
}

async function overhead(p: Platform, image: string, runs: number, fixtures: Array<[string, string]>): Promise<void> {
  for (const [label, site] of fixtures) {
    const archive = await tarGz(site);
    const projectId = await createProject(p, `Overhead ${label}`);
    const bareCache = `ds-bench-bare-cache-${randomBytes(3).toString('hex')}`;
    await deploy(p, projectId, archive); // warm both dependency caches
    await bareDockerRun(image, site, bareCache);
    const platform: DeployTiming[] = [];
    const bare: number[] = [];
    for (let i = 0; i < runs; i++) {
      // Interleaved, alternating who goes first, so load drift hits both sides alike.
      if (i % 2 === 0) {
        platform.push(await deploy(p, projectId, archive));
        bare.push(await bareDockerRun(image, site, bareCache));
      } else {
        bare.push(await bareDockerRun(image, site, bareCache));
        platform.push(await deploy(p, projectId, archive));
      }
    }
    await run('docker', ['volume', 'rm', bareCache]).catch(() => undefined);
    await p.runner.forgetProject(projectId);
    const pm = median(platform.map((t) => t.totalMs));
    const bm = median(bare);
    console.log(`\n(b) platform overhead: ${label}, warm dependency cache, interleaved`);
    console.log('run  platform_s (upload→READY)  bare_docker_run_s (cp + chown + docker run)');
    platform.forEach((t, i) => console.log(`${i + 1}    ${sec(t.totalMs)}                       ${sec(bare[i])}`));
    console.log(`median platform ${sec(pm)} s, bare ${sec(bm)} s → overhead ${sec(pm - bm)} s = ${(((pm - bm) / bm) * 100).toFixed(1)} % (target < 15 %)`);
    // Each pair ran back to back, so load drift mostly cancels within a pair: the median of the pairs' differences.
    const paired = median(platform.map((t, i) => t.totalMs - bare[i]));
    const ratio = median(platform.map((t, i) => t.totalMs / bare[i] - 1));
    console.log(`paired: median difference ${sec(paired)} s = ${((paired / bm) * 100).toFixed(1)} % of the bare median; median ratio platform/bare − 1 = ${(ratio * 100).toFixed(1)} %`);
    console.log(`platform phases (median): queued ${sec(median(platform.map((t) => t.queuedMs)))} s, building ${sec(median(platform.map((t) => t.buildingMs)))} s, storing ${sec(median(platform.map((t) => t.uploadingMs)))} s`);
    console.log(
      `platform process CPU upload→READY (median): ${sec(median(platform.map((t) => t.cpuMs)))} s; waited for its clean-up after READY (not counted): ${sec(median(platform.map((t) => t.cleanupWaitMs)))} s`,
    );
  }
}

/**
 * The docker runner alone (no platform): its per-build steps from the debug timeline it logs
 * ("docker build started": copied / created / started, "docker build collected": inspected /
 * collected, ms), for the bind-mounted host work dir and for the archive API, alternating, on the
 * static site (warm, nothing to install) and each fixture asked for.
 */
async function workspaceSteps(image: string, runs: number, fixtures: Array<[string, string]>): Promise<void> {
  let timeline: Record<string, number> = {};
  const keep = (m: unknown) => {
    if (m && typeof m === 'object' && 'ms' in m) timeline = { ...timeline, ...(m as { ms: Record<string, number> }).ms };
  };
  const quiet = () => undefined;
  Logger.overrideLogger({ log: quiet, error: console.error, warn: console.warn, verbose: quiet, debug: keep });
  const workDir = mkdtempSync(join(tmpdir(), 'ds-bench-ws-'));
  const runners = {
    bind: new DockerBuildRunner({ image, network: 'deploysphere-builds', logMaxBytes: 4_194_304, workspace: 'bind', workDir }),
    volume: new DockerBuildRunner({ image, network: 'deploysphere-builds', logMaxBytes: 4_194_304, workspace: 'volume', workDir }),
  };
  const projectId = `prj_bench${randomBytes(4).toString('hex')}`;
  try {
    for (const [label, site] of [['static-site', join(SITES, 'static-site')] as [string, string], ...fixtures]) {
      const src = mkdtempSync(join(tmpdir(), 'ds-bench-src-'));
      cpSync(site, src, { recursive: true, filter: (p) => !/[\\/](node_modules|dist)([\\/]|$)/.test(p.slice(site.length)) });
      const rows: Record<'bind' | 'volume', Array<Record<string, number>>> = { bind: [], volume: [] };
      const once = async (mode: 'bind' | 'volume') => {
        const outputDir = mkdtempSync(join(tmpdir(), 'ds-bench-out-'));
        timeline = {};
        const t0 = performance.now();
        const build = await runners[mode].start(
          { deploymentId: newId('dpl'), projectId, sourceDir: src, outputDir, settings: {}, env: {}, limits: { timeoutSeconds: 900, memoryMb: 2048, cpus: 1, pids: 1024, outputMaxBytes: 1 << 30 }, logSeqBase: 1 },
          () => undefined,
        );
        const outcome = await build.outcome;
        const wall = performance.now() - t0;
        await build.dispose();
        rmSync(outputDir, { recursive: true, force: true });
        if (outcome.status !== 'succeeded') throw new Error(`${label} ${mode}: ${outcome.failureCode} ${outcome.failureMessage}`);
        return { ...timeline, wall };
      };
      await once('bind'); // warm the cache volume and the engine
      await once('volume');
      for (let i = 0; i < runs; i++) for (const mode of i % 2 ? (['volume', 'bind'] as const) : (['bind', 'volume'] as const)) rows[mode].push(await once(mode));
      rmSync(src, { recursive: true, force: true });
      const m = (mode: 'bind' | 'volume', key: string) => median(rows[mode].map((r) => r[key] ?? NaN)).toFixed(0).padStart(6);
      console.log(`\n(w) docker runner steps, ${label}, ${runs} builds per mode; medians in ms since start() was called | since the container exited`);
      console.log('   source_in: copied on the host (bind, overlapping the creation) or putArchive after the creation (volume); collected: artifact + build-result.json read back');
      console.log('mode     source_in  created  started  | inspected  collected  | wall');
      for (const mode of ['bind', 'volume'] as const) {
        console.log(`${mode.padEnd(7)}  ${m(mode, 'copied')}     ${m(mode, 'created')}   ${m(mode, 'started')}   | ${m(mode, 'inspectedAndLogsDrained')}     ${m(mode, 'collected')}     | ${m(mode, 'wall')}`);
      }
    }
  } finally {
    await runners.bind.forgetProject(projectId).catch(() => undefined);
    rmSync(workDir, { recursive: true, force: true });
  }
}

async function cache(p: Platform, runs: number, fixtures: Array<[string, string]>): Promise<void> {
  for (const [label, dir] of fixtures) {
    const archive = await tarGz(dir);
    const projectId = await createProject(p, `Cache ${label}`);
    const cold: Array<{ t: DeployTiming; install?: number }> = [];
    const warm: Array<{ t: DeployTiming; install?: number }> = [];
    for (let i = 0; i < runs; i++) {
      await p.runner.forgetProject(projectId); // a fresh, empty cache volume
      const c = await deploy(p, projectId, archive);
      cold.push({ t: c, install: await installSeconds(p, c.id) });
      const w = await deploy(p, projectId, archive); // the volume the cold build just filled
      warm.push({ t: w, install: await installSeconds(p, w.id) });
    }
    await p.runner.forgetProject(projectId);
    const mi = (xs: typeof cold) => median(xs.map((x) => x.install ?? NaN));
    const mb = (xs: typeof cold) => median(xs.map((x) => x.t.buildingMs)) / 1000;
    console.log(`\n(c) dependency cache, ${label}`);
    console.log('run  cold_install_s  warm_install_s  cold_build_s  warm_build_s');
    cold.forEach((c, i) => console.log(`${i + 1}    ${c.install?.toFixed(2)}           ${warm[i].install?.toFixed(2)}           ${sec(c.t.buildingMs)}          ${sec(warm[i].t.buildingMs)}`));
    console.log(
      `median install: cold ${mi(cold).toFixed(2)} s, warm ${mi(warm).toFixed(2)} s → warm = ${((mi(warm) / mi(cold)) * 100).toFixed(0)} % of cold (target ≤ 50 %); ` +
        `whole build phase: cold ${mb(cold).toFixed(2)} s, warm ${mb(warm).toFixed(2)} s → ${((mb(warm) / mb(cold)) * 100).toFixed(0)} %`,
    );
  }
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      runs: { type: 'string', default: '5' },
      image: { type: 'string', default: 'deploysphere/builder:latest' },
      db: { type: 'string', default: 'pglite' },
      fixture: { type: 'string' }, // vite | react: only that one (overhead, cache)
    },
  });
  const fixtures = values.fixture ? FIXTURES.filter(([label]) => label.startsWith(values.fixture!)) : FIXTURES;
  if (fixtures.length === 0) throw new Error('--fixture must be vite or react');
  const runs = Number(values.runs);
  if (values.db !== 'pglite' && values.db !== 'postgres') throw new Error('--db must be pglite or postgres');
  if (positionals.length === 1 && positionals[0] === 'workspace') return workspaceSteps(values.image!, runs, values.fixture ? fixtures : []);
  const p = await startPlatform(values.image!, values.db);
  const workspace = p.runner instanceof DockerBuildRunner ? await p.runner.workspaceMode() : 'n/a';
  console.log(`database: ${values.db === 'pglite' ? 'embedded PGlite' : 'PostgreSQL'}; docker workspace: ${workspace} (BUILD_DOCKER_WORKSPACE=${process.env.BUILD_DOCKER_WORKSPACE})`);
  try {
    for (const mode of positionals.length ? positionals : ['latency', 'overhead', 'cache']) {
      if (mode === 'latency') await latency(p, runs);
      else if (mode === 'overhead') await overhead(p, values.image!, runs, fixtures);
      else if (mode === 'cache') await cache(p, runs, fixtures);
      else if (mode === 'trace') {
        const projectId = await createProject(p, 'Trace');
        const archive = await tarGz(FIXTURES[0][1]);
        await deploy(p, projectId, archive);
        const t = await deploy(p, projectId, archive);
        const d = await p.prisma.deployment.findUniqueOrThrow({ where: { id: t.id } });
        await new Promise((r) => setTimeout(r, 1000));
        const lines = await p.prisma.buildLogLine.findMany({ where: { deploymentId: t.id }, orderBy: { seq: 'asc' } });
        for (const l of lines) if (l.stream === 'system' || l.message.startsWith('==>') || l.message.includes('(')) console.log(((l.ts.getTime() - d.buildingAt!.getTime()) / 1000).toFixed(3), l.message.slice(0, 90));
        console.log('created', d.createdAt.toISOString(), 'building', d.buildingAt!.toISOString(), 'uploading', d.uploadingAt!.toISOString(), 'ready', d.readyAt!.toISOString(), JSON.stringify(t));
      }
      else throw new Error(`unknown mode ${mode}`);
    }
  } finally {
    await p.close();
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
