import { Logger } from '@nestjs/common';
import { createHash, randomBytes } from 'node:crypto';
import { gunzipSync, brotliDecompressSync } from 'node:zlib';
import { request as httpRequest } from 'node:http';
import { startEdge, type RunningEdge } from '../../test-support/edge-harness';
import { InMemoryArtifactStore } from '../../test-support/in-memory-artifact-store';
import type { RouteSnapshot } from '../routing/route.types';

const SHOP = 'prj_01jd8x0000000000000000000a';
const BLOG = 'prj_01jd8x0000000000000000000b';
const EMPTY = 'prj_01jd8x0000000000000000000c';
const V1 = 'dpl_01jd8x3k9m2f4q7r8s9t0v1w2x';
const V2 = 'dpl_01jd8x3k9n0000000000000000';
const B1 = 'dpl_01jd8y0000000000000000000b';

const css = 'body{color:#123}\n'.repeat(200); // compressible, > 1 KiB
const asset = randomBytes(100 * 1024); // incompressible bytes
const js = 'export const answer = 42;\n'.repeat(400);

function site(store: InMemoryArtifactStore) {
  store.putFiles(V1, {
    'index.html': '<!doctype html><h1>shop v1</h1>',
    'about.html': '<h1>about</h1>',
    'docs/index.html': '<h1>docs</h1>',
    'docs/guide.html': '<h1>guide</h1>',
    '404.html': '<h1>custom not found</h1>',
    'assets/app.3f9a1c.css': css,
    'assets/logo.png': asset,
    'assets/index-BdfVwBn9.js': js,
    'robots.txt': 'User-agent: *',
    'tiny.css': 'a{}',
  });
  store.putFiles(V2, { 'index.html': '<!doctype html><h1>shop v2</h1>' });
  store.putFiles(B1, { 'index.html': '<h1>blog</h1>', 'secret.txt': 'BLOG-ONLY-SECRET' });
}

const snapshot = (): RouteSnapshot => ({
  projects: [
    { id: SHOP, slug: 'shop', productionDeploymentId: V1, aliasAt: 1 },
    { id: BLOG, slug: 'blog', productionDeploymentId: B1, aliasAt: 1 },
    { id: EMPTY, slug: 'empty' },
  ],
  deployments: [
    { id: V1, projectId: SHOP },
    { id: V2, projectId: SHOP },
    { id: B1, projectId: BLOG },
  ],
  domains: [],
});

/** A GET that reports whether the body arrived whole (as many bytes as Content-Length said). */
function download(port: number, host: string, path: string, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; received: number; complete: boolean }>((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, headers: { host, connection: 'close', ...headers }, agent: false }, (res) => {
      let received = 0;
      const done = (complete: boolean) => resolve({ status: res.statusCode!, received, complete });
      res.on('data', (c: Buffer) => (received += c.length));
      res.on('end', () => done(received === Number(res.headers['content-length'])));
      res.on('aborted', () => done(false));
      res.on('error', () => done(false));
    });
    req.on('error', reject);
    req.end();
  });
}

const sha = (b: string | Buffer) => createHash('sha256').update(b).digest('hex');

