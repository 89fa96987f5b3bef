import { testEdgeSettings } from '../../test-support/edge-harness';
import { InMemoryArtifactStore } from '../../test-support/in-memory-artifact-store';
import { ManifestCache } from './manifest-cache';

const D1 = 'dpl_01jd8x3k9m2f4q7r8s9t0v1w2x';
const D2 = 'dpl_01jd8x3k9n0000000000000000';
const D3 = 'dpl_01jd8x3k9p0000000000000000';

describe('ManifestCache (lru-cache bounded by files held)', () => {
  it('evicts the least recently used deployment to stay within its file bound', async () => {
    const store = new InMemoryArtifactStore();
    // Each deployment holds 3 lookup entries (index.html, its directory key '', a.html) plus one.
    for (const id of [D1, D2, D3]) store.putFiles(id, { 'index.html': id, 'a.html': id });
    const cache = new ManifestCache(store, testEdgeSettings({ manifestCacheFiles: 9 }));
    await cache.load(D1);
    await cache.load(D2);
    expect(cache.peek(D1)).toBeDefined(); // D1 is now the most recent
    await cache.load(D3);
    expect(cache.peek(D2)).toBeUndefined();
    expect(cache.peek(D1)?.files.get('a.html')).toBeDefined();
    expect(cache.peek(D3)).toBeDefined();
    const reads = store.manifestReads;
    await cache.load(D1); // held: no read
    expect(store.manifestReads).toBe(reads);
  });

  it('reads a manifest once for a burst of first requests', async () => {
    const store = new InMemoryArtifactStore();
    store.putFiles(D1, { 'index.html': 'x' });
    const cache = new ManifestCache(store, testEdgeSettings());
    const loaded = await Promise.all(Array.from({ length: 20 }, () => cache.load(D1)));
    expect(new Set(loaded).size).toBe(1);
    expect(store.manifestReads).toBe(1);
  });
});
