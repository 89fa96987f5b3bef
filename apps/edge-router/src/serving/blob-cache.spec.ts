import { randomBytes } from 'node:crypto';
import { testEdgeSettings } from '../../test-support/edge-harness';
import { InMemoryArtifactStore, typeOf } from '../../test-support/in-memory-artifact-store';
import { BlobCache } from './blob-cache';
import { GZIP, FileRecord } from './deployment-files';

const OVERHEAD = 256; // what the cache counts per entry on top of its bytes

/** A cache bounded to `bytes`, over a store holding the given files. */
function setup(bytes: number, files: Record<string, Buffer>) {
  const store = new InMemoryArtifactStore();
  const manifest = store.putFiles('dpl_01jd8x3k9m2f4q7r8s9t0v1w2x', files);
  const cache = new BlobCache(store, testEdgeSettings({ cacheBytes: bytes }));
  const record = (path: string) => {
    const entry = manifest.files.find((f) => f.path === path)!;
    return new FileRecord(entry.path, entry.sha256, entry.size, typeOf(entry.path));
  };
  return { store, cache, record };
}

describe('BlobCache (lru-cache bounded by bytes)', () => {
  it('evicts the least recently used blobs to stay within its bytes', async () => {
    const size = 1_000;
    const files: Record<string, Buffer> = {};
    for (let i = 0; i < 9; i++) files[`f${i}.bin`] = randomBytes(size);
    // Room for 8 (a blob may take at most an eighth of the cache).
    const { store, cache, record } = setup(8 * (size + OVERHEAD), files);
    const records = Array.from({ length: 9 }, (_, i) => record(`f${i}.bin`));
    for (const r of records.slice(0, 8)) await cache.load(r);
    expect(cache.peek(records[0].sha256)).toBeDefined(); // f0 is now the most recent
    await cache.load(records[8]);
    expect(cache.peek(records[1].sha256)).toBeUndefined();
    expect(cache.peek(records[0].sha256)).toBeDefined();
    expect(cache.peek(records[8].sha256)).toBeDefined();
    expect(cache.stats()).toEqual({ entries: 8, bytes: 8 * (size + OVERHEAD), evictions: 1 });
    const reads = store.blobReads;
    await cache.load(records[1]); // gone, so read again
    expect(store.blobReads).toBe(reads + 1);
  });

  it('keeps hot blobs while a stream of new ones passes through', async () => {
    const files: Record<string, Buffer> = {};
    for (let i = 0; i < 150; i++) files[`f${i}.bin`] = randomBytes(100);
    const { cache, record } = setup(100 * (100 + OVERHEAD), files);
    const records = Array.from({ length: 150 }, (_, i) => record(`f${i}.bin`));
    for (const r of records.slice(0, 100)) await cache.load(r);
    for (let round = 0; round < 3; round++) for (const r of records.slice(0, 10)) cache.peek(r.sha256); // 0-9 are hot
    for (const r of records.slice(100)) await cache.load(r);
    for (const r of records.slice(0, 10)) expect(cache.peek(r.sha256)).toBeDefined();
    for (const r of records.slice(10, 60)) expect(cache.peek(r.sha256)).toBeUndefined();
    expect(cache.stats().entries).toBe(100);
  });

  it('counts compressed variants as they are added, evicting others for them', async () => {
    const text = Buffer.from('body{color:#123}\n'.repeat(2_000)); // 34 KB that gzip shrinks to little
    const n = text.length;
    const files: Record<string, Buffer> = { 'app.css': text };
    for (let i = 0; i < 7; i++) files[`f${i}.bin`] = randomBytes(n);
    const { cache, record } = setup(8 * (n + OVERHEAD), files);
    const others = Array.from({ length: 7 }, (_, i) => record(`f${i}.bin`));
    for (const r of others) await cache.load(r);
    const blob = await cache.load(record('app.css'));
    expect(cache.stats()).toEqual({ entries: 8, bytes: 8 * (n + OVERHEAD), evictions: 0 });
    const gz = await cache.compress(blob, GZIP);
    expect(gz).not.toBeNull();
    // The compressed bytes count: the least recently used blob made room for them.
    expect(cache.peek(others[0].sha256)).toBeUndefined();
    expect(cache.peek(blob.sha256)?.variants[GZIP]).toBe(gz);
    expect(cache.stats()).toEqual({ entries: 7, bytes: 7 * (n + OVERHEAD) + gz!.length, evictions: 1 });
  });

  it('streams rather than caches a file larger than an eighth of the cache', () => {
    const { cache } = setup(8 * 1024, {});
    expect(cache.cacheable(1024)).toBe(true);
    expect(cache.cacheable(1025)).toBe(false);
  });
});
