import { request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { SOURCE_OPTIONS, type SourceOptions } from '@deploysphere/source';
import { ARTIFACT_STORE, type ArtifactStore } from '@deploysphere/storage';
import { testDatabaseKinds } from '@deploysphere/testing';
import { SITE, tarGzOf } from '../../support/archives';
import { createTeamWithToken, startTestPlatform, type TestPlatform } from '../../support/test-platform';

const PROBLEM = /application\/problem\+json/;
const GZIP = 'application/gzip';

async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** POSTs `chunks` with chunked transfer encoding (no Content-Length), as a streaming client does. */
/** POSTs the chunks one by one (chunked transfer); a function among them runs between two chunks. */
async function postChunked(
  server: Server,
  path: string,
  token: string,
  chunks: Array<Buffer | (() => Promise<void>)>,
): Promise<{ status: number; body: Record<string, unknown> }> {
  if (!server.listening) await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': GZIP } }, async (res) => {
      const text = (await readAll(res)).toString('utf8');
      resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as Record<string, unknown> });
    });
    req.on('error', reject);
    (async () => {
      for (const chunk of chunks) {
        if (req.destroyed) return;
        if (typeof chunk === 'function') await chunk();
        else if (!req.write(chunk)) await new Promise((r) => req.once('drain', r));
      }
      req.end();
    })().catch(reject);
  });
}

/**
 * POSTs `part` of an archive, then sends nothing more. Resolves with the answer, and whether the
 * server closed the connection after it; rejects after `boundMs` without either.
 */
async function postStalled(
  server: Server,
  path: string,
  token: string,
  part: Buffer,
  declaredBytes: number | undefined,
  boundMs = 30_000,
): Promise<{ status: number; connection?: string; body: Record<string, unknown>; closed: boolean }> {
  if (!server.listening) await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const headers: Record<string, string | number> = { Authorization: `Bearer ${token}`, 'Content-Type': GZIP };
  if (declaredBytes !== undefined) headers['Content-Length'] = declaredBytes;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      req.destroy();
      reject(new Error(`the stalled upload got no answer within ${boundMs} ms`));
    }, boundMs);
    const req = httpRequest({ host: '127.0.0.1', port, path, method: 'POST', headers, agent: false }, async (res) => {
      const text = (await readAll(res)).toString('utf8');
      const closed = req.socket?.destroyed || (await new Promise<boolean>((r) => req.socket?.once('close', () => r(true)) ?? r(true)));
      clearTimeout(timer);
      resolve({ status: res.statusCode ?? 0, connection: res.headers.connection, body: JSON.parse(text) as Record<string, unknown>, closed });
    });
    // The server ends the connection while this request is still unfinished.
    req.on('error', () => undefined);
    req.write(part);
  });
}

