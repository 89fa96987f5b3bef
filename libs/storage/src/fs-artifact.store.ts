import { randomBytes } from 'node:crypto';
import { closeSync, constants, fsync, open as openFd, statSync } from 'node:fs';
import { access, link, mkdir, open, readFile, rename, unlink, type FileHandle } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { promisify } from 'node:util';
import { NotFoundError, SYNC_IO_MAX_BYTES, readSmallFile, syncCall, writeAllSync } from '@deploysphere/common';
import type { ObjectBody } from './artifact-store.port';
import { ContentAddressedArtifactStore, RangeNotSatisfiableError, assertRange, type ByteRange } from './content-addressed.store';
import { mapLimit } from './limit';
import { blobKey, sourceKey } from './manifest';
import { BlobChangedError, Digest, SMALL_FILE, openRegularFile, type LocalFile } from './scan';

const isErrno = (error: unknown, code: string): boolean => (error as NodeJS.ErrnoException | null)?.code === code;
const openNew = promisify(openFd);
const fsyncFd = promisify(fsync);

/**
 * The embedded artifact store: a directory (by default `<dataDir>/artifacts`) with the same key
 * layout as the S3 adapter. Every write goes to `.tmp/` first, is fsynced, then renamed into
 * place, so a reader (or a crash) never sees half a blob; `.tmp/` is on the same filesystem so
 * the rename is atomic. Calls that only read, and writes of a small file's bytes, are synchronous;
 * those that change a directory, and fsync, go through the thread pool (see syncCall).
 */
export class FsArtifactStore extends ContentAddressedArtifactStore {
  readonly name = 'fs';
  protected readonly blobConcurrency = 8;
  readonly root: string;
  private readonly tmpDir: string;

  constructor(dir: string) {
    super();
    this.root = resolve(dir);
    this.tmpDir = join(this.root, '.tmp');
  }

  /** Keys are built from validated parts (manifest.ts), so joining them cannot leave the root. */
  private pathOf(key: string): string {
    return join(this.root, ...key.split('/'));
  }

  protected async hasBlob(sha256: string): Promise<boolean> {
    const path = this.pathOf(blobKey(sha256));
    return syncCall(() => statSync(path, { throwIfNoEntry: false })?.isFile() ?? false).catch(() => false);
  }

  protected async storeBlob(file: LocalFile): Promise<void> {
    const target = this.pathOf(blobKey(file.sha256));
    // Bytes kept by the scan are the ones that were hashed: stored as they are, no second read.
    if (file.content) return this.writeAtomically(target, file.content);
    const { handle, size } = await openRegularFile(file.absPath);
    try {
      // Small files in one read (most of a site), large ones streamed.
      const source = size <= SMALL_FILE ? [await handle.readFile()] : handle.createReadStream({ autoClose: false });
      await this.writeAtomically(target, source, (digest) => {
        if (digest.sha256() !== file.sha256 || digest.bytes !== file.size) throw new BlobChangedError(file.path);
      });
    } finally {
      await handle.close();
    }
  }

  protected async readKey(key: string): Promise<Buffer | undefined> {
    const small = await readSmallFile(this.pathOf(key));
    if (small !== 'large') return small;
    return readFile(this.pathOf(key)).catch((error: unknown) => {
      if (isErrno(error, 'ENOENT')) return undefined;
      throw error;
    });
  }

  protected async createKey(key: string, body: Buffer): Promise<boolean> {
    const target = this.pathOf(key);
    const tmp = await this.writeTemp(body);
    try {
      await mkdir(dirname(target), { recursive: true });
      // link() fails with EEXIST instead of replacing: an atomic create-if-absent.
      await link(tmp.path, target);
      return true;
    } catch (error) {
      if (isErrno(error, 'EEXIST')) return false;
      throw error;
    } finally {
      await unlink(tmp.path).catch(() => undefined);
    }
  }

  protected async deleteKeys(keys: string[]): Promise<void> {
    await mapLimit(keys, this.blobConcurrency, (key) =>
      unlink(this.pathOf(key)).catch((error: unknown) => {
        if (!isErrno(error, 'ENOENT')) throw error;
      }),
    );
  }

  async getBlob(sha256: string, range?: ByteRange): Promise<ObjectBody> {
    if (range) assertRange(range);
    const handle = await this.openKey(blobKey(sha256));
    if (!handle) throw new NotFoundError('blob', sha256);
    try {
      const { size } = await handle.stat();
      if (!range) return { stream: handle.createReadStream(), size };
      if (range.start >= size) throw new RangeNotSatisfiableError(size);
      // Like HTTP, an end past the last byte is clamped rather than refused.
      const end = Math.min(range.end, size - 1);
      return { stream: handle.createReadStream({ start: range.start, end }), size: end - range.start + 1 };
    } catch (error) {
      await handle.close();
      throw error;
    }
  }

