import { createHash } from 'node:crypto';
import { constants, readdirSync, realpathSync, statSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { join, sep } from 'node:path';
import { Transform, type TransformCallback } from 'node:stream';
import { contentType as mimeContentType } from 'mime-types';
import { SYNC_IO_MAX_BYTES, readSmallFile, syncCall } from '@deploysphere/common';
import { mapLimit } from './limit';
import { isSafeRelativePath } from './manifest';
import { PublishRules } from './publish-rules';

/** A regular file found under a deployment's output directory, hashed. */
export interface LocalFile {
  /** Manifest path: relative POSIX path inside the deployment. */
  path: string;
  /** Where to read it (a symlink's resolved target, always inside the scanned directory). */
  absPath: string;
  size: number;
  sha256: string;
  contentType: string;
  /**
   * The bytes that were hashed, kept for small files (within KEPT_CONTENT_BUDGET per scan) so
   * storing the blob needs no second read: what is stored is exactly what was hashed.
   */
  content?: Buffer;
}

export type SkipReason = 'never-published' | 'ignored' | 'symlink-outside' | 'symlink-dangling' | 'symlink-to-directory' | 'not-regular-file' | 'invalid-path';

export interface SkippedEntry {
  path: string;
  reason: SkipReason;
}

const DEFAULT_CONTENT_TYPE = 'application/octet-stream';

/** Content type by extension; mime-types adds `; charset=utf-8` to text types (html, css, js, json…). */
export function contentTypeFor(path: string): string {
  const name = path.slice(path.lastIndexOf('/') + 1);
  const type = mimeContentType(name);
  return type ? type.replace(/charset=UTF-8/i, 'charset=utf-8') : DEFAULT_CONTENT_TYPE;
}

/**
 * Lists and hashes every file that a deployment publishes. Rules (the build output is untrusted):
 * - regular files are taken; directories are descended (real directories only, so no cycles);
 * - a symlink is followed only when its fully resolved target is a regular file inside `dir`;
 *   the content is then published under the link's own path. Links that escape `dir`, dangle,
 *   or point at directories are skipped (directory links could loop or duplicate trees);
 * - FIFOs, sockets and devices are skipped (a FIFO would block the upload forever);
 * - a name the manifest rules refuse (control characters, backslash) is skipped;
 * - credentials files and version-control data (NEVER_PUBLISHED) are skipped, and so is what
 *   the directory's own `.deploysphereignore` lists (gitignore syntax).
 * Skips are returned so the caller can report them in the build log.
 */
export async function scanDirectory(dir: string, hashConcurrency = 4): Promise<{ files: LocalFile[]; skipped: SkippedEntry[] }> {
  const root = await syncCall(() => realpathSync.native(dir));
  const inside = (p: string) => p.startsWith(root + sep);
  const found: Array<{ path: string; absPath: string }> = [];
  const skipped: SkippedEntry[] = [];
  const rules = await syncCall(() => PublishRules.forDirectory(root));

  const walk = async (absDir: string, relDir: string): Promise<void> => {
    const entries = await syncCall(() => readdirSync(absDir, { withFileTypes: true })).catch((error: unknown) => {
      if (absDir === root && (error as NodeJS.ErrnoException).code === 'ENOTDIR') throw new Error(`${dir} is not a directory`);
      throw error;
    });
    for (const entry of entries) {
      const path = relDir === '' ? entry.name : `${relDir}/${entry.name}`;
      const absPath = join(absDir, entry.name);
      const verdict = isSafeRelativePath(path) ? rules.verdict(path, entry.isDirectory()) : 'invalid-path';
      if (verdict !== 'publish') {
        skipped.push({ path, reason: verdict });
      } else if (entry.isDirectory()) {
        await walk(absPath, path);
      } else if (entry.isFile()) {
        found.push({ path, absPath });
      } else if (entry.isSymbolicLink()) {
        const target = await syncCall(() => realpathSync.native(absPath)).catch(() => undefined);
        if (target === undefined) skipped.push({ path, reason: 'symlink-dangling' });
        else if (!inside(target)) skipped.push({ path, reason: 'symlink-outside' });
        else {
          const targetStat = await syncCall(() => statSync(target));
          if (targetStat.isFile()) found.push({ path, absPath: target });
          else skipped.push({ path, reason: targetStat.isDirectory() ? 'symlink-to-directory' : 'not-regular-file' });
        }
      } else {
        skipped.push({ path, reason: 'not-regular-file' });
      }
    }
  };
  await walk(root, '');

  // Code-unit order, so a manifest for the same tree is byte-identical whatever readdir returned.
  found.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  let keepable = KEPT_CONTENT_BUDGET;
  const files = await mapLimit(found, hashConcurrency, async ({ path, absPath }): Promise<LocalFile> => {
    const { sha256, size, content } = await hashFile(absPath);
    const file: LocalFile = { path, absPath, size, sha256, contentType: contentTypeFor(path) };
    if (content && size <= KEPT_FILE_MAX && size <= keepable) {
      keepable -= size;
      file.content = content;
    }
    return file;
  });
  return { files, skipped };
}

const OPEN_REGULAR_FLAGS = constants.O_NOFOLLOW | constants.O_NONBLOCK;

/**
 * Opens a file for reading without following a symlink in its last component and checks it is
 * a regular file, so a link swapped in after the scan cannot redirect the read. O_NONBLOCK keeps
 * open() of a FIFO swapped in from waiting forever for a writer (no effect on regular files).
 */
export async function openRegularFile(absPath: string) {
  const handle = await open(absPath, constants.O_RDONLY | OPEN_REGULAR_FLAGS);
  const st = await handle.stat();
  if (!st.isFile()) {
    await handle.close();
    throw new Error(`${absPath} is no longer a regular file`);
  }
  return { handle, size: st.size };
}

/** Up to this size a file is read in one call rather than streamed. */
export const SMALL_FILE = 1024 * 1024;
/** Files up to this size keep their bytes after the scan (LocalFile.content)… */
export const KEPT_FILE_MAX = SYNC_IO_MAX_BYTES;
/** …up to this many bytes in all per scan. */
export const KEPT_CONTENT_BUDGET = 4 * 1024 * 1024;

/** Hashes a file; a small one (up to SYNC_IO_MAX_BYTES) is read with synchronous calls and its bytes returned. */
export async function hashFile(absPath: string): Promise<{ sha256: string; size: number; content?: Buffer }> {
  const digest = new Digest();
  const small = await readSmallFile(absPath, OPEN_REGULAR_FLAGS);
  if (small === undefined) throw new Error(`${absPath} disappeared during the scan`);
  if (small !== 'large') {
    digest.update(small);
    return { sha256: digest.sha256(), size: digest.bytes, content: small };
  }
  const { handle, size } = await openRegularFile(absPath);
  if (size <= SMALL_FILE) {
    // Up to a megabyte: one read is several times faster than a stream.
    try {
      digest.update(await handle.readFile());
    } finally {
      await handle.close();
    }
  } else {
    // The stream closes the handle when it ends or fails.
    for await (const chunk of handle.createReadStream()) digest.update(chunk as Buffer);
  }
  return { sha256: digest.sha256(), size: digest.bytes };
}

/** SHA-256 and byte count of everything passed to `update`. */
export class Digest {
  private readonly hash = createHash('sha256');
  private hex?: string;
  bytes = 0;

  update(chunk: Buffer): void {
    this.hash.update(chunk);
    this.bytes += chunk.length;
  }

  sha256(): string {
    this.hex ??= this.hash.digest('hex');
    return this.hex;
  }
}

/** A pass-through that feeds a Digest (verifies uploads, sizes source objects). */
export class DigestStream extends Transform {
  readonly digest = new Digest();

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.digest.update(chunk);
    callback(null, chunk);
  }
}

/** The content of `file` changed between the scan and the upload: the build is still writing. */
export class BlobChangedError extends Error {
  constructor(path: string) {
    super(`${path} changed while it was being stored; the output directory must not change during putDeployment`);
    this.name = 'BlobChangedError';
  }
}
