import { Logger } from '@nestjs/common';
import { previewLabel } from '@deploysphere/common';
import { startEdge, type RunningEdge } from '../../test-support/edge-harness';
import { InMemoryArtifactStore } from '../../test-support/in-memory-artifact-store';
import type { RouteSnapshot } from '../routing/route.types';

// Skew protection over a real listener: a production host's HTML pins its client (cookie) to the
// deployment that served it, and the files that page asks for after the alias moved still come
// from that deployment, within the window, for READY deployments of the same project only.

const SHOP = 'prj_01jd8x0000000000000000000a';
const BLOG = 'prj_01jd8x0000000000000000000b';
const V1 = 'dpl_01jd8x3k9m2f4q7r8s9t0v1w2x';
const V2 = 'dpl_01jd8x3k9n0000000000000000';
const PREVIEW = 'dpl_01jd8x3k9p0000000000000000';
const B1 = 'dpl_01jd8y0000000000000000000b';
/** Well-formed, but no READY deployment has it. */
const NEVER_READY = 'dpl_01jd8x3k9q0000000000000000';

const WINDOW_MS = 60_000;
const shop = 'shop.localhost';
const V1_ASSET = '/assets/app-1a2b3c4d.js';
const V2_ASSET = '/assets/app-9f8e7d6c.js';
const PREVIEW_ASSET = '/assets/app-0a0b0c0d.js';
const B1_ASSET = '/assets/app-5e6f7a8b.js';
const NAVIGATE = { 'sec-fetch-mode': 'navigate', accept: 'text/html,application/xhtml+xml,*/*;q=0.8' };
const SCRIPT = { 'sec-fetch-mode': 'no-cors', accept: '*/*' };

function site(store: InMemoryArtifactStore) {
  store.putFiles(V1, { 'index.html': `<h1>shop v1</h1><script src="${V1_ASSET}"></script>`, [V1_ASSET.slice(1)]: 'v1()', 'data.json': '{"v":1}', 'only-v1.txt': 'v1' });
  store.putFiles(V2, { 'index.html': `<h1>shop v2</h1><script src="${V2_ASSET}"></script>`, [V2_ASSET.slice(1)]: 'v2()', 'data.json': '{"v":2}' });
  store.putFiles(PREVIEW, { 'index.html': '<h1>shop preview</h1>', 'data.json': '{"v":"preview"}', [PREVIEW_ASSET.slice(1)]: 'preview()' });
  store.putFiles(B1, { 'index.html': '<h1>blog</h1>', 'secret.txt': 'BLOG-ONLY', [B1_ASSET.slice(1)]: 'BLOG-ONLY()' });
}

const snapshot = (): RouteSnapshot => ({
  projects: [
    { id: SHOP, slug: 'shop', productionDeploymentId: V1, aliasAt: 1 },
    { id: BLOG, slug: 'blog', productionDeploymentId: B1, aliasAt: 1 },
  ],
  deployments: [
    { id: V1, projectId: SHOP },
    { id: V2, projectId: SHOP },
    { id: PREVIEW, projectId: SHOP },
    { id: B1, projectId: BLOG },
  ],
  domains: [],
});

const pin = (id: string) => ({ cookie: `theme=dark; __ds_dpl=${id}` });