  async putObject(key: string, body: Readable): Promise<{ size: number }> {
    let size = 0;
    await this.writeAtomically(this.pathOf(sourceKey(key)), body, (digest) => {
      size = digest.bytes;
    });
    return { size };
  }

  async getObject(key: string): Promise<ObjectBody | undefined> {
    // A small object (most source archives) is read at once.
    const small = await readSmallFile(this.pathOf(sourceKey(key)), constants.O_NOFOLLOW);
    if (small !== 'large') return small && { stream: Readable.from([small]), size: small.length, bytes: small };
    const handle = await this.openKey(sourceKey(key));
    if (!handle) return undefined;
    const { size } = await handle.stat();
    return { stream: handle.createReadStream(), size };
  }

  async deleteObject(key: string): Promise<void> {
    await unlink(this.pathOf(sourceKey(key))).catch((error: unknown) => {
      if (!isErrno(error, 'ENOENT')) throw error;
    });
  }

  async isReady(): Promise<boolean> {
    try {
      await mkdir(this.tmpDir, { recursive: true });
      await access(this.root, constants.R_OK | constants.W_OK);
      return true;
    } catch {
      return false;
    }
  }

  /** Opens an existing key for reading (streams close it when they end or are destroyed). */
  private async openKey(key: string): Promise<FileHandle | undefined> {
    return open(this.pathOf(key), constants.O_RDONLY | constants.O_NOFOLLOW).catch((error: unknown) => {
      if (isErrno(error, 'ENOENT')) return undefined;
      throw error;
    });
  }

  /**
   * Writes `source` into a temp file, synced before it is returned (durable before it becomes
   * visible: a blob that is empty after a power cut would be reused by every later deployment,
   * dedupe trusts the name); the caller moves or removes it.
   */
  private async writeTemp(source: Buffer | AsyncIterable<Buffer> | Iterable<Buffer>, verify?: (digest: Digest) => void): Promise<{ path: string }> {
    const path = join(this.tmpDir, `${Date.now()}-${randomBytes(8).toString('hex')}`);
    // `.tmp/` is made when first needed (and again if something removed it), not before each write.
    const create = <T>(openIt: () => Promise<T>): Promise<T> =>
      openIt().catch(async (error: unknown) => {
        if (!isErrno(error, 'ENOENT')) throw error;
        await mkdir(this.tmpDir, { recursive: true });
        return openIt();
      });
    if (Buffer.isBuffer(source) && source.length <= SYNC_IO_MAX_BYTES) {
      const fd = await create(() => openNew(path, 'wx', 0o644));
      try {
        if (verify) {
          const digest = new Digest();
          digest.update(source);
          verify(digest);
        }
        writeAllSync(fd, source);
        await fsyncFd(fd);
      } catch (error) {
        closeSync(fd);
        await unlink(path).catch(() => undefined);
        throw error;
      }
      closeSync(fd);
      return { path };
    }
    const out = await create(() => open(path, 'wx', 0o644));
    try {
      const digest = new Digest();
      for await (const chunk of Buffer.isBuffer(source) ? [source] : source) {
        const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
        digest.update(buffer);
        // write() may write less than asked (a full disk, a signal): loop until all is written.
        for (let offset = 0; offset < buffer.length; ) offset += (await out.write(buffer, offset)).bytesWritten;
      }
      verify?.(digest);
      await out.sync();
      await out.close();
      return { path };
    } catch (error) {
      await out.close().catch(() => undefined);
      await unlink(path).catch(() => undefined);
      throw error;
    }
  }

  private async writeAtomically(target: string, source: Buffer | AsyncIterable<Buffer> | Iterable<Buffer>, verify?: (digest: Digest) => void): Promise<void> {
    const tmp = await this.writeTemp(source, verify);
    try {
      // The target's directory (blobs/, sources/<project>/) usually exists: made only when missing.
      await rename(tmp.path, target).catch(async (error: unknown) => {
        if (!isErrno(error, 'ENOENT')) throw error;
        await mkdir(dirname(target), { recursive: true });
        await rename(tmp.path, target);
      });
    } catch (error) {
      await unlink(tmp.path).catch(() => undefined);
      throw error;
    }
  }
}
