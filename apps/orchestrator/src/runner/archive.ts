import { createReadStream, createWriteStream } from 'node:fs';
import { lstat, mkdir, readdir, readlink } from 'node:fs/promises';
import { dirname, join, posix, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { extract, pack, type Header } from 'tar-stream';
import { OutputTooLargeError } from './build-failure';

export interface PackOptions {
  /** Path prefix of every entry inside the archive, e.g. `src`; empty: the entries at the top. */
  prefix: string;
  /** Entries left out (with everything under a directory), by their path relative to `dir`. */
  skip?: (relativePath: string, isDirectory: boolean) => boolean;
  /** Owner recorded for every entry (the builder's uid/gid), so the build can write its tree. */
  uid?: number;
  gid?: number;
}

/**
 * A tar stream of `dir` under `prefix/`: directories, regular files and symlinks (as links),
 * everything else skipped. Entries are produced one at a time, so memory stays flat.
 */
export function packDirectory(dir: string, options: PackOptions): Readable {
  const archive = pack();
  const owner = { uid: options.uid ?? 0, gid: options.gid ?? 0 };
  const add = (header: Partial<Header> & Pick<Header, 'name'>, body?: Readable): Promise<void> =>
    new Promise((resolvePromise, reject) => {
      const entry = archive.entry(header, (err) => (err ? reject(err) : resolvePromise()));
      if (body) {
        body.on('error', reject);
        body.pipe(entry as unknown as NodeJS.WritableStream);
      }
    });
  const walk = async (abs: string, rel: string): Promise<void> => {
    for (const name of (await readdir(abs)).sort()) {
      const childAbs = join(abs, name);
      const childRel = rel ? posix.join(rel, name) : name;
      const st = await lstat(childAbs);
      if (options.skip?.(options.prefix ? childRel.slice(options.prefix.length + 1) : childRel, st.isDirectory())) continue;
      const base = { name: childRel, mode: st.mode & 0o7777, mtime: st.mtime, ...owner };
      if (st.isDirectory()) {
        await add({ ...base, type: 'directory' });
        await walk(childAbs, childRel);
      } else if (st.isFile()) {
        await add({ ...base, type: 'file', size: st.size }, createReadStream(childAbs));
      } else if (st.isSymbolicLink()) {
        await add({ ...base, type: 'symlink', linkname: await readlink(childAbs) });
      }
    }
  };
  (async () => {
    if (options.prefix) await add({ name: options.prefix, type: 'directory', mode: 0o755, mtime: new Date(), ...owner });
    await walk(dir, options.prefix);
    archive.finalize();
  })().catch((err) => archive.destroy(err));
  return archive as unknown as Readable;
}

export interface ExtractOptions {
  /** Leading path component(s) to drop, e.g. `out` for `docker cp`'s `out/...` entries. */
  strip?: string;
  maxBytes: number;
  maxEntries?: number;
}

/** Relative, normalised, inside the tree: or undefined. The archive comes from an untrusted build. */
function safeRelative(name: string, strip?: string): string | undefined {
  let p = name.replace(/^\.\//, '').replace(/\/+$/, '');
  if (strip) {
    if (p === strip) return '';
    if (!p.startsWith(`${strip}/`)) return undefined;
    p = p.slice(strip.length + 1);
  }
  if (p === '' || p === '.') return '';
  if (p.startsWith('/') || p.includes('\0') || p.includes('\\')) return undefined;
  const parts = p.split('/');
  if (parts.some((s) => s === '..' || s === '.' || s === '')) return undefined;
  return parts.join('/');
}

/**
 * Unpacks a build's artifact into a fresh `dest`: directories and regular files only. Absolute
 * names, `..`, links (symbolic or hard), devices and FIFOs are skipped and reported: the archive
 * comes from an untrusted build, and without links no later entry can be written through one
 * to outside `dest`. Stops with OutputTooLargeError once the files exceed `maxBytes` (a build
 * cannot fill the orchestrator's disk).
 */
export async function extractArchive(source: Readable, dest: string, options: ExtractOptions): Promise<{ files: number; bytes: number; skipped: string[] }> {
  const root = resolve(dest);
  await mkdir(root, { recursive: true });
  const unpack = extract();
  source.on('error', (err) => unpack.destroy(err));
  source.pipe(unpack as unknown as NodeJS.WritableStream);
  let files = 0;
  let bytes = 0;
  let entries = 0;
  const skipped: string[] = [];
  const maxEntries = options.maxEntries ?? 500_000;
  try {
    for await (const entry of unpack) {
      const { header } = entry;
      if (++entries > maxEntries) throw new OutputTooLargeError(options.maxBytes);
      const rel = safeRelative(header.name, options.strip);
      if (rel !== undefined && header.type === 'directory') {
        await mkdir(rel === '' ? root : join(root, ...rel.split('/')), { recursive: true });
      } else if (rel && (header.type === 'file' || header.type === 'contiguous-file')) {
        bytes += header.size ?? 0;
        if (bytes > options.maxBytes) throw new OutputTooLargeError(options.maxBytes);
        const target = join(root, ...rel.split('/'));
        await mkdir(dirname(target), { recursive: true });
        await pipeline(entry as unknown as Readable, createWriteStream(target, { mode: 0o644 }));
        files++;
        continue;
      } else if (rel !== '') {
        skipped.push(rel ?? header.name);
      }
      await drain(entry as unknown as Readable);
    }
  } catch (err) {
    source.unpipe?.();
    source.destroy();
    throw err;
  }
  return { files, bytes, skipped };
}

const drain = (stream: Readable): Promise<void> =>
  new Promise((resolvePromise, reject) => {
    stream.on('end', () => resolvePromise());
    stream.on('error', reject);
    stream.resume();
  });

/** Reads a whole (small) stream into a string, refusing more than `max` bytes. */
export async function readSmall(stream: Readable, max = 1_048_576): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    size += (chunk as Buffer).length;
    if (size > max) throw new Error(`more than ${max} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** The content of the first file in a (small) tar stream, e.g. one file fetched with `docker cp`. */
export async function readFirstFile(source: Readable, max = 65_536): Promise<string | undefined> {
  const unpack = extract();
  source.on('error', (err) => unpack.destroy(err));
  source.pipe(unpack as unknown as NodeJS.WritableStream);
  let text: string | undefined;
  for await (const entry of unpack) {
    if (text === undefined && entry.header.type === 'file') text = await readSmall(entry as unknown as Readable, max);
    else await drain(entry as unknown as Readable);
  }
  return text;
}
