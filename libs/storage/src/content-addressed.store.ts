import type { Readable } from 'node:stream';
import { ConflictError, DomainError } from '@deploysphere/common';
import type { ArtifactManifest, ArtifactStore, ObjectBody, PutDeploymentOptions } from './artifact-store.port';
import { mapLimit } from './limit';
import { MANIFEST_VERSION, assertDeploymentId, blobKey, isDeploymentId, isSha256, manifestKey, parseManifest, sameFiles, validateManifest } from './manifest';
import { scanDirectory, type LocalFile, type SkippedEntry } from './scan';

export interface PutDeploymentResult {
  manifest: ArtifactManifest;
  manifestKey: string;
  /** Bytes of blobs actually written by this call (not already in the store). */
  uploadedBytes: number;
  /** Distinct blobs of this deployment that were already stored (by an earlier deployment). */
  reusedBlobs: number;
  /** Distinct blobs written by this call. */
  uploadedBlobs: number;
  /** Entries of the directory that were not published, and why (for the build log). */
  skipped: SkippedEntry[];
}

export interface ByteRange {
  start: number;
  end: number;
}

/** The requested range starts at or past the end of the blob (HTTP 416 at the edge). */
export class RangeNotSatisfiableError extends DomainError {
  constructor(readonly blobSize?: number) {
    super('validation', 'RANGE_NOT_SATISFIABLE', 'The requested range is outside the object', { size: blobSize });
  }
}

export function assertRange(range: ByteRange): void {
  const { start, end } = range;
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || start < 0 || end < start) {
    throw new TypeError(`invalid range ${JSON.stringify(range)}: expected integers with 0 <= start <= end`);
  }
}

/**
 * What both adapters share: the scan, the dedupe and the manifest rules. An adapter only knows
 * how to test for, write and read bytes under a key. Order matters for crash safety: blobs are
 * written first and the manifest last, so a manifest never references a missing blob.
 */
export abstract class ContentAddressedArtifactStore implements ArtifactStore {
  abstract readonly name: string;
  /** Blobs written at once. */
  protected abstract readonly blobConcurrency: number;
  /** Existence checks (HeadObject / stat) at once. */
  protected readonly checkConcurrency: number = 16;

  protected abstract hasBlob(sha256: string): Promise<boolean>;
  /** Writes the file under `blobs/<sha256>`; must check the digest and never expose a partial blob. */
  protected abstract storeBlob(file: LocalFile): Promise<void>;
  protected abstract readKey(key: string): Promise<Buffer | undefined>;
  /** Writes `body` at `key` unless something is already there; false when it was. */
  protected abstract createKey(key: string, body: Buffer, contentType: string): Promise<boolean>;
  /** Removes the keys; a missing key is not an error. */
  protected abstract deleteKeys(keys: string[]): Promise<void>;

  abstract getBlob(sha256: string, range?: ByteRange): Promise<ObjectBody>;
  abstract putObject(key: string, body: Readable): Promise<{ size: number }>;
  abstract getObject(key: string): Promise<ObjectBody | undefined>;
  abstract deleteObject(key: string): Promise<void>;
  abstract isReady(): Promise<boolean>;

  async putDeployment(deploymentId: string, dir: string, options: PutDeploymentOptions = {}): Promise<PutDeploymentResult> {
    assertDeploymentId(deploymentId);
    const key = manifestKey(deploymentId);
    const { files, skipped } = await scanDirectory(dir);
    const manifest = validateManifest(
      {
        version: MANIFEST_VERSION,
        deploymentId,
        createdAt: new Date().toISOString(),
        files: files.map(({ path, size, sha256, contentType }) => ({ path, size, sha256, contentType })),
      },
      deploymentId,
    );

    // Identical files inside one deployment share a blob: upload each digest once.
    const distinct = [...new Map(files.map((f) => [f.sha256, f])).values()];
    // References first: a blob found present below is then safe from a concurrent clean-up.
    await options.reserve?.(distinct.map((f) => f.sha256));

    // Deployments are immutable. A retry after a crash (same output) is answered with what is
    // stored; different output under the same id is a bug upstream and must not overwrite.
    const existing = await this.getManifest(deploymentId);
    if (existing) return this.alreadyStored(existing, manifest, key, skipped);
    // Existence checks are cheap requests, so more run at once than uploads do.
    const present = await mapLimit(distinct, this.checkConcurrency, (file) => this.hasBlob(file.sha256));
    const missing = distinct.filter((_, i) => !present[i]);
    await mapLimit(missing, this.blobConcurrency, (file) => this.storeBlob(file));
    const uploadedBytes = missing.reduce((sum, file) => sum + file.size, 0);
    const reusedBlobs = distinct.length - missing.length;
    const uploadedBlobs = missing.length;

    const created = await this.createKey(key, Buffer.from(JSON.stringify(manifest)), 'application/json');
    if (!created) {
      // Lost a race with a concurrent putDeployment of the same id.
      const winner = await this.getManifest(deploymentId);
      if (!winner) throw new Error(`manifest ${key} vanished while being written`);
      return this.alreadyStored(winner, manifest, key, skipped);
    }
    return { manifest, manifestKey: key, uploadedBytes, reusedBlobs, uploadedBlobs, skipped };
  }

  /** Undefined when no manifest is stored, including for ids that cannot name a deployment. */
  async getManifest(deploymentId: string): Promise<ArtifactManifest | undefined> {
    if (!isDeploymentId(deploymentId)) return undefined;
    const raw = await this.readKey(manifestKey(deploymentId));
    return raw === undefined ? undefined : parseManifest(raw, deploymentId);
  }

  async deleteManifest(deploymentId: string): Promise<void> {
    if (!isDeploymentId(deploymentId)) return;
    await this.deleteKeys([manifestKey(deploymentId)]);
  }

  async deleteBlobs(sha256s: string[]): Promise<void> {
    const bad = sha256s.find((sha) => !isSha256(sha));
    if (bad !== undefined) throw new TypeError(`not a blob digest: ${JSON.stringify(bad)}`);
    if (sha256s.length > 0) await this.deleteKeys([...new Set(sha256s)].map(blobKey));
  }

  private alreadyStored(stored: ArtifactManifest, wanted: ArtifactManifest, key: string, skipped: SkippedEntry[]): PutDeploymentResult {
    if (!sameFiles(stored, wanted)) {
      throw new ConflictError('DEPLOYMENT_ARTIFACTS_EXIST', `deployment ${wanted.deploymentId} already has different artifacts stored`, {
        deploymentId: wanted.deploymentId,
      });
    }
    const reusedBlobs = new Set(stored.files.map((f) => f.sha256)).size;
    return { manifest: stored, manifestKey: key, uploadedBytes: 0, reusedBlobs, uploadedBlobs: 0, skipped };
  }
}
