import { posix } from 'node:path';
import { MAX_SEGMENT_BYTES, type ArchiveLimits } from './archive-limits';
import { ArchiveError, quoteEntry } from './archive.errors';

export type ArchiveEntryType = 'file' | 'directory' | 'symlink' | 'hardlink';

/** One accepted entry, its path normalized (`./src/` → `src`). */
export interface ArchiveEntry {
  path: string;
  type: ArchiveEntryType;
  /** Bytes of content (files); 0 otherwise. */
  size: number;
  /** Any execute bit was set; files are written 0755 or 0644, whatever else the mode said. */
  executable: boolean;
  /** symlink: the target as written, relative to the link's directory. hardlink: the archive path of the file it copies. */
  linkTarget?: string;
}

/** The header fields the policy reads (tar-stream's header has them all). */
export interface RawEntryHeader {
  name: string;
  type: string | null;
  size: number;
  mode?: number;
  linkname?: string | null;
}

export interface ArchiveLinks {
  symlinks: { path: string; target: string }[];
  hardlinks: { path: string; target: string; size: number }[];
}

export interface ArchiveCounts {
  files: number;
  directories: number;
  symlinks: number;
  hardlinks: number;
  /** Bytes a full extraction writes: files plus the copies that stand for hard links. */
  extractedBytes: number;
}

// eslint-disable-next-line no-control-regex
const CONTROL = /[\x00-\x1f\x7f]/;
/** Symlinks followed while resolving one target; more is a loop (Linux stops at 40 too). */
const MAX_LINK_HOPS = 40;

const TYPES: Record<string, ArchiveEntryType | undefined> = {
  file: 'file',
  'contiguous-file': 'file',
  directory: 'directory',
  symlink: 'symlink',
  link: 'hardlink',
};

/**
 * An entry name as a relative POSIX path inside the tree: a leading `./` and a trailing `/`
 * are dropped; '' is the archive root itself. Anything that could address a file outside the
 * tree, or that a file system or a URL would read differently, is refused.
 */
export function normalizeEntryPath(raw: string, maxPathLength: number, maxPathDepth = Infinity): string {
  // A NUL cannot be part of a file name: the archive is damaged or crafted (tar readers cut the name there).
  if (raw.includes('\0')) throw new ArchiveError('ARCHIVE_CORRUPT', 'An entry name contains a NUL byte', raw);
  if (raw.length > maxPathLength) throw new ArchiveError('ARCHIVE_PATH_TOO_LONG', `An entry path is longer than ${maxPathLength} characters`, raw);
  if (raw.startsWith('/')) throw unsafePath(raw, 'is absolute');
  if (CONTROL.test(raw)) throw unsafePath(raw, 'contains a control character');
  if (raw.includes('\\')) throw unsafePath(raw, 'contains a backslash');
  const path = raw.replace(/^(\.\/)+/, '').replace(/\/$/, '');
  if (path === '' || path === '.') return '';
  const segments = path.split('/');
  if (segments.length > maxPathDepth) throw new ArchiveError('ARCHIVE_PATH_TOO_DEEP', `An entry path is more than ${maxPathDepth} levels deep`, raw);
  for (const segment of segments) {
    if (segment === '..') throw unsafePath(raw, 'has a `..` segment');
    if (segment === '' || segment === '.') throw unsafePath(raw, 'has an empty or `.` segment');
    if (Buffer.byteLength(segment) > MAX_SEGMENT_BYTES) {
      throw new ArchiveError('ARCHIVE_PATH_TOO_LONG', `An entry path has a segment longer than ${MAX_SEGMENT_BYTES} bytes`, raw);
    }
  }
  return path;
}

const unsafePath = (raw: string, why: string) => new ArchiveError('ARCHIVE_UNSAFE_PATH', `Entry ${quoteEntry(raw)} ${why}`, raw);
const unsafeLink = (path: string, why: string) => new ArchiveError('ARCHIVE_UNSAFE_LINK', `Link ${quoteEntry(path)} ${why}`, path);

