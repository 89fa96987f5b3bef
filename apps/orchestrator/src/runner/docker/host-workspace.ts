import { constants } from 'node:fs';
import { chmod, chown, copyFile, lchown, lstat, mkdir, open, readdir, readFile, readlink, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { OutputTooLargeError } from '../build-failure';

export interface Owner {
  uid: number;
  gid: number;
}

/** Files copied at once (the libuv pool has 4 threads; more only queues). */
const PARALLEL = 8;

async function eachLimited<T>(items: T[], fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL, items.length) }, worker));
}

/**
 * Copies a source tree into a build's host work dir, owned by the builder's user so the build can
 * write it: directories, regular files (permission bits kept, set-id bits dropped) and symlinks
 * (as links, never followed); anything else skipped — the same entries `packDirectory` sends
 * through the engine's archive API. `to` must not exist yet. Without `owner` the files keep this
 * process's user (it is the builder's own uid).
 */
export async function copySourceTree(from: string, to: string, owner?: Owner): Promise<void> {
  const own = (p: string) => (owner ? chown(p, owner.uid, owner.gid) : Promise.resolve());
  const walk = async (src: string, dest: string, mode: number): Promise<void> => {
    await mkdir(dest, { mode: mode & 0o777 });
    await own(dest);
    const names = await readdir(src);
    const dirs: Array<[string, number]> = [];
    await eachLimited(names, async (name) => {
      const s = join(src, name);
      const d = join(dest, name);
      const st = await lstat(s);
      if (st.isDirectory()) dirs.push([name, st.mode]);
      else if (st.isFile()) {
        await copyFile(s, d, constants.COPYFILE_FICLONE); // keeps the permission bits
        await own(d);
        if (st.mode & 0o7000) await chmod(d, st.mode & 0o777);
      } else if (st.isSymbolicLink()) {
        await symlink(await readlink(s), d);
        if (owner) await lchown(d, owner.uid, owner.gid);
      }
    });
    for (const [name, m] of dirs) await walk(join(src, name), join(dest, name), m | 0o700);
  };
  const root = await lstat(from);
  if (!root.isDirectory()) throw new Error(`${from} is not a directory`);
  await walk(from, to, 0o755);
}

export interface CollectOptions {
  maxBytes: number;
  maxEntries?: number;
}

/**
 * Copies a finished build's artifact out of its host work dir with the rules `extractArchive`
 * applies to the archive API's tar: directories and regular files only (files written 0644), every
 * symbolic link, FIFO, socket or device skipped and reported, nothing followed: each entry is
 * looked at with lstat and opened with O_NOFOLLOW, so a link the build planted cannot make the
 * orchestrator read (or write) outside the tree. `from` itself must be a real directory. At most
 * `maxBytes` of files (OutputTooLargeError). Call it only once the container has exited: then
 * nothing changes the tree while it is read.
 */
export async function collectOutputTree(from: string, dest: string, options: CollectOptions): Promise<{ files: number; bytes: number; skipped: string[] }> {
  const top = await lstat(from).catch(() => undefined);
  if (!top?.isDirectory()) throw new Error('the build left no output directory');
  const maxEntries = options.maxEntries ?? 500_000;
  let files = 0;
  let bytes = 0;
  let entries = 0;
  const skipped: string[] = [];
  await mkdir(dest, { recursive: true });
  const walk = async (src: string, out: string, rel: string): Promise<void> => {
    const names = (await readdir(src)).sort();
    const dirs: string[] = [];
    const regular: Array<[string, number]> = [];
    for (const name of names) {
      if (++entries > maxEntries) throw new OutputTooLargeError(options.maxBytes);
      const st = await lstat(join(src, name));
      const r = rel ? `${rel}/${name}` : name;
      if (st.isDirectory()) dirs.push(name);
      else if (st.isFile()) {
        bytes += st.size;
        if (bytes > options.maxBytes) throw new OutputTooLargeError(options.maxBytes);
        regular.push([name, st.size]);
      } else skipped.push(r);
    }
    await eachLimited(regular, async ([name]) => {
      await copyNoFollow(join(src, name), join(out, name));
      files++;
    });
    for (const name of dirs) {
      await mkdir(join(out, name), { recursive: true });
      await walk(join(src, name), join(out, name), rel ? `${rel}/${name}` : name);
    }
  };
  await walk(from, dest, '');
  return { files, bytes, skipped };
}

/** Copies one regular file without following a link at `src`, into a new 0644 file at `dest`. */
async function copyNoFollow(src: string, dest: string): Promise<void> {
  const input = await open(src, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  try {
    const st = await input.stat();
    if (!st.isFile()) throw new Error(`${src} is not a regular file`);
    const output = await open(dest, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o644);
    try {
      const buf = Buffer.allocUnsafe(Math.min(1 << 20, Math.max(1, st.size)));
      for (;;) {
        const { bytesRead } = await input.read(buf, 0, buf.length, null);
        if (bytesRead === 0) break;
        await output.write(buf, 0, bytesRead);
      }
    } finally {
      await output.close();
    }
  } finally {
    await input.close();
  }
}

/** A small regular file of the work dir (build-result.json), never through a link; undefined when absent or too large. */
export async function readSmallFile(path: string, max = 65_536): Promise<string | undefined> {
  const handle = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK).catch(() => undefined);
  if (!handle) return undefined;
  try {
    const st = await handle.stat();
    if (!st.isFile() || st.size > max) return undefined;
    return (await handle.readFile()).toString('utf8');
  } finally {
    await handle.close();
  }
}

/** Whether `path` lies on a file system mounted noexec (Linux /proc/self/mounts; false when unknown). */
export async function mountedNoexec(path: string, mounts = '/proc/self/mounts'): Promise<boolean> {
  const table = await readFile(mounts, 'utf8').catch(() => '');
  let best: { dir: string; noexec: boolean } | undefined;
  for (const line of table.split('\n')) {
    const [, dir, , options] = line.split(' ');
    if (!dir || !options) continue;
    const mountPoint = dir.replace(/\\040/g, ' ');
    const inside = mountPoint === '/' || path === mountPoint || path.startsWith(`${mountPoint}/`);
    if (inside && (!best || mountPoint.length >= best.dir.length)) best = { dir: mountPoint, noexec: options.split(',').includes('noexec') };
  }
  return best?.noexec ?? false;
}
