import { createHash, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { ConflictError, NotFoundError } from '@deploysphere/common';
import {
  ManifestValidationError,
  RangeNotSatisfiableError,
  type ArtifactManifest,
  type ObjectBody,
  type ContentAddressedArtifactStore,
} from '@deploysphere/storage';

/** What the shared suite needs from one adapter under test. */
export interface StoreHarness {
  /** Typed as the shared base so the suite can check the extra result fields (uploadedBlobs, skipped). */
  store: ContentAddressedArtifactStore;
  /** Writes raw bytes at a layout key (e.g. `deployments/x/manifest.json`), bypassing the store. */
  writeRaw(key: string, body: string): Promise<void>;
  /** Every key the store holds, relative to its root/prefix. */
  listKeys(): Promise<string[]>;
  /** The S3 ETag of a key (multipart ETags end in `-<parts>`); undefined where not applicable. */
  etag?(key: string): Promise<string | undefined>;
  close?(): void | Promise<void>;
}

export const sha256 = (data: Buffer | string): string => createHash('sha256').update(data).digest('hex');
const bytes = async (body: ObjectBody): Promise<Buffer> => {
  const chunks: Buffer[] = [];
  for await (const chunk of body.stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
};

let counter = 0;
// Unique per run so a shared moto bucket or a reused data dir never answers from an old run.
const newDeploymentId = () => `dpl_${process.pid}${Date.now().toString(36)}${(counter++).toString(36)}`;

async function makeSite(files: Record<string, string | Buffer>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'ds-site-'));
  for (const [path, content] of Object.entries(files)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), content);
  }
  return dir;
}

const SITE = {
  'index.html': '<!doctype html><title>hello</title>',
  'assets/app.js': 'console.log("app")',
  'assets/app.css': 'body{color:red}',
  'copy-of-app.js': 'console.log("app")', // same content as assets/app.js: one blob
  'img/logo.png': Buffer.from([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]),
  LICENSE: 'MIT',
};