describe.each(testDatabaseKinds())('source upload on %s', (kind) => {
  let platform: TestPlatform;
  let alice: { teamId: string; token: string };
  let bob: { teamId: string; token: string };
  let projectId: string;
  let sourcesDir: string;

  beforeAll(async () => {
    platform = await startTestPlatform(kind, {
      UPLOAD_MAX_COMPRESSED_BYTES: String(256 * 1024),
      UPLOAD_MAX_FILES: '100',
      BUILD_RUNNER: 'process',
    });
    sourcesDir = join(process.env.DEPLOYSPHERE_DATA_DIR!, 'artifacts', 'sources');
    alice = await createTeamWithToken(platform, 'Uploaders');
    bob = await createTeamWithToken(platform, 'Others');
    projectId = (await platform.as(alice.token).post('/v1/projects').send({ name: 'Uploaded Site' }).expect(201)).body.id;
  }, 120_000);

  afterAll(async () => {
    await platform?.close();
  });

  const stored = () => (existsSync(sourcesDir) ? readdirSync(sourcesDir).sort() : []);
  const upload = (body: Buffer, query = '', token = alice.token, project = projectId) =>
    platform.as(token).post(`/v1/projects/${project}/deployments${query}`).set('Content-Type', GZIP).send(body);
  const deploymentCount = () => platform.prisma.deployment.count({ where: { projectId } });

  it('streams a valid archive into the store and queues the deployment with its outbox event', async () => {
    const archive = await tarGzOf(SITE);
    const res = await upload(archive, '?target=PREVIEW').expect(202);
    expect(res.body).toMatchObject({ projectId, status: 'QUEUED', source: 'UPLOAD', target: 'PREVIEW', gitRef: null });
    const id = res.body.id as string;

    const row = await platform.prisma.deployment.findUniqueOrThrow({ where: { id } });
    expect(row).toMatchObject({ source: 'UPLOAD', sourceKey: `${id}.tar.gz`, createdByTokenId: expect.any(String) });
    const event = await platform.prisma.outboxMessage.findFirst({ where: { key: id, type: 'DeploymentRequested.v1' } });
    expect(event?.payload).toMatchObject({ payload: { deploymentId: id, projectId, teamId: alice.teamId, source: 'UPLOAD', target: 'PREVIEW' } });

    const object = await platform.app.get<ArtifactStore>(ARTIFACT_STORE).getObject(`${id}.tar.gz`);
    expect(object).toBeDefined();
    expect((await readAll(object!.stream)).equals(archive)).toBe(true);
  });

  it('accepts a chunked upload without Content-Length and defaults to PRODUCTION', async () => {
    const archive = await tarGzOf(SITE);
    const res = await postChunked(platform.app.getHttpServer(), `/v1/projects/${projectId}/deployments`, alice.token, [archive.subarray(0, 50), archive.subarray(50)]);
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ source: 'UPLOAD', target: 'PRODUCTION', status: 'QUEUED' });
    expect(stored()).toContain(`${res.body.id}.tar.gz`);
  });

  it('a project deleted while its archive is being read: 404, nothing stored or queued', async () => {
    const doomed = (await platform.as(alice.token).post('/v1/projects').send({ name: 'Deleted Mid-Upload' }).expect(201)).body.id as string;
    const archive = await tarGzOf(SITE);
    const before = stored();
    const res = await postChunked(platform.app.getHttpServer(), `/v1/projects/${doomed}/deployments`, alice.token, [
      archive.subarray(0, 50),
      async () => {
        // The handler's first check has passed once the archive is being spooled.
        const { spoolDir } = platform.app.get<SourceOptions>(SOURCE_OPTIONS);
        for (const deadline = Date.now() + 20_000; !existsSync(spoolDir) || readdirSync(spoolDir).length === 0; ) {
          if (Date.now() > deadline) throw new Error('the upload never started to be read');
          await new Promise((r) => setTimeout(r, 10));
        }
        await platform.as(alice.token).delete(`/v1/projects/${doomed}`).expect(204);
      },
      archive.subarray(50),
    ]);
    expect(res).toMatchObject({ status: 404, body: { code: 'PROJECT_NOT_FOUND' } });
    expect(stored()).toEqual(before);
    expect(await platform.prisma.deployment.count({ where: { projectId: doomed } })).toBe(0);
    expect(await platform.prisma.outboxMessage.count({ where: { type: 'DeploymentRequested.v1', payload: { path: ['payload', 'projectId'], equals: doomed } } })).toBe(0);
  });

  it.each([
    ['an entry climbing out of the tree', [{ name: '../../etc/cron.d/x', content: 'x' }], 400, 'ARCHIVE_UNSAFE_PATH'],
    ['an absolute path', [{ name: '/etc/passwd', content: 'x' }], 400, 'ARCHIVE_UNSAFE_PATH'],
    ['a symlink out of the tree', [{ name: 'index.html', content: 'x' }, { name: 'l', type: 'symlink' as const, linkname: '/etc/shadow' }], 400, 'ARCHIVE_UNSAFE_LINK'],
    ['a device file', [{ name: 'null', type: 'character-device' as const, devmajor: 1, devminor: 3 }], 400, 'ARCHIVE_UNSUPPORTED_ENTRY'],
    ['too many files', Array.from({ length: 101 }, (_, i) => ({ name: `f${i}`, content: 'x' })), 413, 'ARCHIVE_TOO_MANY_FILES'],
  ])('refuses %s with a problem and stores nothing', async (_what, entries, status, code) => {
    const before = { stored: stored(), deployments: await deploymentCount() };
    const res = await upload(await tarGzOf(entries)).expect(status);
    expect(res.headers['content-type']).toMatch(PROBLEM);
    expect(res.body).toMatchObject({ status, code, instance: `/v1/projects/${projectId}/deployments` });
    expect(stored()).toEqual(before.stored);
    expect(await deploymentCount()).toBe(before.deployments);
  });

  it('refuses corrupt data with ARCHIVE_CORRUPT', async () => {
    expect((await upload(randomBytes(2048)).expect(400)).body.code).toBe('ARCHIVE_CORRUPT');
    const archive = await tarGzOf(SITE);
    expect((await upload(archive.subarray(0, archive.length - 30)).expect(400)).body.code).toBe('ARCHIVE_CORRUPT');
  });

  it('refuses an archive over the size limit, declared or streamed', async () => {
    const before = stored();
    const big = await tarGzOf([{ name: 'noise.bin', content: randomBytes(300 * 1024) }]);
    expect((await upload(big).expect(413)).body.code).toBe('ARCHIVE_TOO_LARGE');
    const chunks = Array.from({ length: 20 }, (_, i) => big.subarray(i * 16 * 1024, (i + 1) * 16 * 1024)).filter((c) => c.length > 0);
    const streamed = await postChunked(platform.app.getHttpServer(), `/v1/projects/${projectId}/deployments`, alice.token, chunks);
    expect(streamed).toMatchObject({ status: 413, body: { code: 'ARCHIVE_TOO_LARGE' } });
    expect(stored()).toEqual(before);
    // The connection is still usable afterwards.
    await platform.as(alice.token).get(`/v1/projects/${projectId}`).expect(200);
  });

  it('answers an upload that stalls mid-archive 408 BODY_TIMEOUT within the idle timeout, closes the connection, keeps nothing', async () => {
    const options = platform.app.get<SourceOptions>(SOURCE_OPTIONS);
    const idleTimeoutMs = options.idleTimeoutMs;
    // The default (10 s) works the same; a short one keeps the test short.
    options.idleTimeoutMs = 1_500;
    try {
      const archive = await tarGzOf([{ name: 'index.html', content: randomBytes(96 * 1024).toString('base64') }]);
      const before = { stored: stored(), deployments: await deploymentCount() };
      for (const declared of [archive.length, undefined]) {
        const started = Date.now();
        const res = await postStalled(platform.app.getHttpServer(), `/v1/projects/${projectId}/deployments`, alice.token, archive.subarray(0, archive.length >> 1), declared);
        const elapsedMs = Date.now() - started;
        expect(res).toMatchObject({ status: 408, connection: 'close', closed: true, body: { status: 408, code: 'BODY_TIMEOUT', instance: `/v1/projects/${projectId}/deployments` } });
        expect(elapsedMs).toBeGreaterThanOrEqual(1_400);
      }
      expect(stored()).toEqual(before.stored);
      expect(await deploymentCount()).toBe(before.deployments);
      expect(existsSync(options.spoolDir) ? readdirSync(options.spoolDir) : []).toEqual([]);

      // An upload that takes longer than the idle timeout but keeps sending is not cut.
      const site = await tarGzOf(SITE);
      const pause = () => new Promise<void>((r) => setTimeout(r, 300));
      const pieces = Array.from({ length: 7 }, (_, i) => site.subarray(Math.floor((i * site.length) / 7), Math.floor(((i + 1) * site.length) / 7)));
      const started = Date.now();
      const slow = await postChunked(platform.app.getHttpServer(), `/v1/projects/${projectId}/deployments`, alice.token, pieces.flatMap((p) => [pause, p]));
      expect(slow.status).toBe(202);
      expect(Date.now() - started).toBeGreaterThan(1_500);
    } finally {
      options.idleTimeoutMs = idleTimeoutMs;
    }
  });

  it('answers 404 for an unknown or another team\'s project, and 403 to a read-only token', async () => {
    const archive = await tarGzOf(SITE);
    expect((await upload(archive, '', alice.token, 'prj_00000000000000000000000000').expect(404)).body.code).toBe('PROJECT_NOT_FOUND');
    expect((await upload(archive, '', bob.token).expect(404)).body.code).toBe('PROJECT_NOT_FOUND');
    const reader = await platform.as(alice.token).post('/v1/tokens').send({ name: 'reader', scopes: ['read'] }).expect(201);
    expect((await upload(archive, '', reader.body.token).expect(403)).body.code).toBe('INSUFFICIENT_SCOPE');
  });

  it('refuses a compressed transfer encoding, other media types and an unknown target', async () => {
    const archive = await tarGzOf(SITE);
    expect((await upload(archive).set('Content-Encoding', 'gzip').expect(415)).body.code).toBe('UNSUPPORTED_CONTENT_ENCODING');
    await platform.as(alice.token).post(`/v1/projects/${projectId}/deployments`).set('Content-Type', 'application/zip').send(archive).expect(415);
    expect((await upload(archive, '?target=STAGING').expect(422)).body.errors[0].field).toBe('target');
  });

  it('still deploys from git with a JSON body, whose target may also come from the query', async () => {
    const gitProject = (await platform.as(alice.token).post('/v1/projects').send({ name: 'Git Site', gitRepositoryUrl: 'http://127.0.0.1:9/a.git' }).expect(201)).body;
    const res = await platform.as(alice.token).post(`/v1/projects/${gitProject.id}/deployments?target=PREVIEW`).send({ gitRef: 'develop' }).expect(202);
    expect(res.body).toMatchObject({ source: 'GIT', gitRef: 'develop', target: 'PREVIEW' });
    const conflict = await platform.as(alice.token).post(`/v1/projects/${gitProject.id}/deployments?target=PREVIEW`).send({ target: 'PRODUCTION' }).expect(422);
    expect(conflict.body.errors[0]).toMatchObject({ field: 'target', code: 'conflict' });
  });

  it('documents both request bodies in the OpenAPI document', async () => {
    const doc = (await platform.anonymous().get('/openapi.json').expect(200)).body;
    const op = doc.paths['/v1/projects/{projectId}/deployments'].post;
    expect(Object.keys(op.requestBody.content).sort()).toEqual(['application/gzip', 'application/json']);
    expect(op.requestBody.content['application/gzip'].schema).toMatchObject({ type: 'string', format: 'binary' });
    expect(op.requestBody.content['application/json'].schema.$ref).toMatch(/RequestDeploymentRequestDto/);
    expect(op.parameters.map((p: { name: string }) => p.name)).toContain('target');
  });
});