function ancestors(path: string): string[] {
  const parts = path.split('/');
  return parts.slice(0, -1).map((_, i) => parts.slice(0, i + 1).join('/'));
}

/**
 * Follows `target` from the directory of the symlink at `linkPath` through the archive's own
 * symlinks, the way the kernel would once everything is extracted, and tells whether it stays
 * inside the tree. Lexical normalization alone is not enough: `a -> d/b/..` looks inside, but
 * when `d/b` is itself a link to the root, `..` climbs out of it.
 */
export function symlinkStaysInside(linkPath: string, target: string, symlinks: ReadonlyMap<string, string>): boolean {
  const stack = linkPath.split('/').slice(0, -1);
  let pending = target.split('/');
  let hops = 0;
  while (pending.length > 0) {
    const segment = pending.shift()!;
    if (segment === '' || segment === '.') continue;
    if (segment === '..') {
      if (stack.length === 0) return false;
      stack.pop();
      continue;
    }
    stack.push(segment);
    const next = symlinks.get(stack.join('/'));
    if (next === undefined) continue;
    if (++hops > MAX_LINK_HOPS || next.startsWith('/')) return false;
    stack.pop();
    pending = [...next.split('/'), ...pending];
  }
  return true;
}

/**
 * The rules every entry of a source archive must follow, applied one header at a time and
 * then once more over the whole tree (`finish`): limits, safe paths, no duplicates, nothing
 * stored beneath a file or a link, links that stay inside the tree, only regular files,
 * directories and links. Order-independent: the result is the same whichever order the
 * entries come in, so what was validated is exactly what an extraction produces.
 */
export class ArchiveEntryPolicy {
  private readonly kinds = new Map<string, ArchiveEntryType>();
  private readonly impliedDirectories = new Set<string>();
  private readonly fileSizes = new Map<string, number>();
  private readonly symlinks = new Map<string, string>();
  private readonly hardlinks: ArchiveLinks['hardlinks'] = [];
  private entries = 0;
  readonly counts: ArchiveCounts = { files: 0, directories: 0, symlinks: 0, hardlinks: 0, extractedBytes: 0 };

  constructor(private readonly limits: ArchiveLimits) {}

  /** The entry to extract, or undefined for one to skip (the root, a repeated directory). */
  accept(header: RawEntryHeader): ArchiveEntry | undefined {
    if (++this.entries > this.limits.maxFiles) {
      throw new ArchiveError('ARCHIVE_TOO_MANY_FILES', `The archive has more than ${this.limits.maxFiles} entries`);
    }
    const name = header.name ?? '';
    const type = header.type ? TYPES[header.type] : undefined;
    if (!type) {
      throw new ArchiveError('ARCHIVE_UNSUPPORTED_ENTRY', `Entry ${quoteEntry(name)} is a ${header.type ?? 'unknown kind of entry'}: only files, directories and links are allowed`, name);
    }
    const path = normalizeEntryPath(name, this.limits.maxPathLength, this.limits.maxPathDepth);
    if (path === '') {
      if (type !== 'directory') throw unsafePath(name, 'names the archive root but is not a directory');
      return undefined;
    }
    for (const ancestor of ancestors(path)) {
      const kind = this.kinds.get(ancestor);
      if (kind !== undefined && kind !== 'directory') throw unsafePath(name, `is stored beneath ${quoteEntry(ancestor)}, which is a ${kind}`);
    }
    const existing = this.kinds.get(path);
    if (existing !== undefined) {
      if (existing === 'directory' && type === 'directory') return undefined;
      throw new ArchiveError('ARCHIVE_DUPLICATE_ENTRY', `Entry ${quoteEntry(path)} appears more than once`, path);
    }
    if (type !== 'directory' && this.impliedDirectories.has(path)) {
      throw new ArchiveError('ARCHIVE_DUPLICATE_ENTRY', `Entry ${quoteEntry(path)} is both a directory and a ${type}`, path);
    }

    const entry: ArchiveEntry = { path, type, size: 0, executable: ((header.mode ?? 0) & 0o111) !== 0 };
    if (type === 'file') {
      if (header.size > this.limits.maxFileBytes) {
        throw new ArchiveError('ARCHIVE_ENTRY_TOO_LARGE', `Entry ${quoteEntry(path)} is larger than ${this.limits.maxFileBytes} bytes`, path);
      }
      entry.size = header.size;
      this.addExtracted(header.size);
      this.fileSizes.set(path, header.size);
      this.counts.files++;
    } else if (type === 'directory') {
      this.counts.directories++;
    } else if (type === 'symlink') {
      entry.linkTarget = this.checkSymlinkTarget(path, header.linkname ?? '');
      this.symlinks.set(path, entry.linkTarget);
      this.counts.symlinks++;
    } else {
      const target = this.checkHardlinkTarget(path, header.linkname ?? '');
      const size = this.fileSizes.get(target)!;
      this.addExtracted(size);
      entry.linkTarget = target;
      entry.size = size;
      this.hardlinks.push({ path, target, size });
      this.counts.hardlinks++;
    }
    this.kinds.set(path, type);
    for (const ancestor of ancestors(path)) this.impliedDirectories.add(ancestor);
    return entry;
  }