describe('EdgeServer (real listener on 127.0.0.1)', () => {
  let edge: RunningEdge;
  const shop = 'shop.localhost';

  beforeAll(() => Logger.overrideLogger(false));

  beforeEach(async () => {
    const store = new InMemoryArtifactStore();
    site(store);
    edge = await startEdge({ store, snapshot: snapshot() });
  });

  afterEach(async () => {
    await edge.close();
  });

  describe('routing', () => {
    it('serves the production deployment at <slug>.<root>', async () => {
      const res = await edge.get(shop, '/');
      expect(res.status).toBe(200);
      expect(res.text).toContain('shop v1');
      expect(res.headers['x-deploysphere-deployment']).toBe(V1);
    });

    it('serves an exact deployment at its preview host', async () => {
      expect((await edge.get('01jd8x3k9n0000000000000000-shop.localhost', '/')).text).toContain('shop v2');
      expect((await edge.get('01jd8x3k9n0000000000000000-shop.localhost:8080', '/')).text).toContain('shop v2');
      // A prefix of the id is not a preview host (its characters are mostly the creation time).
      expect((await edge.get('01jd8x3k9n00-shop.localhost', '/')).status).toBe(404);
    });

    it('answers an unknown host with a clean 404 page', async () => {
      const res = await edge.get('nope.localhost', '/');
      expect(res.status).toBe(404);
      expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(res.text).toContain('Nothing is deployed here');
      expect(res.text).not.toMatch(/at .*\.ts:\d+|Error:/);
    });

    it('says so when a known project has no live deployment', async () => {
      const res = await edge.get('empty.localhost', '/');
      expect(res.status).toBe(404);
      expect(res.text).toContain('No live deployment yet');
    });

    it('switches the next request to a moved alias', async () => {
      expect((await edge.get(shop, '/')).text).toContain('v1');
      edge.table.moveAlias(SHOP, 'shop', V2, 2);
      expect((await edge.get(shop, '/')).text).toContain('v2');
      edge.table.moveAlias(SHOP, 'shop', V1, 3); // rollback
      expect((await edge.get(shop, '/')).text).toContain('v1');
    });

    it('answers health and readiness on the platform host only', async () => {
      expect((await edge.get('127.0.0.1', '/healthz')).text).toBe('{"status":"ok"}');
      const ready = await edge.get('localhost', '/readyz');
      expect(ready.status).toBe(200);
      expect(JSON.parse(ready.text)).toEqual({ status: 'ready', checks: { routeTable: 'up', artifactStore: 'up' } });
      expect((await edge.get('localhost', '/')).status).toBe(404);
      // On a tenant host /healthz is just a path of the site.
      expect((await edge.get(shop, '/healthz')).text).toContain('custom not found');
    });

    it('answers 503 to tenant hosts and not-ready to /readyz until the table is loaded', async () => {
      const cold = await startEdge();
      try {
        const res = await cold.get(shop, '/');
        expect(res.status).toBe(503);
        expect(res.headers['retry-after']).toBe('1');
        expect((await cold.get('localhost', '/readyz')).status).toBe(503);
        expect((await cold.get('localhost', '/healthz')).status).toBe(200);
      } finally {
        await cold.close();
      }
    });
  });

  describe('static files', () => {
    it('sends type, length, a strong ETag from the digest, cache policy and security headers', async () => {
      const res = await edge.get(shop, '/assets/logo.png');
      expect(res.status).toBe(200);
      expect(res.body.equals(asset)).toBe(true);
      expect(res.headers['content-type']).toBe('image/png');
      expect(res.headers['content-length']).toBe(String(asset.length));
      expect(res.headers.etag).toBe(`"${sha(asset)}"`);
      expect(res.headers['cache-control']).toBe('public, max-age=0, must-revalidate');
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
      expect(res.headers['referrer-policy']).toBe('strict-origin-when-cross-origin');
      expect(res.headers['accept-ranges']).toBe('bytes');
      expect(res.headers.vary).toBeUndefined(); // never compressed, so it does not vary
    });

    it('marks content-hashed names immutable and HTML revalidate', async () => {
      expect((await edge.get(shop, '/assets/app.3f9a1c.css')).headers['cache-control']).toBe('public, max-age=31536000, immutable');
      expect((await edge.get(shop, '/assets/index-BdfVwBn9.js')).headers['cache-control']).toBe('public, max-age=31536000, immutable');
      expect((await edge.get(shop, '/')).headers['cache-control']).toBe('public, max-age=0, must-revalidate');
      expect((await edge.get(shop, '/robots.txt')).headers['cache-control']).toBe('public, max-age=0, must-revalidate');
    });

    it('answers If-None-Match with 304 and no body', async () => {
      const first = await edge.get(shop, '/about.html');
      const res = await edge.get(shop, '/about.html', { 'if-none-match': first.headers.etag! });
      expect(res.status).toBe(304);
      expect(res.body.length).toBe(0);
      expect(res.headers.etag).toBe(first.headers.etag);
      expect((await edge.get(shop, '/about.html', { 'if-none-match': `"x", ${first.headers.etag}` })).status).toBe(304);
      expect((await edge.get(shop, '/about.html', { 'if-none-match': '"other"' })).status).toBe(200);
    });

    it('answers HEAD with the GET headers and no body', async () => {
      const get = await edge.get(shop, '/assets/logo.png');
      const head = await edge.get(shop, '/assets/logo.png', {}, 'HEAD');
      expect(head.status).toBe(200);
      expect(head.body.length).toBe(0);
      expect(head.headers['content-length']).toBe(get.headers['content-length']);
      expect(head.headers.etag).toBe(get.headers.etag);
    });

    it('serves a single byte range with 206 and refuses an unsatisfiable one with 416', async () => {
      const part = await edge.get(shop, '/assets/logo.png', { range: 'bytes=100-199' });
      expect(part.status).toBe(206);
      expect(part.headers['content-range']).toBe(`bytes 100-199/${asset.length}`);
      expect(part.body.equals(asset.subarray(100, 200))).toBe(true);
      const suffix = await edge.get(shop, '/assets/logo.png', { range: 'bytes=-10' });
      expect(suffix.body.equals(asset.subarray(asset.length - 10))).toBe(true);
      const open = await edge.get(shop, '/assets/logo.png', { range: `bytes=${asset.length - 5}-` });
      expect(open.body.length).toBe(5);
      const bad = await edge.get(shop, '/assets/logo.png', { range: `bytes=${asset.length}-` });
      expect(bad.status).toBe(416);
      expect(bad.headers['content-range']).toBe(`bytes */${asset.length}`);
      // Several ranges, or an If-Range for another version: the whole file instead.
      expect((await edge.get(shop, '/assets/logo.png', { range: 'bytes=0-1,5-6' })).status).toBe(200);
      expect((await edge.get(shop, '/assets/logo.png', { range: 'bytes=0-1', 'if-range': '"old"' })).status).toBe(200);
    });

    it('compresses with brotli or gzip when accepted, once per blob, with Vary', async () => {
      const br = await edge.get(shop, '/assets/app.3f9a1c.css', { 'accept-encoding': 'gzip, deflate, br' });
      expect(br.headers['content-encoding']).toBe('br');
      expect(br.headers.vary).toBe('Accept-Encoding');
      expect(br.headers.etag).toBe(`W/"${sha(css)}"`);
      expect(brotliDecompressSync(br.body).toString()).toBe(css);
      expect(Number(br.headers['content-length'])).toBeLessThan(css.length);

      const gz = await edge.get(shop, '/assets/app.3f9a1c.css', { 'accept-encoding': 'gzip' });
      expect(gz.headers['content-encoding']).toBe('gzip');
      expect(gunzipSync(gz.body).toString()).toBe(css);

      const preferred = await edge.get(shop, '/assets/app.3f9a1c.css', { 'accept-encoding': 'gzip;q=1, br;q=0.5' });
      expect(preferred.headers['content-encoding']).toBe('gzip');

      const none = await edge.get(shop, '/assets/app.3f9a1c.css', { 'accept-encoding': 'br;q=0, gzip;q=0' });
      expect(none.headers['content-encoding']).toBeUndefined();
      expect(none.body.toString()).toBe(css);

      const reads = edge.store.blobReads;
      await edge.get(shop, '/assets/app.3f9a1c.css', { 'accept-encoding': 'br' });
      expect(edge.store.blobReads).toBe(reads);
      // A 304 for the compressed variant echoes its weak tag.
      const revalidated = await edge.get(shop, '/assets/app.3f9a1c.css', { 'accept-encoding': 'br', 'if-none-match': br.headers.etag! });
      expect(revalidated.status).toBe(304);
      expect(revalidated.headers.etag).toBe(br.headers.etag);
    });

    it('skips compression for incompressible types and tiny files', async () => {
      expect((await edge.get(shop, '/assets/logo.png', { 'accept-encoding': 'br, gzip' })).headers['content-encoding']).toBeUndefined();
      expect((await edge.get(shop, '/tiny.css', { 'accept-encoding': 'br, gzip' })).headers['content-encoding']).toBeUndefined();
    });

    it('serves ranges uncompressed even to clients that accept compression', async () => {
      const res = await edge.get(shop, '/assets/app.3f9a1c.css', { 'accept-encoding': 'br', range: 'bytes=0-3' });
      expect(res.status).toBe(206);
      expect(res.headers['content-encoding']).toBeUndefined();
      expect(res.text).toBe('body');
    });

    it('reads each manifest and blob from the store once while cached', async () => {
      for (let i = 0; i < 5; i++) await edge.get(shop, '/assets/logo.png');
      expect(edge.store.manifestReads).toBe(1);
      expect(edge.store.blobReads).toBe(1);
    });

    it('reads a burst of cold requests from the store once (single flight)', async () => {
      await Promise.all(Array.from({ length: 20 }, () => edge.get(shop, '/assets/logo.png')));
      expect(edge.store.manifestReads).toBe(1);
      expect(edge.store.blobReads).toBe(1);
    });
  });

  describe('paths', () => {
    it('serves index.html for directories and redirects a directory without its slash', async () => {
      expect((await edge.get(shop, '/docs/')).text).toContain('docs');
      const res = await edge.get(shop, '/docs?x=1');
      expect(res.status).toBe(308);
      expect(res.headers.location).toBe('/docs/?x=1');
    });

    it('never lists a directory', async () => {
      const res = await edge.get(shop, '/assets/');
      expect(res.status).toBe(404);
      expect(res.text).not.toContain('logo.png');
    });

    it("serves the deployment's 404.html for a miss, with status 404", async () => {
      const res = await edge.get(shop, '/missing');
      expect(res.status).toBe(404);
      expect(res.text).toContain('custom not found');
      expect(res.headers.etag).toBeUndefined();
    });

    it('falls back to the platform 404 page when custom 404 is off or there is none', async () => {
      edge.table.upsertProject(SHOP, 'shop', { cleanUrls: false, spaFallback: false, custom404: false }, 10);
      expect((await edge.get(shop, '/missing')).text).toContain('Page not found');
      expect((await edge.get('blog.localhost', '/missing')).text).toContain('Page not found');
    });

    it('serves clean URLs and redirects .html names to them when enabled', async () => {
      expect((await edge.get(shop, '/about')).status).toBe(404);
      edge.table.upsertProject(SHOP, 'shop', { cleanUrls: true, spaFallback: false, custom404: true }, 10);
      expect((await edge.get(shop, '/about')).text).toContain('about');
      expect((await edge.get(shop, '/docs/guide')).text).toContain('guide');
      const redirect = await edge.get(shop, '/about.html?ref=x');
      expect(redirect.status).toBe(308);
      expect(redirect.headers.location).toBe('/about?ref=x');
      expect((await edge.get(shop, '/index.html')).headers.location).toBe('/');
      expect((await edge.get(shop, '/docs/index.html')).headers.location).toBe('/docs/');
    });

    it('falls back to index.html for extension-less paths when SPA fallback is on', async () => {
      edge.table.upsertProject(SHOP, 'shop', { cleanUrls: false, spaFallback: true, custom404: true }, 10);
      const res = await edge.get(shop, '/app/settings/profile');
      expect(res.status).toBe(200);
      expect(res.text).toContain('shop v1');
      // A missing asset is still a 404, not the app shell.
      expect((await edge.get(shop, '/assets/missing.js')).status).toBe(404);
    });
  });

  describe('methods and failures', () => {
    it.each(['POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'])('answers %s with 405 and Allow', async (method) => {
      const res = await edge.get(shop, '/', {}, method);
      expect(res.status).toBe(405);
      expect(res.headers.allow).toBe('GET, HEAD');
    });

    it('attributes a 405 to the project and deployment of a known host', async () => {
      await edge.get(shop, '/', {}, 'POST');
      await edge.get('nope.localhost', '/', {}, 'DELETE');
      await edge.accessLog.flush();
      const [known, unknown] = edge.accessLog.recent();
      expect(known).toMatchObject({ status: 405, method: 'POST', projectId: SHOP, deploymentId: V1 });
      expect(unknown).toMatchObject({ status: 405, method: 'DELETE', projectId: null, deploymentId: null });
    });

    it.each([
      ['a missing Host on HTTP/1.1', 'GET / HTTP/1.1\r\nConnection: close\r\n\r\n', 400],
      ['a header line without a colon', 'GET / HTTP/1.1\r\nHost: shop.localhost\r\nNo colon here\r\n\r\n', 400],
      ['bytes that are not HTTP', '\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n\r\n', 400],
      ['headers over the limit', `GET / HTTP/1.1\r\nHost: shop.localhost\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`, 431],
    ])('answers %s like every other error, and logs it', async (_what, bytes, status) => {
      const res = await edge.raw(bytes);
      expect(res.status).toBe(status);
      expect(res.text).toMatch(/\r\nX-Content-Type-Options: nosniff\r\n/i);
      expect(res.text).toMatch(/\r\nContent-Security-Policy: default-src 'none'/i);
      expect(res.text).toMatch(/\r\nConnection: close\r\n/i);
      expect(res.text).toContain('<h1>');
      await edge.accessLog.flush();
      expect(edge.accessLog.recent().at(-1)).toMatchObject({ status, clientIp: '127.0.0.1' });
    });

    it('answers 503 without a stack when the store fails', async () => {
      edge.store.failure = new Error('disk on fire at /var/secret/path');
      const res = await edge.get(shop, '/');
      expect(res.status).toBe(503);
      expect(res.text).not.toContain('disk on fire');
      expect(res.text).not.toContain('/var/secret');
      expect((await edge.get('localhost', '/readyz')).status).toBe(503);
    });

    it('refuses to serve bytes that do not match their digest', async () => {
      const digest = edge.store.putBlob(Buffer.from('original'));
      edge.store.blobs.set(digest, Buffer.from('tampered'));
      edge.store.putRawManifest({
        version: 1,
        deploymentId: V2,
        createdAt: new Date().toISOString(),
        files: [{ path: 'index.html', size: 8, sha256: digest, contentType: 'text/html' }],
      });
      const res = await edge.get('01jd8x3k9n0000000000000000-shop.localhost', '/');
      expect(res.status).toBe(500);
      expect(res.text).not.toContain('tampered');
    });

    it('streams files too large to cache straight from the store, ranges included', async () => {
      const small = await startEdge({ store: edge.store, snapshot: snapshot(), settings: { cacheBytes: 256 * 1024 } });
      try {
        const res = await small.get(shop, '/assets/logo.png');
        expect(res.body.equals(asset)).toBe(true);
        expect(small.blobs.stats().entries).toBe(0);
        const part = await small.get(shop, '/assets/logo.png', { range: 'bytes=10-19' });
        expect(part.body.equals(asset.subarray(10, 20))).toBe(true);
      } finally {
        await small.close();
      }
    });

    it('verifies streamed files while streaming: tampered bytes cut the connection, whole or ranged', async () => {
      const small = await startEdge({ store: edge.store, snapshot: snapshot(), settings: { cacheBytes: 256 * 1024 } });
      const logged: string[] = [];
      Logger.overrideLogger({ log() {}, warn() {}, error: (m: unknown, ...rest: unknown[]) => logged.push(JSON.stringify([m, ...rest])) } as never);
      try {
        const digest = sha(asset);
        const tampered = Buffer.from(asset);
        tampered[tampered.length - 1] ^= 0xff;
        edge.store.blobs.set(digest, tampered);
        const whole = await download(small.port, shop, '/assets/logo.png');
        expect(whole.status).toBe(200);
        expect(whole.complete).toBe(false);
        expect(whole.received).toBeLessThan(asset.length);
        const part = await download(small.port, shop, '/assets/logo.png', { range: 'bytes=0-99' });
        expect(part.status).toBe(206);
        expect(part.complete).toBe(false);
        expect(logged.some((l) => l.includes(digest) && l.includes('do not match'))).toBe(true);

        // Restored: served whole; then a range is read alone, the blob having passed once.
        edge.store.blobs.set(digest, asset);
        const ok = await download(small.port, shop, '/assets/logo.png');
        expect(ok).toMatchObject({ status: 200, complete: true, received: asset.length });
        const ranges: Array<unknown> = [];
        const getBlob = edge.store.getBlob.bind(edge.store);
        edge.store.getBlob = (d, range) => (ranges.push(range), getBlob(d, range));
        const okPart = await small.get(shop, '/assets/logo.png', { range: 'bytes=10-19' });
        expect(okPart.body.equals(asset.subarray(10, 20))).toBe(true);
        expect(ranges).toEqual([{ start: 10, end: 19 }]);
      } finally {
        Logger.overrideLogger(false);
        await small.close();
      }
    });

    it('keeps the byte cache within its bound (LRU)', async () => {
      const store = edge.store;
      const files: Record<string, Buffer> = {};
      for (let i = 0; i < 40; i++) files[`f${i}.bin`] = randomBytes(20 * 1024);
      store.putFiles(V2, files);
      const small = await startEdge({ store, snapshot: snapshot(), settings: { cacheBytes: 200 * 1024 } });
      try {
        for (let i = 0; i < 40; i++) expect((await small.get('01jd8x3k9n0000000000000000-shop.localhost', `/f${i}.bin`)).status).toBe(200);
        expect(small.blobs.stats().bytes).toBeLessThanOrEqual(200 * 1024);
        expect(small.blobs.stats().evictions).toBeGreaterThan(0);
      } finally {
        await small.close();
      }
    });
  });

  describe('access log', () => {
    it('records every request with host, deployment, status, bytes and timing', async () => {
      await edge.get(shop, '/assets/logo.png?token=secret', { 'user-agent': 'jest-agent' });
      await edge.get('nope.localhost', '/x');
      await edge.accessLog.flush();
      const [served, unknown] = edge.accessLog.recent();
      expect(served).toMatchObject({
        host: shop,
        deploymentId: V1,
        projectId: SHOP,
        method: 'GET',
        path: '/assets/logo.png',
        status: 200,
        bytes: asset.length,
        userAgent: 'jest-agent',
        clientIp: '127.0.0.1',
      });
      expect(served.durationMs).toBeGreaterThanOrEqual(0);
      expect(unknown).toMatchObject({ host: 'nope.localhost', deploymentId: null, status: 404 });
    });
  });

  describe('shutdown', () => {
    it('lets a request in flight finish, then refuses new connections', async () => {
      // A cold blob read that takes a while is in flight when shutdown starts.
      const slow = edge.store.getBlob.bind(edge.store);
      let reading!: () => void;
      const read = new Promise<void>((r) => (reading = r));
      edge.store.getBlob = async (digest, range) => {
        reading();
        await new Promise((r) => setTimeout(r, 200));
        return slow(digest, range);
      };
      const inFlight = new Promise<{ status: number; connection?: string; length: number }>((resolve, reject) => {
        const req = httpRequest({ host: '127.0.0.1', port: edge.port, path: '/assets/logo.png', headers: { host: shop } }, (res) => {
          let length = 0;
          res.on('data', (c: Buffer) => (length += c.length));
          res.on('end', () => resolve({ status: res.statusCode!, connection: res.headers.connection, length }));
        });
        req.on('error', reject);
        req.end();
      });
      // In flight: the edge is reading its blob.
      await read;
      const closing = edge.server.close();
      const res = await inFlight;
      expect(res).toEqual({ status: 200, connection: 'close', length: asset.length });
      await closing;
      await expect(edge.get(shop, '/')).rejects.toThrow(/ECONNREFUSED/);
    });
  });
});
