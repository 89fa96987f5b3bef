import type { ArtifactManifest, ArtifactStore, ManifestEntry, ObjectBody } from '@deploysphere/storage';
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { Readable } from 'node:stream';

const TYPES: Record<string, string> = {
  html: 'text/html; charset=utf-8',
  css: 'text/css; charset=utf-8',
  js: 'application/javascript; charset=utf-8',
  json: 'application/json; charset=utf-8',
  svg: 'image/svg+xml',
  png: 'image/png',
  jpg: 'image/jpeg',
  woff2: 'font/woff2',
  txt: 'text/plain; charset=utf-8',
  wasm: 'application/wasm',
};

export function typeOf(path: string): string {
  return TYPES[path.slice(path.lastIndexOf('.') + 1)] ?? 'application/octet-stream';
}

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/**
 * The ArtifactStore port over memory: real bytes, content-addressed blobs, real manifests,
 * inclusive ranges, as the fs and S3 adapters behave. It counts reads so tests can prove
 * caching, and can be told to fail so tests can prove the error paths.
 */
export class InMemoryArtifactStore implements ArtifactStore {
  readonly name = 'in-memory';
  readonly blobs = new Map<string, Buffer>();
  readonly manifests = new Map<string, ArtifactManifest>();
  readonly objects = new Map<string, Buffer>();
  manifestReads = 0;
  blobReads = 0;
  /** When set, every read rejects with it. */
  failure: Error | undefined;

  /** Stores files given inline (`{ 'index.html': '<h1>hi</h1>' }`) as a deployment's output. */
  putFiles(deploymentId: string, files: Record<string, string | Buffer | { body: string | Buffer; contentType: string }>): ArtifactManifest {
    const entries: ManifestEntry[] = Object.entries(files).map(([path, value]) => {
      const spec = typeof value === 'object' && !Buffer.isBuffer(value) ? value : { body: value, contentType: typeOf(path) };
      const bytes = Buffer.isBuffer(spec.body) ? spec.body : Buffer.from(spec.body);
      const digest = sha256(bytes);
      this.blobs.set(digest, bytes);
      return { path, size: bytes.length, sha256: digest, contentType: spec.contentType };
    });
    const manifest: ArtifactManifest = { version: 1, deploymentId, createdAt: new Date().toISOString(), files: entries };
    this.manifests.set(deploymentId, manifest);
    return manifest;
  }

  /** Stores a manifest exactly as given (hostile-manifest tests); its blobs must be put separately. */
  putRawManifest(manifest: ArtifactManifest): void {
    this.manifests.set(manifest.deploymentId, manifest);
  }

  putBlob(bytes: Buffer): string {
    const digest = sha256(bytes);
    this.blobs.set(digest, bytes);
    return digest;
  }

  async putDeployment(deploymentId: string, dir: string) {
    const files: Record<string, Buffer> = {};
    for (const abs of await walk(dir)) files[relative(dir, abs).split(sep).join('/')] = await readFile(abs);
    const before = new Set(this.blobs.keys());
    const manifest = this.putFiles(deploymentId, files);
    const fresh = manifest.files.filter((f) => !before.has(f.sha256));
    return {
      manifest,
      manifestKey: `deployments/${deploymentId}/manifest.json`,
      uploadedBytes: fresh.reduce((n, f) => n + f.size, 0),
      reusedBlobs: manifest.files.length - fresh.length,
    };
  }

  async getManifest(deploymentId: string): Promise<ArtifactManifest | undefined> {
    this.manifestReads++;
    if (this.failure) throw this.failure;
    const manifest = this.manifests.get(deploymentId);
    return manifest && structuredClone(manifest);
  }

  async getBlob(digest: string, range?: { start: number; end: number }): Promise<ObjectBody> {
    this.blobReads++;
    if (this.failure) throw this.failure;
    const bytes = this.blobs.get(digest);
    if (!bytes) throw new Error(`blob ${digest} not found`);
    const part = range ? bytes.subarray(range.start, Math.min(range.end, bytes.length - 1) + 1) : bytes;
    // Chunked like a file stream, so readers cannot rely on one chunk.
    const chunks: Buffer[] = [];
    for (let i = 0; i < part.length; i += 16 * 1024) chunks.push(Buffer.from(part.subarray(i, i + 16 * 1024)));
    return { stream: Readable.from(chunks), size: part.length };
  }

  async putObject(key: string, body: Readable): Promise<{ size: number }> {
    const chunks: Buffer[] = [];
    for await (const chunk of body) chunks.push(Buffer.from(chunk as Buffer));
    const bytes = Buffer.concat(chunks);
    this.objects.set(key, bytes);
    return { size: bytes.length };
  }

  async getObject(key: string): Promise<ObjectBody | undefined> {
    const bytes = this.objects.get(key);
    return bytes && { stream: Readable.from([bytes]), size: bytes.length };
  }

  async deleteObject(key: string): Promise<void> {
    this.objects.delete(key);
  }

  async deleteManifest(deploymentId: string): Promise<void> {
    this.manifests.delete(deploymentId);
  }

  async deleteBlobs(digests: string[]): Promise<void> {
    for (const digest of digests) this.blobs.delete(digest);
  }

  async isReady(): Promise<boolean> {
    return this.failure === undefined;
  }
}

async function walk(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const abs = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await walk(abs)));
    else if (entry.isFile()) out.push(abs);
  }
  return out;
}
