import { ArchiveEntryPolicy, normalizeEntryPath, symlinkStaysInside, type RawEntryHeader } from './archive-entries';
import { DEFAULT_ARCHIVE_LIMITS, type ArchiveLimits } from './archive-limits';
import { ArchiveError } from './archive.errors';

const file = (name: string, size = 1, mode = 0o644): RawEntryHeader => ({ name, type: 'file', size, mode });
const dir = (name: string): RawEntryHeader => ({ name, type: 'directory', size: 0 });
const symlink = (name: string, linkname: string): RawEntryHeader => ({ name, type: 'symlink', size: 0, linkname });
const hardlink = (name: string, linkname: string): RawEntryHeader => ({ name, type: 'link', size: 0, linkname });

function policyOf(headers: RawEntryHeader[], limits: Partial<ArchiveLimits> = {}) {
  const policy = new ArchiveEntryPolicy({ ...DEFAULT_ARCHIVE_LIMITS, ...limits });
  const accepted = headers.map((h) => policy.accept(h));
  return { policy, accepted, links: () => policy.finish() };
}

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    if (error instanceof ArchiveError) return error.code;
    throw error;
  }
  return undefined;
}

describe('normalizeEntryPath', () => {
  it.each([
    ['./index.html', 'index.html'],
    ['././a/b/', 'a/b'],
    ['a', 'a'],
    ['./', ''],
    ['.', ''],
  ])('normalizes %j to %j', (raw, expected) => {
    expect(normalizeEntryPath(raw, 1024)).toBe(expected);
  });

  it.each([
    ['/etc/passwd', 'ARCHIVE_UNSAFE_PATH'],
    ['../x', 'ARCHIVE_UNSAFE_PATH'],
    ['a/../../x', 'ARCHIVE_UNSAFE_PATH'],
    ['a/..', 'ARCHIVE_UNSAFE_PATH'],
    ['a//b', 'ARCHIVE_UNSAFE_PATH'],
    ['a/./b', 'ARCHIVE_UNSAFE_PATH'],
    ['a\\..\\b', 'ARCHIVE_UNSAFE_PATH'],
    ['a\nb', 'ARCHIVE_UNSAFE_PATH'],
    [`${'x'.repeat(256)}/y`, 'ARCHIVE_PATH_TOO_LONG'],
    ['x/'.repeat(600), 'ARCHIVE_PATH_TOO_LONG'],
    [`${'x/'.repeat(64)}y`, 'ARCHIVE_PATH_TOO_DEEP'],
    ['evil\0.txt', 'ARCHIVE_CORRUPT'],
  ])('refuses %j with %s', (raw, code) => {
    expect(codeOf(() => normalizeEntryPath(raw, 1024, 64))).toBe(code);
  });

  it('accepts a path exactly as deep as the limit', () => {
    expect(normalizeEntryPath(`./${'x/'.repeat(63)}y`, 1024, 64)).toBe(`${'x/'.repeat(63)}y`);
  });
});

describe('symlinkStaysInside', () => {
  const links = (entries: Record<string, string>) => new Map(Object.entries(entries));

  it('follows relative targets lexically inside the tree', () => {
    expect(symlinkStaysInside('a/b/link', '../c', links({}))).toBe(true);
    expect(symlinkStaysInside('link', '.', links({}))).toBe(true);
    expect(symlinkStaysInside('a/link', '../../x', links({}))).toBe(false);
  });

  it('follows the archive\'s own links, as the kernel would after extraction', () => {
    // d/b -> .. is the root; a -> d/b/.. therefore climbs out of it, although it normalizes to "d".
    const table = links({ 'd/b': '..', a: 'd/b/..' });
    expect(symlinkStaysInside('d/b', '..', table)).toBe(true);
    expect(symlinkStaysInside('a', 'd/b/..', table)).toBe(false);
  });

  it('treats a link loop or a hop to an absolute target as outside', () => {
    expect(symlinkStaysInside('a', 'b/x', links({ a: 'b/x', b: 'a' }))).toBe(false);
    expect(symlinkStaysInside('a', 'b/x', links({ a: 'b/x', b: '/etc' }))).toBe(false);
  });
});

