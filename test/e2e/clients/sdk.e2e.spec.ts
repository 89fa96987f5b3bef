import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DeploySphere, DeploySphereError, type LogLine } from '@deploysphere/sdk';
import { FIXTURE_SITES, REPO_ROOT } from '../../support/builds';
import { startPlatformProcess, type PlatformProcess } from '../../support/platform-process';
import { siteWhenServed } from '../../support/site-urls';

jest.setTimeout(300_000);

const LINES = 250;
const BUILD_COMMAND = `for i in $(seq 1 ${LINES}); do echo "step $i of ${LINES}"; done; mkdir -p out && cp index.html out/`;

/**
 * The committed OpenAPI document is what the running code serves, the committed TypeScript
 * schema is what the generator makes of it, and the SDK drives the built platform end to end.
 */
describe('OpenAPI document and the TypeScript SDK against the embedded platform', () => {
  let platform: PlatformProcess;
  let ds: DeploySphere;

  beforeAll(async () => {
    platform = await startPlatformProcess({ BUILD_RUNNER: 'process' });
    ds = new DeploySphere({ apiUrl: platform.apiUrl, token: await platform.createTeamToken('SDK users'), gatewayUrl: platform.gatewayUrl });
  }, 360_000);
  afterAll(() => platform?.stop());

  it('openapi.json as committed equals the document the running API serves (regenerate: npm run generate)', async () => {
    const served = await (await fetch(`${platform.apiUrl}/openapi.json`)).json();
    expect(JSON.parse(readFileSync(join(REPO_ROOT, 'openapi.json'), 'utf8'))).toEqual(served);
    // `npm run build` rewrites the file before the tests run: the committed one must equal it too.
    const committed = await promisify(execFile)('git', ['show', 'HEAD:openapi.json'], { cwd: REPO_ROOT, maxBuffer: 64 * 1024 * 1024 });
    expect(JSON.parse(committed.stdout)).toEqual(served);
  });

  // Asynchronously: a blocked event loop would miss the API closing idle keep-alive sockets.
  it('packages/sdk/src/generated/schema.ts is what openapi-typescript makes of openapi.json', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sdk-schema-'));
    try {
      const out = join(dir, 'schema.ts');
      await promisify(execFile)(process.execPath, [join(REPO_ROOT, 'node_modules/openapi-typescript/bin/cli.js'), 'openapi.json', '--default-non-nullable', 'false', '--output', out], { cwd: REPO_ROOT });
      expect(readFileSync(join(REPO_ROOT, 'packages/sdk/src/generated/schema.ts'), 'utf8')).toBe(readFileSync(out, 'utf8'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('creates a project, uploads a folder, follows the live log to READY, reads the log page by page and resumes from a seq', async () => {
    const project = await ds.projects.create({ name: 'SDK Site', buildCommand: BUILD_COMMAND, outputDirectory: 'out' });
    const progress: number[] = [];
    const deployment = await ds.deployments.upload(project.id, join(FIXTURE_SITES, 'static-site'), { target: 'PRODUCTION', onProgress: (p) => progress.push(p.bytesOut) });
    expect(deployment).toMatchObject({ projectId: project.id, status: 'QUEUED', source: 'UPLOAD', target: 'PRODUCTION' });
    expect(progress.length).toBeGreaterThan(0);

    const live: LogLine[] = [];
    const statuses: string[] = [];
    let ended: { status: string; lastSeq: number } | undefined;
    for await (const line of ds.logs.follow(deployment.id, { onStatus: (s) => statuses.push(s.to), onEnd: (e) => (ended = e) })) live.push(line);
    expect(live.map((l) => l.seq)).toEqual(live.map((_, i) => i + 1));
    expect(live.filter((l) => /^step \d+ of/.test(l.message))).toHaveLength(LINES);
    expect(ended).toEqual({ deploymentId: deployment.id, status: 'READY', lastSeq: live.length });

    const done = await ds.deployments.waitUntilDone(deployment.id, { intervalMs: 200 });
    expect(done.status).toBe('READY');
    expect((await ds.projects.get(project.id)).liveDeploymentId).toBe(deployment.id);

    const first = await ds.logs.page(deployment.id, { limit: 100 });
    expect(first.items).toHaveLength(100);
    expect(first.nextCursor).toEqual(expect.any(String));
    const stored: number[] = [];
    for await (const line of ds.logs.all(deployment.id, { limit: 100 })) stored.push(line.seq);
    expect(stored).toEqual(live.map((l) => l.seq));

    const resumed: number[] = [];
    for await (const line of ds.logs.follow(deployment.id, { fromSeq: 200 })) resumed.push(line.seq);
    expect(resumed[0]).toBe(200);
    expect(resumed.at(-1)).toBe(live.length);

    const all: string[] = [];
    for await (const p of ds.projects.all()) all.push(p.id);
    expect(all).toContain(project.id);
  });

  it("returns each READY deployment's preview URL and the project's production URL, and each answers through the edge with its deployment's content", async () => {
    const project = await ds.projects.create({ name: 'SDK URLs' });
    expect(project).toMatchObject({ slug: 'sdk-urls', url: null, domainUrls: [] });

    const queued = await ds.deployments.upload(project.id, join(FIXTURE_SITES, 'static-site'), { target: 'PRODUCTION' });
    expect(queued).toMatchObject({ status: 'QUEUED', url: null });
    const production = await ds.deployments.waitUntilDone(queued.id, { intervalMs: 200 });
    expect(production.status).toBe('READY');
    expect(production.url).toBe(`http://${production.id.slice('dpl_'.length)}-sdk-urls.localhost:${platform.edgePort}`);
    const live = await ds.projects.get(project.id);
    expect(live).toMatchObject({ liveDeploymentId: production.id, url: `http://sdk-urls.localhost:${platform.edgePort}`, domainUrls: [] });

    const changed = mkdtempSync(join(tmpdir(), 'sdk-urls-'));
    try {
      cpSync(join(FIXTURE_SITES, 'static-site'), changed, { recursive: true });
      writeFileSync(join(changed, 'index.html'), '<!doctype html><title>next</title><p>the preview</p>\n');
      const preview = await ds.deployments.waitUntilDone((await ds.deployments.upload(project.id, changed, { target: 'PREVIEW' })).id, { intervalMs: 200 });
      expect(preview.status).toBe('READY');
      expect(preview.url).toMatch(new RegExp(`^http://${preview.id.slice(4)}-sdk-urls\\.localhost:${platform.edgePort}$`));

      const original = readFileSync(join(FIXTURE_SITES, 'static-site/index.html'), 'utf8');
      expect(await siteWhenServed(production.url!)).toEqual({ status: 200, body: original });
      expect(await siteWhenServed(live.url!)).toEqual({ status: 200, body: original });
      expect(await siteWhenServed(preview.url!)).toEqual({ status: 200, body: '<!doctype html><title>next</title><p>the preview</p>\n' });

      // Lists carry the same URLs; the preview left production where it was.
      expect((await ds.deployments.list(project.id)).items.map((d) => [d.id, d.url])).toEqual([[preview.id, preview.url], [production.id, production.url]]);
      expect((await ds.projects.get(project.id)).url).toBe(live.url);
    } finally {
      rmSync(changed, { recursive: true, force: true });
    }
  });

  it('a 404 and a 422 surface as DeploySphereError with the problem code and the invalid fields', async () => {
    const missing = await ds.deployments.get('dpl_00000000000000000000000000').catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(DeploySphereError);
    expect(missing).toMatchObject({ status: 404, code: 'DEPLOYMENT_NOT_FOUND' });

    const invalid = await ds.projects.create({ name: '' }).catch((e: unknown) => e);
    expect(invalid).toBeInstanceOf(DeploySphereError);
    expect(invalid).toMatchObject({ status: 422, code: 'VALIDATION_FAILED', errors: [expect.objectContaining({ field: 'name' })] });
  });
});
