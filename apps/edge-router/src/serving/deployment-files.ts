import type { ArtifactManifest } from '@deploysphere/storage';
import { cacheControlFor, isCompressibleType, MIN_COMPRESS_BYTES, servedContentType } from './content-policy';

/** Encodings by index into a record's header lists. */
export const IDENTITY = 0;
export const GZIP = 1;
export const BR = 2;
export type EncodingIndex = typeof IDENTITY | typeof GZIP | typeof BR;

/** One servable file of a deployment, with what its responses need precomputed. */
export class FileRecord {
  readonly contentType: string;
  /** Strong validator: the content digest. Compressed variants carry its weak form (`W/…`). */
  readonly etag: string;
  readonly cacheControl: string;
  readonly compressible: boolean;
  /**
   * Header lists per encoding for 200 answers and for a custom 404, built on first use. The 200
   * and 304 lists carry `okModified` as their `Last-Modified` and are rebuilt when it changes.
   */
  ok: Array<string[] | undefined> = [undefined, undefined, undefined];
  readonly missing: Array<string[] | undefined> = [undefined, undefined, undefined];
  notModified: string[] | undefined;
  okModified: string | undefined;

  constructor(
    readonly path: string,
    readonly sha256: string,
    readonly size: number,
    contentType: string,
  ) {
    this.contentType = servedContentType(contentType);
    this.etag = `"${sha256}"`;
    this.cacheControl = cacheControlFor(path, this.contentType);
    this.compressible = size >= MIN_COMPRESS_BYTES && isCompressibleType(this.contentType);
  }
}

const SHA256 = /^[0-9a-f]{64}$/;
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\x00-\x1f\x7f\\]/;

/** A manifest path that could only ever be looked up as itself (checked again here: defence in depth). */
function isSafePath(path: unknown): path is string {
  if (typeof path !== 'string' || path.length === 0 || path.length > 1024 || path.startsWith('/') || UNSAFE.test(path)) return false;
  return path.split('/').every((s) => s !== '' && s !== '.' && s !== '..');
}

/**
 * A deployment's manifest as lookup tables keyed by normalized request path (see
 * `normalizeRequestPath`): files by exact path, directory keys (`''`, `docs/`) to their
 * index.html, directories that need a trailing-slash redirect, and clean-URL names.
 */
export class DeploymentFiles {
  readonly files = new Map<string, FileRecord>();
  /** `docs` when `docs/index.html` exists: `/docs` redirects to `/docs/`. */
  readonly directories = new Set<string>();
  /** `about` → `about.html`, used when the project enables clean URLs. */
  readonly cleanHtml = new Map<string, FileRecord>();
  readonly index: FileRecord | undefined;
  readonly notFoundPage: FileRecord | undefined;
  /** Entries refused as unsafe (a corrupt or hostile manifest); they are never served. */
  readonly refused: number;
  /** What the manifest cache counts against its bound: the lookup entries held. */
  readonly weight: number;
  /**
   * Epoch seconds of the manifest's `createdAt` (when the build's output was stored; the
   * manifest is immutable, so every instance reads the same value), 0 when it is unusable.
   */
  readonly builtAt: number;
  private modifiedAt = -1;
  private modified = '';

  constructor(
    readonly deploymentId: string,
    manifest: ArtifactManifest,
  ) {
    let refused = 0;
    for (const entry of manifest.files) {
      if (!isSafePath(entry.path) || !SHA256.test(entry.sha256) || !Number.isSafeInteger(entry.size) || entry.size < 0) {
        refused++;
        continue;
      }
      this.files.set(entry.path, new FileRecord(entry.path, entry.sha256, entry.size, entry.contentType));
    }
    for (const [path, record] of [...this.files]) {
      if (path === 'index.html') this.files.set('', record);
      else if (path.endsWith('/index.html')) {
        const dir = path.slice(0, -'index.html'.length);
        this.files.set(dir, record);
        this.directories.add(dir.slice(0, -1));
      }
      if (path.endsWith('.html')) this.cleanHtml.set(path.slice(0, -'.html'.length), record);
    }
    this.index = this.files.get('index.html');
    this.notFoundPage = this.files.get('404.html');
    this.refused = refused;
    this.weight = this.files.size + 1;
    const created = Date.parse(manifest.createdAt);
    this.builtAt = Number.isFinite(created) && created > 0 ? Math.floor(created / 1000) : 0;
  }

  /**
   * The `Last-Modified` of this deployment's files at a host that has served it since
   * `liveSinceMs` (the production alias's last move; 0 for a preview host): the later of that and
   * the build time, so a rollback to older files never looks unmodified to a client holding
   * newer ones. Undefined when neither is known. The formatted date is kept for the next call.
   */
  lastModified(liveSinceMs: number): string | undefined {
    const at = Math.max(this.builtAt, Math.floor(liveSinceMs / 1000));
    if (at === 0) return undefined;
    if (at !== this.modifiedAt) {
      this.modified = new Date(at * 1000).toUTCString();
      this.modifiedAt = at;
    }
    return this.modified;
  }
}