  /** Whole-tree rules, once every entry is known; returns the links to create after the files. */
  finish(): ArchiveLinks {
    if (this.counts.files + this.counts.symlinks + this.counts.hardlinks === 0) {
      throw new ArchiveError('ARCHIVE_EMPTY', 'The archive contains no files');
    }
    for (const [path, target] of this.symlinks) {
      if (!symlinkStaysInside(path, target, this.symlinks)) throw unsafeLink(path, `points outside the source tree (through ${quoteEntry(target)})`);
    }
    return { symlinks: [...this.symlinks].map(([path, target]) => ({ path, target })), hardlinks: [...this.hardlinks] };
  }

  private addExtracted(bytes: number): void {
    this.counts.extractedBytes += bytes;
    if (this.counts.extractedBytes > this.limits.maxUncompressedBytes) {
      throw new ArchiveError('ARCHIVE_UNCOMPRESSED_TOO_LARGE', `The archive extracts to more than ${this.limits.maxUncompressedBytes} bytes`);
    }
  }

  private checkSymlinkTarget(path: string, target: string): string {
    if (target === '') throw unsafeLink(path, 'has an empty target');
    if (target.includes('\0')) throw new ArchiveError('ARCHIVE_CORRUPT', 'A link target contains a NUL byte', path);
    if (target.length > this.limits.maxPathLength) throw unsafeLink(path, `has a target longer than ${this.limits.maxPathLength} characters`);
    if (CONTROL.test(target)) throw unsafeLink(path, 'has a target with a control character');
    if (target.startsWith('/')) throw unsafeLink(path, `points to the absolute path ${quoteEntry(target)}`);
    const resolved = posix.normalize(posix.join(posix.dirname(path), target));
    if (resolved === '..' || resolved.startsWith('../')) throw unsafeLink(path, `points outside the source tree (${quoteEntry(target)})`);
    return target;
  }

  private checkHardlinkTarget(path: string, raw: string): string {
    let target: string;
    try {
      target = normalizeEntryPath(raw, this.limits.maxPathLength, this.limits.maxPathDepth);
    } catch (err) {
      if ((err as ArchiveError).code === 'ARCHIVE_CORRUPT') throw err;
      throw unsafeLink(path, `is a hard link to ${quoteEntry(raw)}, outside the source tree`);
    }
    if (this.kinds.get(target) !== 'file') {
      throw unsafeLink(path, `is a hard link to ${quoteEntry(raw)}, which is not a regular file earlier in the archive`);
    }
    return target;
  }
}
