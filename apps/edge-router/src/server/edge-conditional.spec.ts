import { Logger } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { startEdge, type RunningEdge } from '../../test-support/edge-harness';
import { InMemoryArtifactStore } from '../../test-support/in-memory-artifact-store';
import type { RouteSnapshot } from '../routing/route.types';

const SHOP = 'prj_01jd8x0000000000000000000a';
const V1 = 'dpl_01jd8x3k9m2f4q7r8s9t0v1w2x';
const V2 = 'dpl_01jd8x3k9n0000000000000000';
const BROKEN = 'dpl_01jd8x3k9p0000000000000000';
const V1_PREVIEW = '01jd8x3k9m2f4q7r8s9t0v1w2x-shop.localhost';
const BROKEN_PREVIEW = '01jd8x3k9p0000000000000000-shop.localhost';
const shop = 'shop.localhost';

const css = 'body{color:#123}\n'.repeat(200); // compressible, > 1 KiB
const sha = (b: string) => createHash('sha256').update(b).digest('hex');

const V1_BUILT = '2026-11-20T10:00:00.500Z';
const ALIAS_MOVED = Date.parse('2026-11-21T12:00:00.000Z');
const V2_BUILT = '2026-11-25T08:30:00.000Z';
const httpDate = (ms: number) => new Date(ms).toUTCString();

