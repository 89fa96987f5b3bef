import { closeSync, constants, fstatSync, lstatSync, openSync, readdirSync, readSync, writeSync } from 'node:fs';
import { rmdir, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { setImmediate as yieldToLoop } from 'node:timers/promises';

// File-system calls on the build path (docs/builds.md, "File-system calls on the build path"):
// calls that change a directory (mkdir, open with O_CREAT, rename, link, unlink, rmdir) or flush
// (fsync) go through libuv's thread pool, as usual: they take the directory's lock and, on some
// file systems, long (this machine's ext4 spends up to 0.4 ms creating an inode). Calls that only
// read (stat, realpath, readdir, open of an existing file, reads of at most SYNC_IO_MAX_BYTES,
// close) and writes of at most SYNC_IO_MAX_BYTES into a file already open are made synchronously,
// through `syncCall`: a thread-pool call wakes a worker thread, which on a busy host takes the core
// from the event loop, about 50 µs of the loop per call in the scheduling bench, against 3-10 µs
// for such a system call made directly.

/** Reads and writes up to this size are made synchronously. */
export const SYNC_IO_MAX_BYTES = 256 * 1024;

/** Synchronous calls (process-wide) between two turns of the event loop. */
const CALLS_PER_SLICE = 256;
let syncCalls = 0;

/**
 * Runs one synchronous file-system call. Every CALLS_PER_SLICE calls the event loop runs first,
 * so a long series of them (a large tree) never holds it for more than a moment.
 */
export async function syncCall<T>(fn: () => T): Promise<T> {
  if (++syncCalls % CALLS_PER_SLICE === 0) await yieldToLoop();
  return fn();
}

/** Writes all of `buffer` to `fd` (write() may write less than asked). */
export function writeAllSync(fd: number, buffer: Buffer): void {
  for (let offset = 0; offset < buffer.length; ) offset += writeSync(fd, buffer, offset);
}

/**
 * The whole content of an existing regular file when it is at most SYNC_IO_MAX_BYTES, read with
 * synchronous calls (`flags` are added to O_RDONLY); undefined when it is absent; `large` when it
 * is bigger (for the caller to stream). The size is the one fstat gave the open file. Anything
 * but a regular file (a FIFO, a directory) is refused.
 */
export async function readSmallFile(path: string, flags = 0): Promise<Buffer | 'large' | undefined> {
  let fd: number;
  try {
    fd = await syncCall(() => openSync(path, constants.O_RDONLY | flags));
  } catch (error) {
    return ignoreMissing(error);
  }
  try {
    const stats = fstatSync(fd);
    if (!stats.isFile()) throw new Error(`${path} is not a regular file`);
    const size = stats.size;
    if (size > SYNC_IO_MAX_BYTES) return 'large';
    const buffer = Buffer.allocUnsafeSlow(size);
    let filled = 0;
    while (filled < size) {
      const n = readSync(fd, buffer, filled, size - filled, filled);
      if (n === 0) break;
      filled += n;
    }
    return filled === size ? buffer : buffer.subarray(0, filled);
  } finally {
    closeSync(fd);
  }
}

const ignoreMissing = (error: unknown): undefined => {
  if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  return undefined;
};

/**
 * Removes `path` and everything under it, like `rm -rf`: nothing when it is absent; links are
 * removed, never followed. Each directory is read once with its entries' types, its files
 * unlinked, then it is removed: about half the calls of `fs.rm` (which takes two lstat of the
 * path, tries rmdir on each directory before reading it and an lstat of every entry). Reads are
 * synchronous (syncCall), removals go through the thread pool.
 */
export async function removeTree(path: string): Promise<void> {
  const stats = await syncCall(() => lstatSync(path)).catch(ignoreMissing);
  if (!stats) return;
  if (stats.isDirectory()) await removeDirectory(path);
  else await unlink(path).catch(ignoreMissing);
}

/**
 * Removes everything inside `dir` and keeps the directory; false (nothing removed) when `dir` is
 * not a directory (absent, a file, a link to one).
 */
export async function emptyDirectory(dir: string): Promise<boolean> {
  const stats = await syncCall(() => lstatSync(dir)).catch(ignoreMissing);
  if (!stats?.isDirectory()) return false;
  await removeDirectory(dir, false);
  return true;
}

async function removeDirectory(dir: string, itself = true): Promise<void> {
  const entries = await syncCall(() => readdirSync(dir, { withFileTypes: true })).catch(ignoreMissing);
  for (const entry of entries ?? []) {
    const child = join(dir, entry.name);
    if (entry.isDirectory()) await removeDirectory(child);
    else await unlink(child).catch(ignoreMissing);
  }
  if (itself) await rmdir(dir).catch(ignoreMissing);
}
