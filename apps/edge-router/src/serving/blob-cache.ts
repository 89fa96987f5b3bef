import { Inject, Injectable } from '@nestjs/common';
import { ARTIFACT_STORE, type ArtifactStore } from '@deploysphere/storage';
import { LRUCache } from 'lru-cache';
import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { brotliCompress, constants as zlib, gzip } from 'node:zlib';
import { edgeConfig, type EdgeSettings } from '@deploysphere/config';
import type { Readable } from 'node:stream';
import type { ByteRange } from './byte-range';
import { BR, GZIP, type FileRecord } from './deployment-files';
import { BlobIntegrityError, VerifyingStream } from './verifying-stream';

const gzipAsync = promisify(gzip);
const brotliAsync = promisify(brotliCompress);

/** Per-entry bookkeeping (map slot, object header) counted on top of the bytes. */
const ENTRY_OVERHEAD = 256;
/** A compressed variant is kept only when it saves at least this share of the bytes. */
const MIN_SAVING = 0.1;

export { BlobIntegrityError };

/** Digests of large blobs whose whole stored body passed the check in this process (bounded). */
const VERIFIED_MEMO = 10_000;

/**
 * A blob's bytes and its compressed variants. A variant is `undefined` until computed, `null`
 * when not worth having (it did not shrink), else the bytes.
 */
export class CachedBlob {
  readonly variants: Array<Buffer | null | undefined> = [undefined, undefined, undefined];
  readonly computing: Array<Promise<Buffer | null> | undefined> = [undefined, undefined, undefined];
  /** Bytes held, variants included: what the cache counts against its bound. */
  weight: number;

  constructor(
    readonly sha256: string,
    readonly identity: Buffer,
  ) {
    this.variants[0] = identity;
    this.weight = identity.length + ENTRY_OVERHEAD;
  }
}

/**
 * File contents in memory, content-addressed (a file shared by many deployments is held
 * once), bounded by bytes with LRU eviction, compressed variants counted too. Reads are
 * single-flight and verified against their digest before they are cached or served.
 */
@Injectable()
export class BlobCache {
  private readonly lru: LRUCache<string, CachedBlob>;
  private evictions = 0;
  private hits = 0;
  private misses = 0;
  private readonly loading = new Map<string, Promise<CachedBlob>>();
  private readonly verified = new Set<string>();
  /** Larger files are streamed from the store on every request rather than evicting everything else. */
  readonly maxEntryBytes: number;

  constructor(
    @Inject(ARTIFACT_STORE) private readonly store: ArtifactStore,
    @Inject(edgeConfig.KEY) edge: EdgeSettings,
  ) {
    this.lru = new LRUCache({
      maxSize: edge.cacheBytes,
      sizeCalculation: (blob) => blob.weight,
      dispose: (_blob, _key, reason) => {
        if (reason === 'evict') this.evictions++;
      },
    });
    this.maxEntryBytes = Math.min(Math.floor(edge.cacheBytes / 8), 32 * 1024 * 1024);
  }

  stats(): { entries: number; bytes: number; evictions: number } {
    return { entries: this.lru.size, bytes: this.lru.calculatedSize, evictions: this.evictions };
  }

  peek(sha256: string): CachedBlob | undefined {
    const blob = this.lru.get(sha256);
    if (blob === undefined) this.misses++;
    else this.hits++;
    return blob;
  }

  /** Lookups so far (`peek`), for the cache hit ratio. */
  lookups(): { hits: number; misses: number } {
    return { hits: this.hits, misses: this.misses };
  }

  cacheable(size: number): boolean {
    return size <= this.maxEntryBytes;
  }

  load(file: FileRecord): Promise<CachedBlob> {
    let pending = this.loading.get(file.sha256);
    if (!pending) {
      pending = this.read(file).finally(() => this.loading.delete(file.sha256));
      this.loading.set(file.sha256, pending);
    }
    return pending;
  }

  /**
   * Streams a file (or a range of it) straight from the store, for files too large to cache,
   * verified on the way (see VerifyingStream). A range is cut out of the whole blob until the
   * blob has once passed the check whole in this process; after that a range is read alone,
   * as the cache trusts bytes it verified once.
   */
  async open(file: FileRecord, range?: ByteRange): Promise<Readable> {
    if (range && this.verified.has(file.sha256)) return (await this.store.getBlob(file.sha256, range)).stream;
    const body = await this.store.getBlob(file.sha256);
    const verifier = new VerifyingStream(file.sha256, file.size, range);
    verifier.once('end', () => {
      if (this.verified.size >= VERIFIED_MEMO) this.verified.delete(this.verified.values().next().value!);
      this.verified.add(file.sha256);
    });
    body.stream.once('error', (err) => verifier.destroy(err));
    verifier.once('close', () => body.stream.destroy());
    return body.stream.pipe(verifier);
  }

  /** Forgets everything held or believed about a blob (its stored bytes failed the check). */
  evict(sha256: string): void {
    this.lru.delete(sha256);
    this.verified.delete(sha256);
  }

  /**
   * The compressed variant, computing it once (off the event loop, in libuv's pool) on first
   * demand. Resolves to null when compression does not pay.
   */
  compress(blob: CachedBlob, encoding: typeof GZIP | typeof BR): Promise<Buffer | null> {
    let pending = blob.computing[encoding];
    if (!pending) {
      const input = blob.identity;
      const work =
        encoding === GZIP
          ? gzipAsync(input, { level: 9 })
          : brotliAsync(input, {
              params: {
                // Best ratio for what a site is made of; a large file gets a faster setting.
                [zlib.BROTLI_PARAM_QUALITY]: input.length <= 256 * 1024 ? 11 : 5,
                [zlib.BROTLI_PARAM_SIZE_HINT]: input.length,
              },
            });
      pending = work.then((out) => {
        const kept = out.length <= input.length * (1 - MIN_SAVING) ? out : null;
        blob.variants[encoding] = kept;
        blob.computing[encoding] = undefined;
        if (kept) {
          blob.weight += kept.length;
          // Setting the entry again makes the cache count its new size (and evict others for it).
          if (this.lru.peek(blob.sha256) === blob) this.lru.set(blob.sha256, blob);
        }
        return kept;
      });
      blob.computing[encoding] = pending;
    }
    return pending;
  }

  private async read(file: FileRecord): Promise<CachedBlob> {
    const body = await this.store.getBlob(file.sha256);
    const chunks: Buffer[] = [];
    const hash = createHash('sha256');
    let length = 0;
    for await (const chunk of body.stream) {
      const buffer = chunk as Buffer;
      length += buffer.length;
      if (length > this.maxEntryBytes) {
        body.stream.destroy();
        throw new Error(`blob ${file.sha256} is larger than its manifest says`);
      }
      hash.update(buffer);
      chunks.push(buffer);
    }
    if (hash.digest('hex') !== file.sha256) throw new BlobIntegrityError(file.sha256);
    const blob = new CachedBlob(file.sha256, chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, length));
    this.lru.set(file.sha256, blob);
    return blob;
  }
}