describe('ArchiveEntryPolicy', () => {
  it('accepts a plain tree and counts it', () => {
    const { policy, accepted, links } = policyOf([dir('./'), file('./a.txt', 5), dir('./d/'), file('./d/run.sh', 3, 0o755), symlink('./l', 'a.txt'), hardlink('./h', './a.txt')]);
    expect(accepted[0]).toBeUndefined();
    expect(accepted[3]).toMatchObject({ path: 'd/run.sh', executable: true });
    expect(links()).toEqual({ symlinks: [{ path: 'l', target: 'a.txt' }], hardlinks: [{ path: 'h', target: 'a.txt', size: 5 }] });
    expect(policy.counts).toEqual({ files: 2, directories: 1, symlinks: 1, hardlinks: 1, extractedBytes: 13 });
  });

  it.each([
    ['a character device', [{ name: 'tty', type: 'character-device', size: 0 }], 'ARCHIVE_UNSUPPORTED_ENTRY'],
    ['a block device', [{ name: 'sda', type: 'block-device', size: 0 }], 'ARCHIVE_UNSUPPORTED_ENTRY'],
    ['a fifo', [{ name: 'pipe', type: 'fifo', size: 0 }], 'ARCHIVE_UNSUPPORTED_ENTRY'],
    ['an unknown type', [{ name: 'x', type: null, size: 0 }], 'ARCHIVE_UNSUPPORTED_ENTRY'],
    ['an absolute symlink', [symlink('l', '/etc/passwd')], 'ARCHIVE_UNSAFE_LINK'],
    ['a symlink climbing out', [symlink('d/l', '../../etc')], 'ARCHIVE_UNSAFE_LINK'],
    ['a hard link to an absolute path', [hardlink('h', '/etc/passwd')], 'ARCHIVE_UNSAFE_LINK'],
    ['a hard link climbing out', [hardlink('h', '../outside')], 'ARCHIVE_UNSAFE_LINK'],
    ['a hard link to a later or missing file', [hardlink('h', 'later'), file('later')], 'ARCHIVE_UNSAFE_LINK'],
    ['a hard link to a symlink', [symlink('s', 'a'), file('a'), hardlink('h', 's')], 'ARCHIVE_UNSAFE_LINK'],
    ['a file stored beneath a symlink', [symlink('s', 'd'), file('s/x')], 'ARCHIVE_UNSAFE_PATH'],
    ['a file stored beneath a file', [file('f'), file('f/x')], 'ARCHIVE_UNSAFE_PATH'],
    ['a duplicate file', [file('a'), file('a')], 'ARCHIVE_DUPLICATE_ENTRY'],
    ['a symlink replacing a directory used earlier', [file('d/x'), symlink('d', '.')], 'ARCHIVE_DUPLICATE_ENTRY'],
    ['a root entry that is not a directory', [file('./')], 'ARCHIVE_UNSAFE_PATH'],
  ])('refuses %s', (_what, headers, code) => {
    expect(codeOf(() => policyOf(headers as RawEntryHeader[]).links())).toBe(code);
  });

  it('accepts a directory repeated, and a file under a directory declared later', () => {
    expect(() => policyOf([dir('d'), dir('d/'), file('e/x'), dir('e')]).links()).not.toThrow();
  });

  it('refuses an archive with no file at all', () => {
    expect(codeOf(() => policyOf([dir('./'), dir('d')]).links())).toBe('ARCHIVE_EMPTY');
  });

  it('enforces the entry, file size and extracted size limits', () => {
    expect(codeOf(() => policyOf([file('a'), file('b'), file('c')], { maxFiles: 2 }))).toBe('ARCHIVE_TOO_MANY_FILES');
    expect(codeOf(() => policyOf([file('a', 11)], { maxFileBytes: 10 }))).toBe('ARCHIVE_ENTRY_TOO_LARGE');
    // Hard links are extracted as copies: they count again.
    expect(codeOf(() => policyOf([file('a', 6), hardlink('b', 'a')], { maxUncompressedBytes: 10 }))).toBe('ARCHIVE_UNCOMPRESSED_TOO_LARGE');
  });

  it('reports the offending entry with control characters escaped', () => {
    try {
      policyOf([file('../evil\u0007')]);
      throw new Error('accepted');
    } catch (error) {
      expect(error).toBeInstanceOf(ArchiveError);
      expect((error as ArchiveError).details).toEqual({ entry: '../evil\\u0007' });
      expect((error as ArchiveError).kind).toBe('bad_request');
    }
  });
});
