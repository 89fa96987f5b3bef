import type { Readable } from 'node:stream';

/** One file of a deployment's output, as recorded in its manifest. */
export interface ManifestEntry {
  /** Relative POSIX path inside the deployment, no leading slash, no `.`/`..` segments. */
  path: string;
  size: number;
  /** Hex SHA-256 of the content; the blob is stored once under this digest (content-addressed). */
  sha256: string;
  contentType: string;
}

export interface ArtifactManifest {
  version: 1;
  deploymentId: string;
  createdAt: string;
  files: ManifestEntry[];
}

export interface ObjectBody {
  stream: Readable;
  size: number;
  /** The whole object, when the adapter read a small one at once (`stream` then replays it). */
  bytes?: Buffer;
}

/**
 * Immutable artifact storage. Blobs are content-addressed (`blobs/<sha256>`), so a redeploy
 * uploads only what changed; each deployment gets an immutable manifest at
 * `deployments/<id>/manifest.json` mapping its paths to blobs. Nothing in a manifest can
 * point outside the deployment (paths are validated on write and on read).
 */
export interface PutDeploymentOptions {
  /**
   * Called with every distinct digest of the deployment after the scan and before any blob is
   * checked or written: the caller records its references there, so a concurrent clean-up never
   * deletes a blob this deployment is about to reuse. A rejection aborts the call.
   */
  reserve?(sha256s: string[]): Promise<void>;
}

export interface ArtifactStore {
  readonly name: string;
  /** Stores every regular file under `dir` and writes the deployment's manifest; returns it. */
  putDeployment(
    deploymentId: string,
    dir: string,
    options?: PutDeploymentOptions,
  ): Promise<{ manifest: ArtifactManifest; manifestKey: string; uploadedBytes: number; reusedBlobs: number }>;
  getManifest(deploymentId: string): Promise<ArtifactManifest | undefined>;
  /** Removes the deployment's manifest (its blobs stay: they may be shared). Idempotent. */
  deleteManifest(deploymentId: string): Promise<void>;
  /** Removes blobs by digest. Idempotent. The caller knows that nothing references them. */
  deleteBlobs(sha256s: string[]): Promise<void>;
  /** Streams one blob by digest; range is inclusive [start, end]. */
  getBlob(sha256: string, range?: { start: number; end: number }): Promise<ObjectBody>;
  /** Stores an opaque object (e.g. an uploaded source archive) under a key of the `sources/` space. */
  putObject(key: string, body: Readable): Promise<{ size: number }>;
  getObject(key: string): Promise<ObjectBody | undefined>;
  deleteObject(key: string): Promise<void>;
  isReady(): Promise<boolean>;
}

export const ARTIFACT_STORE = Symbol('ARTIFACT_STORE');