/** The behaviour every ArtifactStore adapter must have; `timings` collects what was measured. */
export function describeArtifactStore(name: string, setup: () => Promise<StoreHarness>, timings: string[] = []): void {
  describe(`ArtifactStore behaviour: ${name}`, () => {
    let h: StoreHarness;
    const dirs: string[] = [];
    const site = async (files: Record<string, string | Buffer>) => {
      const dir = await makeSite(files);
      dirs.push(dir);
      return dir;
    };

    beforeAll(async () => {
      h = await setup();
    });
    afterAll(async () => {
      await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
      await h?.close?.();
    });

    it('is ready', async () => {
      await expect(h.store.isReady()).resolves.toBe(true);
    });

    it('stores a deployment and reads the same manifest back', async () => {
      const id = newDeploymentId();
      const result = await h.store.putDeployment(id, await site(SITE));
      expect(result.manifestKey).toBe(`deployments/${id}/manifest.json`);
      const m = result.manifest;
      expect(m).toMatchObject({ version: 1, deploymentId: id });
      expect(m.files.map((f) => f.path)).toEqual(['LICENSE', 'assets/app.css', 'assets/app.js', 'copy-of-app.js', 'img/logo.png', 'index.html']);
      const byPath = Object.fromEntries(m.files.map((f) => [f.path, f]));
      expect(byPath['index.html'].contentType).toBe('text/html; charset=utf-8');
      expect(byPath['assets/app.js'].contentType).toBe('text/javascript; charset=utf-8');
      expect(byPath['assets/app.css'].contentType).toBe('text/css; charset=utf-8');
      expect(byPath['img/logo.png'].contentType).toBe('image/png');
      expect(byPath.LICENSE.contentType).toBe('application/octet-stream');
      expect(byPath['index.html']).toMatchObject({ size: SITE['index.html'].length, sha256: sha256(SITE['index.html']) });
      // Two files with one content are one blob.
      expect(byPath['copy-of-app.js'].sha256).toBe(byPath['assets/app.js'].sha256);
      expect(result.uploadedBlobs + result.reusedBlobs).toBe(5);

      expect(await h.store.getManifest(id)).toEqual(m);
      const blob = await h.store.getBlob(byPath['index.html'].sha256);
      expect(blob.size).toBe(SITE['index.html'].length);
      expect((await bytes(blob)).toString()).toBe(SITE['index.html']);
    });

    it('uploads only the changed blob for a second deployment (content-addressed dedupe)', async () => {
      const unique = randomBytes(8).toString('hex'); // fresh content, so the first upload is all new
      const files = { 'index.html': `<h1>${unique}</h1>`, 'a.js': `a${unique}`, 'b.css': `b${unique}` };
      const first = await h.store.putDeployment(newDeploymentId(), await site(files));
      expect(first).toMatchObject({ uploadedBlobs: 3, reusedBlobs: 0 });

      const changed = `<h1>${unique} v2</h1>`;
      const second = await h.store.putDeployment(newDeploymentId(), await site({ ...files, 'index.html': changed }));
      expect(second).toMatchObject({ uploadedBlobs: 1, reusedBlobs: 2, uploadedBytes: changed.length });
    });

    it('answers a retry with the stored manifest and refuses different output under the same id', async () => {
      const id = newDeploymentId();
      const dir = await site({ 'index.html': `retry ${id}` });
      const first = await h.store.putDeployment(id, dir);
      const retry = await h.store.putDeployment(id, dir);
      expect(retry).toMatchObject({ uploadedBytes: 0, uploadedBlobs: 0, manifest: first.manifest });
      await expect(h.store.putDeployment(id, await site({ 'index.html': 'something else' }))).rejects.toBeInstanceOf(ConflictError);
      expect(await h.store.getManifest(id)).toEqual(first.manifest);
    });

    it('publishes symlinks inside the directory and skips those that escape it', async () => {
      const outside = await site({ 'secret.txt': 'do not publish' });
      const dir = await site({ 'index.html': 'home', 'docs/page.html': 'page' });
      await symlink(join(outside, 'secret.txt'), join(dir, 'leak.txt'));
      await symlink('/etc/passwd', join(dir, 'passwd'));
      await symlink('docs/page.html', join(dir, 'alias.html'));
      const result = await h.store.putDeployment(newDeploymentId(), dir);
      expect(result.manifest.files.map((f) => f.path)).toEqual(['alias.html', 'docs/page.html', 'index.html']);
      expect(result.skipped).toEqual(
        expect.arrayContaining([
          { path: 'leak.txt', reason: 'symlink-outside' },
          { path: 'passwd', reason: 'symlink-outside' },
        ]),
      );
    });

    it('serves inclusive byte ranges, clamps the end, refuses a start past the end', async () => {
      const content = '0123456789abcdef';
      const { manifest } = await h.store.putDeployment(newDeploymentId(), await site({ 'r.txt': content }));
      const sha = manifest.files[0].sha256;
      const read = async (start: number, end: number) => {
        const body = await h.store.getBlob(sha, { start, end });
        return { size: body.size, text: (await bytes(body)).toString() };
      };
      expect(await read(0, 0)).toEqual({ size: 1, text: '0' });
      expect(await read(3, 7)).toEqual({ size: 5, text: '34567' });
      expect(await read(10, 1000)).toEqual({ size: 6, text: 'abcdef' });
      await expect(h.store.getBlob(sha, { start: 16, end: 20 })).rejects.toBeInstanceOf(RangeNotSatisfiableError);
      await expect(h.store.getBlob(sha, { start: 5, end: 2 })).rejects.toThrow(TypeError);
    });

    it('stores empty files and answers a range on them as unsatisfiable', async () => {
      const { manifest } = await h.store.putDeployment(newDeploymentId(), await site({ 'empty.txt': '', 'index.html': 'x' }));
      const empty = manifest.files.find((f) => f.path === 'empty.txt')!;
      expect(empty).toMatchObject({ size: 0, sha256: sha256('') });
      const body = await h.store.getBlob(empty.sha256);
      expect(body.size).toBe(0);
      expect((await bytes(body)).length).toBe(0);
      await expect(h.store.getBlob(empty.sha256, { start: 0, end: 0 })).rejects.toBeInstanceOf(RangeNotSatisfiableError);
      const key = `${newDeploymentId()}/empty`;
      await expect(h.store.putObject(key, Readable.from([]))).resolves.toEqual({ size: 0 });
      expect((await h.store.getObject(key))!.size).toBe(0);
    });

    it('stores a 12 MB file (multipart on S3) and reads it back intact', async () => {
      const big = randomBytes(12 * 1024 * 1024);
      const dir = await site({ 'video.bin': big, 'index.html': 'x' });
      const t0 = performance.now();
      const { manifest, uploadedBytes } = await h.store.putDeployment(newDeploymentId(), dir);
      timings.push(`${name}: 12 MB file upload ${(performance.now() - t0).toFixed(0)} ms`);
      const entry = manifest.files.find((f) => f.path === 'video.bin')!;
      expect(entry).toMatchObject({ size: big.length, sha256: sha256(big) });
      expect(uploadedBytes).toBeGreaterThanOrEqual(big.length);
      const back = await bytes(await h.store.getBlob(entry.sha256));
      expect(sha256(back)).toBe(entry.sha256);
      const tail = await h.store.getBlob(entry.sha256, { start: big.length - 10, end: big.length - 1 });
      expect((await bytes(tail)).equals(big.subarray(big.length - 10))).toBe(true);
      const etag = await h.etag?.(`blobs/${entry.sha256}`);
      if (etag !== undefined) expect(etag).toMatch(/-\d+"?$/); // S3 marks multipart objects in the ETag
    });

    it('answers undefined for a missing manifest and NotFound for a missing blob', async () => {
      await expect(h.store.getManifest(newDeploymentId())).resolves.toBeUndefined();
      await expect(h.store.getManifest('../../etc')).resolves.toBeUndefined();
      await expect(h.store.getBlob('0'.repeat(64))).rejects.toBeInstanceOf(NotFoundError);
      await expect(h.store.getBlob('../manifest')).rejects.toThrow(TypeError);
    });

    describe('rejects a hostile manifest found in storage', () => {
      const good = (id: string): ArtifactManifest => ({
        version: 1,
        deploymentId: id,
        createdAt: new Date().toISOString(),
        files: [{ path: 'index.html', size: 1, sha256: 'a'.repeat(64), contentType: 'text/html' }],
      });
      const cases: Array<[string, (m: ArtifactManifest) => unknown]> = [
        ['a `..` path', (m) => ({ ...m, files: [{ ...m.files[0], path: '../../other/manifest.json' }] })],
        ['an absolute path', (m) => ({ ...m, files: [{ ...m.files[0], path: '/etc/passwd' }] })],
        ['a backslash path', (m) => ({ ...m, files: [{ ...m.files[0], path: '..\\..\\x' }] })],
        ['a NUL in a path', (m) => ({ ...m, files: [{ ...m.files[0], path: 'a\u0000b' }] })],
        ['a digest that is a path', (m) => ({ ...m, files: [{ ...m.files[0], sha256: '../deployments/x/manifest.json' }] })],
        ['a header-injecting content type', (m) => ({ ...m, files: [{ ...m.files[0], contentType: 'text/html\r\nSet-Cookie: a=b' }] })],
        ["another deployment's id", (m) => ({ ...m, deploymentId: 'dpl_someoneelse' })],
      ];
      it.each(cases)('%s', async (_label, corrupt) => {
        const id = newDeploymentId();
        expect(await h.store.getManifest(id)).toBeUndefined();
        await h.writeRaw(`deployments/${id}/manifest.json`, JSON.stringify(good(id)));
        await expect(h.store.getManifest(id)).resolves.toBeDefined(); // the baseline is accepted
        await h.writeRaw(`deployments/${id}/manifest.json`, JSON.stringify(corrupt(good(id))));
        await expect(h.store.getManifest(id)).rejects.toBeInstanceOf(ManifestValidationError);
      });
      it('that is not JSON', async () => {
        const id = newDeploymentId();
        await h.writeRaw(`deployments/${id}/manifest.json`, '{"version":1,');
        await expect(h.store.getManifest(id)).rejects.toBeInstanceOf(ManifestValidationError);
      });
    });

    it('stores, reads and deletes source objects under sources/', async () => {
      const key = `${newDeploymentId()}/source.tar.gz`;
      const payload = randomBytes(100_000);
      await expect(h.store.putObject(key, Readable.from([payload.subarray(0, 1000), payload.subarray(1000)]))).resolves.toEqual({ size: payload.length });
      expect(await h.listKeys()).toContain(`sources/${key}`);
      const body = (await h.store.getObject(key))!;
      expect(body.size).toBe(payload.length);
      expect((await bytes(body)).equals(payload)).toBe(true);
      await h.store.deleteObject(key);
      await expect(h.store.getObject(key)).resolves.toBeUndefined();
      await expect(h.store.deleteObject(key)).resolves.toBeUndefined(); // idempotent
      await expect(h.store.putObject('../escape', Readable.from(['x']))).rejects.toThrow(TypeError);
      await expect(h.store.getObject('/etc/passwd')).rejects.toThrow(TypeError);
    });

    it('reserves every distinct digest before checking or writing a blob, and a refused reservation stores nothing', async () => {
      const run = randomBytes(6).toString('hex');
      const dir = await site({ 'a.txt': `a-${run}`, 'b.txt': `b-${run}`, 'same-as-a.txt': `a-${run}` });
      const id = newDeploymentId();
      let keysAtReserve: string[] = [];
      const reserved: string[] = [];
      await h.store.putDeployment(id, dir, {
        reserve: async (digests) => {
          keysAtReserve = await h.listKeys();
          reserved.push(...digests);
        },
      });
      expect(reserved.sort()).toEqual([sha256(`a-${run}`), sha256(`b-${run}`)].sort());
      expect(keysAtReserve.filter((k) => reserved.some((d) => k === `blobs/${d}`) || k.startsWith(`deployments/${id}/`))).toEqual([]);

      const refusedId = newDeploymentId();
      const other = await site({ 'c.txt': `c-${run}` });
      await expect(h.store.putDeployment(refusedId, other, { reserve: async () => Promise.reject(new Error('deployment deleted')) })).rejects.toThrow('deployment deleted');
      const keys = await h.listKeys();
      expect(keys).not.toContain(`blobs/${sha256(`c-${run}`)}`);
      expect(keys.some((k) => k.startsWith(`deployments/${refusedId}/`))).toBe(false);
    });

    it('deletes a manifest and named blobs, leaving every other key; both are idempotent', async () => {
      const run = randomBytes(6).toString('hex');
      const keep = newDeploymentId();
      const drop = newDeploymentId();
      await h.store.putDeployment(keep, await site({ 'shared.txt': `shared-${run}`, 'keep.txt': `keep-${run}` }));
      await h.store.putDeployment(drop, await site({ 'shared.txt': `shared-${run}`, 'drop.txt': `drop-${run}` }));
      const before = await h.listKeys();

      await h.store.deleteManifest(drop);
      await h.store.deleteBlobs([sha256(`drop-${run}`)]);
      await expect(h.store.getManifest(drop)).resolves.toBeUndefined();
      await expect(h.store.getBlob(sha256(`drop-${run}`))).rejects.toThrow(NotFoundError);
      const gone = [`deployments/${drop}/manifest.json`, `blobs/${sha256(`drop-${run}`)}`];
      expect((await h.listKeys()).sort()).toEqual(before.filter((k) => !gone.includes(k)).sort());
      expect(await bytes(await h.store.getBlob(sha256(`shared-${run}`)))).toEqual(Buffer.from(`shared-${run}`));

      await expect(h.store.deleteManifest(drop)).resolves.toBeUndefined();
      await expect(h.store.deleteBlobs([sha256(`drop-${run}`)])).resolves.toBeUndefined();
      await expect(h.store.deleteBlobs([])).resolves.toBeUndefined();
      await expect(h.store.deleteBlobs(['../deployments/x'])).rejects.toThrow(TypeError);
      await expect(h.store.deleteManifest('../x')).resolves.toBeUndefined();
      expect((await h.listKeys()).sort()).toEqual(before.filter((k) => !gone.includes(k)).sort());
    });

    // About 1,500 requests on S3: moto (one Python process) needs minutes for them on a loaded machine.
    it('uploads a 500-file site, then only the one changed file', async () => {
      const run = randomBytes(6).toString('hex');
      const files: Record<string, string> = {};
      for (let i = 0; i < 500; i++) files[`pages/${Math.floor(i / 50)}/page-${i}.html`] = `<p>${run} page ${i}</p>`.padEnd(2000, '.');
      const [dirA, dirB] = [await site(files), await site({ ...files, 'pages/0/page-0.html': `<p>${run} changed</p>` })];
      const t0 = performance.now();
      const first = await h.store.putDeployment(newDeploymentId(), dirA);
      const t1 = performance.now();
      const second = await h.store.putDeployment(newDeploymentId(), dirB);
      const t2 = performance.now();
      expect(first).toMatchObject({ uploadedBlobs: 500, reusedBlobs: 0 });
      expect(second).toMatchObject({ uploadedBlobs: 1, reusedBlobs: 499 });
      timings.push(`${name}: 500-file site (1 MB) first deploy ${(t1 - t0).toFixed(0)} ms, second with one change ${(t2 - t1).toFixed(0)} ms`);
    }, 300_000);

    it('keeps everything inside the layout (blobs/, deployments/, sources/)', async () => {
      const keys = await h.listKeys();
      expect(keys.length).toBeGreaterThan(0);
      for (const key of keys) expect(key).toMatch(/^(blobs\/[0-9a-f]{64}|deployments\/[A-Za-z0-9_-]+\/manifest\.json|sources\/.+)$/);
    });
  });
}