describe('EdgeServer conditional requests (Last-Modified, If-Modified-Since, If-None-Match)', () => {
  let edge: RunningEdge;

  beforeAll(() => Logger.overrideLogger(false));

  beforeEach(async () => {
    const store = new InMemoryArtifactStore();
    store.putFiles(V1, { 'index.html': '<h1>shop v1</h1>', 'assets/app.css': css, '404.html': '<h1>custom not found</h1>' }).createdAt = V1_BUILT;
    store.putFiles(V2, { 'index.html': '<h1>shop v2</h1>' }).createdAt = V2_BUILT;
    store.putFiles(BROKEN, { 'index.html': '<h1>no build time</h1>' }).createdAt = 'not a date';
    const snapshot: RouteSnapshot = {
      projects: [{ id: SHOP, slug: 'shop', productionDeploymentId: V1, aliasAt: ALIAS_MOVED }],
      deployments: [
        { id: V1, projectId: SHOP },
        { id: V2, projectId: SHOP },
        { id: BROKEN, projectId: SHOP },
      ],
      domains: [],
    };
    edge = await startEdge({ store, snapshot });
  });

  afterEach(async () => {
    await edge.close();
  });

  it('dates a production answer by the later of the build and the alias move, a preview by its build', async () => {
    const production = await edge.get(shop, '/');
    expect(production.headers['last-modified']).toBe('Sat, 21 Nov 2026 12:00:00 GMT');
    const preview = await edge.get(V1_PREVIEW, '/');
    expect(preview.headers['last-modified']).toBe('Fri, 20 Nov 2026 10:00:00 GMT');
    // Same file, same validator at both hosts.
    expect(preview.headers.etag).toBe(production.headers.etag);

    // An alias move older than the build it points at: the build time.
    edge.table.moveAlias(SHOP, 'shop', V2, Date.parse('2026-11-22T00:00:00Z'));
    expect((await edge.get(shop, '/')).headers['last-modified']).toBe('Wed, 25 Nov 2026 08:30:00 GMT');

    // HEAD, ranges and compressed variants carry it too; a 404 page and a manifest without a usable date do not.
    edge.table.moveAlias(SHOP, 'shop', V1, ALIAS_MOVED + 86_400_000);
    const next = httpDate(ALIAS_MOVED + 86_400_000);
    expect((await edge.get(shop, '/', {}, 'HEAD')).headers['last-modified']).toBe(next);
    expect((await edge.get(shop, '/assets/app.css', { range: 'bytes=0-9' })).headers['last-modified']).toBe(next);
    const br = await edge.get(shop, '/assets/app.css', { 'accept-encoding': 'br' });
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers['last-modified']).toBe(next);
    const missing = await edge.get(shop, '/nope');
    expect(missing.status).toBe(404);
    expect(missing.headers['last-modified']).toBeUndefined();
    expect((await edge.get(BROKEN_PREVIEW, '/')).headers['last-modified']).toBeUndefined();
  });

  it('answers If-Modified-Since at or after Last-Modified with 304, and anything else with the file', async () => {
    const first = await edge.get(shop, '/');
    const lastModified = first.headers['last-modified']!;

    for (const since of [lastModified, httpDate(Date.parse(lastModified) + 60_000)]) {
      const res = await edge.get(shop, '/', { 'if-modified-since': since });
      expect(res.status).toBe(304);
      expect(res.body.length).toBe(0);
      expect(res.headers['last-modified']).toBe(lastModified);
      expect(res.headers.etag).toBe(first.headers.etag);
      expect(res.headers['x-content-type-options']).toBe('nosniff');
    }
    expect((await edge.get(shop, '/', { 'if-modified-since': lastModified }, 'HEAD')).status).toBe(304);

    const older = await edge.get(shop, '/', { 'if-modified-since': httpDate(Date.parse(lastModified) - 1_000) });
    expect(older.status).toBe(200);
    expect(older.text).toContain('shop v1');
    for (const since of ['yesterday', '', 'Sat, 99 Nov 2026 12:00:00 GMT']) {
      expect((await edge.get(shop, '/', { 'if-modified-since': since })).status).toBe(200);
    }
    // Without a usable build time there is nothing to compare with: always the file.
    expect((await edge.get(BROKEN_PREVIEW, '/', { 'if-modified-since': httpDate(Date.now()) })).status).toBe(200);
    // A custom 404 is never "not modified".
    expect((await edge.get(shop, '/nope', { 'if-modified-since': httpDate(Date.now()) })).status).toBe(404);
  });

  it('lets If-None-Match decide whenever it is present (RFC 9110 §13.2.2)', async () => {
    const first = await edge.get(shop, '/');
    const lastModified = Date.parse(first.headers['last-modified']!);
    // Another tag: the file, however recent the date.
    const other = await edge.get(shop, '/', { 'if-none-match': '"other"', 'if-modified-since': httpDate(lastModified + 86_400_000) });
    expect(other.status).toBe(200);
    expect(other.text).toContain('shop v1');
    // Its tag: 304, however old the date.
    const same = await edge.get(shop, '/', { 'if-none-match': first.headers.etag!, 'if-modified-since': httpDate(lastModified - 86_400_000) });
    expect(same.status).toBe(304);
  });

  it('never answers 304 to a client holding newer files after a rollback to an older build', async () => {
    edge.table.moveAlias(SHOP, 'shop', V2, Date.parse('2026-11-26T00:00:00Z'));
    const v2 = await edge.get(shop, '/');
    expect(v2.text).toContain('shop v2');
    edge.table.moveAlias(SHOP, 'shop', V1, Date.parse('2026-11-27T00:00:00Z')); // rollback to the older build
    const back = await edge.get(shop, '/', { 'if-modified-since': v2.headers['last-modified']! });
    expect(back.status).toBe(200);
    expect(back.text).toContain('shop v1');
    expect(back.headers['last-modified']).toBe('Fri, 27 Nov 2026 00:00:00 GMT');
  });

  it('gives a 304 the tag the client holds, or for a date alone the one its 200 would carry', async () => {
    const strong = `"${sha(css)}"`;
    const since = { 'if-modified-since': httpDate(Date.now()) };
    expect((await edge.get(shop, '/assets/app.css', { 'if-none-match': `W/${strong}` })).headers.etag).toBe(`W/${strong}`);
    expect((await edge.get(shop, '/assets/app.css', { 'if-none-match': `W/${strong}, ${strong}` })).headers.etag).toBe(strong);
    expect((await edge.get(shop, '/assets/app.css', { 'if-none-match': '*' })).headers.etag).toBe(strong);
    const compressed = await edge.get(shop, '/assets/app.css', { ...since, 'accept-encoding': 'gzip, br' });
    expect(compressed.status).toBe(304);
    expect(compressed.headers.etag).toBe(`W/${strong}`);
    expect(compressed.headers.vary).toBe('Accept-Encoding');
    const identity = await edge.get(shop, '/assets/app.css', since);
    expect(identity.status).toBe(304);
    expect(identity.headers.etag).toBe(strong);
  });
});
