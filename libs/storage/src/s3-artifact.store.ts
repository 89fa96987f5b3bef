import { pipeline, type Readable } from 'node:stream';
import {
  CreateBucketCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  PutObjectCommand,
  PutPublicAccessBlockCommand,
  S3Client,
  type BucketLocationConstraint,
  type GetObjectCommandOutput,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { NotFoundError } from '@deploysphere/common';
import type { ObjectBody } from './artifact-store.port';
import { ContentAddressedArtifactStore, RangeNotSatisfiableError, assertRange, type ByteRange } from './content-addressed.store';
import { blobKey, relativePathProblem, sourceKey } from './manifest';
import { BlobChangedError, Digest, DigestStream, SMALL_FILE, openRegularFile, type LocalFile } from './scan';

export interface S3ArtifactStoreOptions {
  bucket: string;
  region: string;
  /** For S3-compatible servers (MinIO, moto): e.g. http://127.0.0.1:9000. */
  endpoint?: string;
  /** Path-style URLs (`endpoint/bucket/key`); MinIO and moto need it. */
  forcePathStyle?: boolean;
  /** Key prefix inside the bucket, e.g. `deploysphere/prod`, to share a bucket. */
  prefix?: string;
  /** An existing client (tests, custom credentials); otherwise one is built from the options. */
  client?: S3Client;
  /** Distinct blobs uploaded at once (default 6). */
  blobConcurrency?: number;
  /** Multipart part size in bytes (default 8 MiB; S3's minimum is 5 MiB). Smaller objects go in one PutObject. */
  partSize?: number;
  /** Parts of one object in flight (default 2). Memory bound ≈ blobConcurrency × (queueSize + 1) × partSize. */
  queueSize?: number;
}

const MIB = 1024 * 1024;
// Blobs are shared between paths with different types, so the object's own type is neutral;
// the type that is served comes from the manifest entry.
const BLOB_CONTENT_TYPE = 'application/octet-stream';

type AwsError = { name?: string; Code?: string; $metadata?: { httpStatusCode?: number } };
const status = (error: unknown): number | undefined => (error as AwsError | null)?.$metadata?.httpStatusCode;
const errorName = (error: unknown): string | undefined => (error as AwsError | null)?.name;
const isMissingObject = (error: unknown): boolean => errorName(error) === 'NoSuchKey' || (errorName(error) === 'NotFound' && status(error) === 404);

/** Normalises `a/b/` or `/a/b` to `a/b/`; the empty prefix stays empty. */
export function normalizePrefix(prefix: string | undefined): string {
  const trimmed = (prefix ?? '').replace(/^\/+|\/+$/g, '');
  if (trimmed === '') return '';
  const problem = relativePathProblem(trimmed);
  if (problem) throw new TypeError(`invalid S3 prefix ${JSON.stringify(prefix)}: ${problem}`);
  return `${trimmed}/`;
}

/**
 * Artifacts in S3 (or an S3-compatible server). The bucket stays private: nothing here sets an
 * ACL or a policy, and objects are served through the edge router, never by S3 directly.
 * Credentials come from the SDK's default chain (env, profile, instance/task role).
 */
export class S3ArtifactStore extends ContentAddressedArtifactStore {
  readonly name = 's3';
  readonly client: S3Client;
  readonly bucket: string;
  readonly prefix: string;
  protected readonly blobConcurrency: number;
  private readonly partSize: number;
  private readonly queueSize: number;
  private readonly ownsClient: boolean;

  constructor(options: S3ArtifactStoreOptions) {
    super();
    this.bucket = options.bucket;
    this.prefix = normalizePrefix(options.prefix);
    this.blobConcurrency = options.blobConcurrency ?? 6;
    this.partSize = Math.max(options.partSize ?? 8 * MIB, 5 * MIB);
    this.queueSize = options.queueSize ?? 2;
    this.ownsClient = options.client === undefined;
    this.client =
      options.client ??
      new S3Client({
        region: options.region,
        endpoint: options.endpoint,
        forcePathStyle: options.forcePathStyle ?? false,
        // The SDK's default (since 3.729) adds CRC32 trailers to every upload, which several
        // S3-compatible servers reject; against a custom endpoint only send checksums S3 requires.
        ...(options.endpoint ? { requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED' } : {}),
      });
  }

  private key(key: string): string {
    return this.prefix + key;
  }

  protected async hasBlob(sha256: string): Promise<boolean> {
    try {
      await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: this.key(blobKey(sha256)) }));
      return true;
    } catch (error) {
      if (isMissingObject(error)) return false;
      throw error;
    }
  }

  protected async storeBlob(file: LocalFile): Promise<void> {
    const key = this.key(blobKey(file.sha256));
    // Bytes kept by the scan are the ones that were hashed: sent as they are, no second read.
    if (file.content) return this.upload(key, file.content, BLOB_CONTENT_TYPE);
    const { handle, size } = await openRegularFile(file.absPath);
    const changed = (digest: Digest) => digest.sha256() !== file.sha256 || digest.bytes !== file.size;
    if (size <= SMALL_FILE) {
      // Most site files: read once, verify, then send the bytes that were verified.
      let content: Buffer;
      try {
        content = await handle.readFile();
      } finally {
        await handle.close();
      }
      const digest = new Digest();
      digest.update(content);
      if (changed(digest)) throw new BlobChangedError(file.path);
      await this.upload(key, content, BLOB_CONTENT_TYPE);
      return;
    }
    const body = new DigestStream();
    // The read stream closes the handle when it ends or fails.
    pipeline(handle.createReadStream(), body, () => undefined);
    await this.upload(key, body, BLOB_CONTENT_TYPE);
    if (changed(body.digest)) {
      // A blob's name is a promise about its content: never leave a wrong one for dedupe to trust.
      await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
      throw new BlobChangedError(file.path);
    }
  }

  protected async readKey(key: string): Promise<Buffer | undefined> {
    const out = await this.get(this.key(key));
    if (!out?.Body) return undefined;
    return Buffer.from(await out.Body.transformToByteArray());
  }

  protected async createKey(key: string, body: Buffer, contentType: string): Promise<boolean> {
    try {
      // If-None-Match makes the create atomic where the server supports it (S3 since 2024, MinIO);
      // the base class has already checked for an existing manifest for servers that ignore it.
      await this.client.send(
        new PutObjectCommand({ Bucket: this.bucket, Key: this.key(key), Body: body, ContentType: contentType, IfNoneMatch: '*' }),
      );
      return true;
    } catch (error) {
      if (status(error) === 412 || errorName(error) === 'PreconditionFailed') return false;
      throw error;
    }
  }

  protected async deleteKeys(keys: string[]): Promise<void> {
    // DeleteObjects takes up to 1,000 keys; a missing key counts as deleted.
    for (let i = 0; i < keys.length; i += 1000) {
      const out = await this.client.send(
        new DeleteObjectsCommand({ Bucket: this.bucket, Delete: { Objects: keys.slice(i, i + 1000).map((key) => ({ Key: this.key(key) })), Quiet: true } }),
      );
      const failed = out.Errors?.filter((e) => e.Code !== 'NoSuchKey') ?? [];
      if (failed.length > 0) throw new Error(`deleting ${failed.length} objects failed (first: ${failed[0].Key}: ${failed[0].Code})`);
    }
  }

  async getBlob(sha256: string, range?: ByteRange): Promise<ObjectBody> {
    if (range) assertRange(range);
    const key = this.key(blobKey(sha256));
    try {
      const out = await this.get(key, range ? `bytes=${range.start}-${range.end}` : undefined);
      if (!out) throw new NotFoundError('blob', sha256);
      return this.body(out);
    } catch (error) {
      if (status(error) === 416 || errorName(error) === 'InvalidRange') throw new RangeNotSatisfiableError();
      throw error;
    }
  }

  async putObject(key: string, body: Readable): Promise<{ size: number }> {
    const counted = new DigestStream();
    pipeline(body, counted, () => undefined);
    await this.upload(this.key(sourceKey(key)), counted, BLOB_CONTENT_TYPE);
    return { size: counted.digest.bytes };
  }

  async getObject(key: string): Promise<ObjectBody | undefined> {
    const out = await this.get(this.key(sourceKey(key)));
    return out ? this.body(out) : undefined;
  }

  async deleteObject(key: string): Promise<void> {
    // S3 answers 204 for a missing key too: deleting is idempotent.
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: this.key(sourceKey(key)) }));
  }

  async isReady(): Promise<boolean> {
    try {
      await this.client.send(new HeadBucketCommand({ Bucket: this.bucket }));
      return true;
    } catch {
      return false;
    }
  }

  /**
   * Creates the bucket when it does not exist and blocks every form of public access on it.
   * For development and tests (moto, MinIO); production buckets are provisioned outside the app.
   */
  async ensureBucket(): Promise<void> {
    if (await this.isReady()) return;
    const region = await this.client.config.region();
    await this.client.send(
      new CreateBucketCommand({
        Bucket: this.bucket,
        // us-east-1 is the one region that refuses an explicit LocationConstraint.
        ...(region === 'us-east-1' ? {} : { CreateBucketConfiguration: { LocationConstraint: region as BucketLocationConstraint } }),
      }),
    );
    await this.client
      .send(
        new PutPublicAccessBlockCommand({
          Bucket: this.bucket,
          PublicAccessBlockConfiguration: { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true },
        }),
      )
      .catch((error: unknown) => {
        // Some S3-compatible servers do not implement it; their buckets are private by default.
        if (status(error) !== 501 && errorName(error) !== 'NotImplemented') throw error;
      });
  }

  close(): void {
    if (this.ownsClient) this.client.destroy();
  }

  private async get(key: string, range?: string): Promise<GetObjectCommandOutput | undefined> {
    try {
      return await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key, Range: range }));
    } catch (error) {
      if (isMissingObject(error)) return undefined;
      throw error;
    }
  }

  private body(out: GetObjectCommandOutput): ObjectBody {
    // In Node the SDK's body is an http.IncomingMessage, i.e. a Readable.
    return { stream: out.Body as Readable, size: out.ContentLength ?? 0 };
  }

  /** Single PutObject below `partSize`, multipart above; a failed multipart upload is aborted. */
  private async upload(key: string, body: Readable | Buffer, contentType: string): Promise<void> {
    try {
      await new Upload({
        client: this.client,
        params: { Bucket: this.bucket, Key: key, Body: body, ContentType: contentType },
        partSize: this.partSize,
        queueSize: this.queueSize,
        leavePartsOnError: false,
      }).done();
    } catch (error) {
      if (!Buffer.isBuffer(body)) body.destroy(); // releases the source (and its file handle) the upload stopped reading
      throw error;
    }
  }
}