describe('EdgeServer skew protection', () => {
  let edge: RunningEdge;

  beforeAll(() => Logger.overrideLogger(false));

  beforeEach(async () => {
    const store = new InMemoryArtifactStore();
    site(store);
    edge = await startEdge({ store, snapshot: snapshot(), settings: { skewWindowMs: WINDOW_MS } });
  });

  afterEach(async () => {
    await edge.close();
  });

  /** The alias moves from V1 to V2 now, as an AliasMoved event would say. */
  const promoteV2 = (at = Date.now()) => expect(edge.table.moveAlias(SHOP, 'shop', V2, at, V1)).toBe(true);

  it("pins a production host's HTML to the deployment that served it, with a host-scoped cookie", async () => {
    const page = await edge.get(shop, '/', NAVIGATE);
    expect(page.headers['set-cookie']).toEqual([`__ds_dpl=${V1}; Path=/; Max-Age=60; HttpOnly; SameSite=Lax`]);
    // Only HTML pins: assets, platform pages and errors set nothing.
    expect((await edge.get(shop, V1_ASSET)).headers['set-cookie']).toBeUndefined();
    expect((await edge.get(shop, '/nope.css')).headers['set-cookie']).toBeUndefined();
    // A revalidated page pins too (its validator names the same bytes).
    const again = await edge.get(shop, '/', { ...NAVIGATE, 'if-none-match': page.headers.etag! });
    expect(again.status).toBe(304);
    expect(again.headers['set-cookie']).toEqual(page.headers['set-cookie']);
  });

  it("serves a pinned client's later requests from its deployment after the alias moved", async () => {
    await edge.get(shop, '/', NAVIGATE);
    promoteV2();
    const asset = await edge.get(shop, V1_ASSET, { ...SCRIPT, ...pin(V1) });
    expect(asset).toMatchObject({ status: 200, text: 'v1()' });
    expect(asset.headers['x-deploysphere-deployment']).toBe(V1);
    // Same-named files come from the pinned deployment too: no mixed versions.
    expect((await edge.get(shop, '/data.json', { ...SCRIPT, ...pin(V1) })).text).toBe('{"v":1}');
    expect((await edge.get(shop, '/data.json', SCRIPT)).text).toBe('{"v":2}');
    // A client without Sec-Fetch-Mode (curl, older browsers) is pinned unless it asks for HTML first.
    expect((await edge.get(shop, '/data.json', pin(V1))).text).toBe('{"v":1}');
    await edge.accessLog.flush();
    const access = edge.accessLog.recent().filter((r) => r.path === V1_ASSET && r.status === 200);
    expect(access.map((r) => r.deploymentId)).toEqual([V1]);
  });

  it('gives a navigation the live deployment and re-pins it, so a reload shows the new version', async () => {
    promoteV2();
    for (const headers of [NAVIGATE, { accept: 'text/html,*/*;q=0.8' }]) {
      const page = await edge.get(shop, '/', { ...headers, ...pin(V1) });
      expect(page.text).toContain('shop v2');
      expect(page.headers['set-cookie']).toEqual([`__ds_dpl=${V2}; Path=/; Max-Age=60; HttpOnly; SameSite=Lax`]);
    }
  });

  it("ignores a pin to another project's deployment, whatever host it is sent to", async () => {
    promoteV2();
    const asset = await edge.get(shop, '/secret.txt', { ...SCRIPT, ...pin(B1) });
    expect(asset.status).toBe(404);
    expect(asset.text).not.toContain('BLOG-ONLY');
    expect((await edge.get(shop, '/data.json', { ...SCRIPT, ...pin(B1) })).headers['x-deploysphere-deployment']).toBe(V2);
    const blog = await edge.get('blog.localhost', '/', { ...SCRIPT, ...pin(V1) });
    expect(blog.text).toContain('blog');
    expect(blog.headers['x-deploysphere-deployment']).toBe(B1);
  });

  it('ignores a pin to a deployment that is not READY, or that was never production', async () => {
    promoteV2();
    for (const id of [NEVER_READY, PREVIEW]) {
      const res = await edge.get(shop, '/data.json', { ...SCRIPT, ...pin(id) });
      expect(res.headers['x-deploysphere-deployment']).toBe(V2);
      expect(res.text).toBe('{"v":2}');
    }
  });

  it('ignores a pin once the alias left its deployment longer ago than the window, and its hashed files are gone too', async () => {
    promoteV2(Date.now() - WINDOW_MS - 1);
    expect((await edge.get(shop, V1_ASSET, { ...SCRIPT, ...pin(V1) })).status).toBe(404);
    expect((await edge.get(shop, V1_ASSET, SCRIPT)).status).toBe(404);
    expect((await edge.get(shop, '/data.json', { ...SCRIPT, ...pin(V1) })).text).toBe('{"v":2}');
  });

  it('ignores malformed pins and takes the first honoured one of several', async () => {
    promoteV2();
    for (const cookie of [`__ds_dpl=${V1.toUpperCase()}`, `__ds_dpl=${V1}x`, `x__ds_dpl=${V1}`, `__ds_dpl=../${V1}`, '__ds_dpl=', `__ds_dpl="${V1}"`]) {
      expect((await edge.get(shop, '/data.json', { ...SCRIPT, cookie })).text).toBe('{"v":2}');
    }
    // A sibling host can set a cookie for the parent domain; ours may come second.
    expect((await edge.get(shop, '/data.json', { ...SCRIPT, cookie: `__ds_dpl=${B1}; __ds_dpl=${V1}` })).text).toBe('{"v":1}');
    expect((await edge.get(shop, '/data.json', { ...SCRIPT, cookie: `__ds_dpl=${V2}; __ds_dpl=${V1}` })).text).toBe('{"v":2}');
  });

  it('serves a content-hashed file the served deployment lacks from the live one or one the alias left within the window', async () => {
    promoteV2();
    // A page of V1 whose pin a newer tab replaced, or a client without cookies.
    for (const headers of [{ ...SCRIPT, ...pin(V2) }, SCRIPT]) {
      const res = await edge.get(shop, V1_ASSET, headers);
      expect(res).toMatchObject({ status: 200, text: 'v1()' });
      expect(res.headers['x-deploysphere-deployment']).toBe(V1);
    }
    // A client pinned to V1 asking for a V2 file (a page of V2 loaded by a newer tab).
    expect((await edge.get(shop, V2_ASSET, { ...SCRIPT, ...pin(V1) })).headers['x-deploysphere-deployment']).toBe(V2);
    // Same-named files are the served deployment's: no mixing where a name does not stand for its content.
    expect((await edge.get(shop, '/only-v1.txt', SCRIPT)).status).toBe(404);
    expect((await edge.get(shop, '/data.json', SCRIPT)).text).toBe('{"v":2}');
  });

  it("never finds a hashed file in another project's deployment or a never-live one, nor on a preview host", async () => {
    promoteV2();
    for (const path of [B1_ASSET, PREVIEW_ASSET]) {
      const res = await edge.get(shop, path, SCRIPT);
      expect(res.status).toBe(404);
      expect(res.text).not.toContain('BLOG-ONLY');
    }
    expect((await edge.get(`${previewLabel(V2, 'shop')}.localhost`, V1_ASSET, SCRIPT)).status).toBe(404);
  });

  it('skips a recent deployment whose manifest cannot be read and keeps looking', async () => {
    edge.table.moveAlias(SHOP, 'shop', PREVIEW, Date.now() - 2_000, V1);
    edge.table.moveAlias(SHOP, 'shop', V2, Date.now() - 1_000, PREVIEW); // looked in first: PREVIEW, then V1
    const getManifest = edge.store.getManifest.bind(edge.store);
    edge.store.getManifest = (id: string) => (id === PREVIEW ? Promise.reject(new Error('store down for this one')) : getManifest(id));
    const res = await edge.get(shop, V1_ASSET, SCRIPT);
    expect(res).toMatchObject({ status: 200, text: 'v1()' });
    expect(res.headers['x-deploysphere-deployment']).toBe(V1);
  });

  it("falls back to the live deployment when the pinned one's files are gone from the store", async () => {
    promoteV2();
    edge.store.manifests.delete(V1);
    const res = await edge.get(shop, '/data.json', { ...SCRIPT, ...pin(V1) });
    expect(res).toMatchObject({ status: 200, text: '{"v":2}' });
    expect(res.headers['x-deploysphere-deployment']).toBe(V2);
  });

  it('leaves preview hosts alone: no cookie, no pin', async () => {
    promoteV2();
    const host = `${previewLabel(PREVIEW, 'shop')}.localhost`;
    const res = await edge.get(host, '/data.json', { ...SCRIPT, ...pin(V1) });
    expect(res.text).toBe('{"v":"preview"}');
    expect((await edge.get(host, '/', NAVIGATE)).headers['set-cookie']).toBeUndefined();
  });

  it('is off with a window of 0', async () => {
    const off = await startEdge({ store: edge.store, snapshot: snapshot(), settings: { skewWindowMs: 0 } });
    try {
      expect((await off.get(shop, '/', NAVIGATE)).headers['set-cookie']).toBeUndefined();
      off.table.moveAlias(SHOP, 'shop', V2, Date.now(), V1);
      expect((await off.get(shop, V1_ASSET, { ...SCRIPT, ...pin(V1) })).status).toBe(404);
    } finally {
      await off.close();
    }
  });
});
