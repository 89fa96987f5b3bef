import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { FsArtifactStore } from '@deploysphere/storage';
import {
  ArchiveError,
  DEFAULT_ARCHIVE_LIMITS,
  DefaultSourceFetcher,
  extractSourceArchive,
  SourceUploads,
  type ArchiveLimits,
  type SourceOptions,
} from '@deploysphere/source';
import { DomainError } from '@deploysphere/common';
import { SITE, tarGzOf, tarOf, type TarEntry } from '../../support/archives';

/** Sets one byte of the tar header at `header` and writes its checksum again (as tar does: the field counted as spaces). */
function setHeaderByte(tar: Buffer, header: number, offset: number, value: number): void {
  tar[header + offset] = value;
  tar.fill(0x20, header + 148, header + 156);
  let sum = 0;
  for (let i = header; i < header + 512; i++) sum += tar[i];
  tar.write(`${sum.toString(8).padStart(6, '0')}\0 `, header + 148, 'latin1');
}

const files = (dir: string): string[] => (existsSync(dir) ? readdirSync(dir, { recursive: true }).map(String) : []);

describe('source archives: intake and extraction', () => {
  let root: string;
  let store: FsArtifactStore;
  let options: SourceOptions;

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'ds-archive-'));
    store = new FsArtifactStore(join(root, 'artifacts'));
    options = { limits: { ...DEFAULT_ARCHIVE_LIMITS }, spoolDir: join(root, 'spool'), gitTimeoutMs: 10_000 };
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  const uploads = (limits: Partial<ArchiveLimits> = {}) => new SourceUploads(store, { ...options, limits: { ...options.limits, ...limits } });

  /** The upload is refused with `code`, and neither the store nor the spool keeps a byte of it. */
  async function expectRejected(body: Buffer, code: string, limits: Partial<ArchiveLimits> = {}): Promise<ArchiveError> {
    const error = await uploads(limits)
      .accept('dpl_test.tar.gz', Readable.from([body]))
      .then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(ArchiveError);
    expect((error as ArchiveError).code).toBe(code);
    expect(files(join(root, 'artifacts', 'sources'))).toEqual([]);
    expect(files(options.spoolDir)).toEqual([]);
    // Extraction (the orchestrator's side) applies the same rules and leaves nothing behind, from a
    // stream and from the archive in memory (a small stored archive is read at once).
    for (const input of [Readable.from([body]), body]) {
      const target = join(root, `extract-${randomBytes(4).toString('hex')}`);
      const again = await extractSourceArchive(input, target, { ...options.limits, ...limits }).then(() => undefined, (e: unknown) => e);
      expect((again as ArchiveError | undefined)?.code).toBe(code);
      expect(files(target)).toEqual([]);
    }
    return error as ArchiveError;
  }

  const hostile: [string, TarEntry[], string][] = [
    ['an absolute path', [{ name: '/etc/cron.d/evil', content: 'x' }], 'ARCHIVE_UNSAFE_PATH'],
    ['a leading .. segment', [{ name: '../escape.txt', content: 'x' }], 'ARCHIVE_UNSAFE_PATH'],
    ['a .. segment in the middle', [{ name: 'a/../../escape.txt', content: 'x' }], 'ARCHIVE_UNSAFE_PATH'],
    ['a .. directory', [{ name: 'ok.txt', content: 'x' }, { name: '../', type: 'directory' }], 'ARCHIVE_UNSAFE_PATH'],
    ['an absolute symlink', [{ name: 'index.html', content: 'x' }, { name: 'passwd', type: 'symlink', linkname: '/etc/passwd' }], 'ARCHIVE_UNSAFE_LINK'],
    ['a symlink climbing out', [{ name: 'd/up', type: 'symlink', linkname: '../../../etc' }], 'ARCHIVE_UNSAFE_LINK'],
    [
      'a symlink that escapes only through another symlink',
      [
        { name: 'index.html', content: 'x' },
        { name: 'd/b', type: 'symlink', linkname: '..' },
        { name: 'a', type: 'symlink', linkname: 'd/b/..' },
      ],
      'ARCHIVE_UNSAFE_LINK',
    ],
    [
      'a file written through a symlink',
      [
        { name: 'out', type: 'symlink', linkname: '.' },
        { name: 'out/x.txt', content: 'x' },
      ],
      'ARCHIVE_UNSAFE_PATH',
    ],
    ['a hard link to an absolute path', [{ name: 'shadow', type: 'link', linkname: '/etc/shadow' }], 'ARCHIVE_UNSAFE_LINK'],
    ['a hard link climbing out', [{ name: 'h', type: 'link', linkname: '../../outside' }], 'ARCHIVE_UNSAFE_LINK'],
    ['a hard link to a file not in the archive', [{ name: 'h', type: 'link', linkname: 'missing.txt' }], 'ARCHIVE_UNSAFE_LINK'],
    ['a character device', [{ name: 'null', type: 'character-device', devmajor: 1, devminor: 3 }], 'ARCHIVE_UNSUPPORTED_ENTRY'],
    ['a block device', [{ name: 'sda', type: 'block-device', devmajor: 8, devminor: 0 }], 'ARCHIVE_UNSUPPORTED_ENTRY'],
    ['a fifo', [{ name: 'pipe', type: 'fifo' }], 'ARCHIVE_UNSUPPORTED_ENTRY'],
    ['the same file twice', [{ name: 'a.txt', content: '1' }, { name: './a.txt', content: '2' }], 'ARCHIVE_DUPLICATE_ENTRY'],
    ['a path longer than the limit', [{ name: `${'d/'.repeat(600)}x`, content: 'x' }], 'ARCHIVE_PATH_TOO_LONG'],
    ['400 nested folders', [{ name: `${'a/'.repeat(400)}x`, content: 'x' }], 'ARCHIVE_PATH_TOO_DEEP'],
    ['400 nested directory entries', Array.from({ length: 400 }, (_, i): TarEntry => ({ name: `${'a/'.repeat(i + 1)}`, type: 'directory' })), 'ARCHIVE_PATH_TOO_DEEP'],
    ['a NUL inside a ustar name', [{ name: 'index.html', content: 'x' }, { name: 'evil\0.txt', content: 'x' }], 'ARCHIVE_CORRUPT'],
    ['a NUL inside a symlink target field', [{ name: 'index.html', content: 'x' }, { name: 'l', type: 'symlink', linkname: 'index.html\0/../../etc' }], 'ARCHIVE_CORRUPT'],
    ['a NUL inside a pax path', [{ name: 'index.html', content: 'x' }, { name: 'x.txt', content: 'x', pax: { path: 'evil\0.txt' } }], 'ARCHIVE_CORRUPT'],
    ['only directories', [{ name: './', type: 'directory' }, { name: 'd/', type: 'directory' }], 'ARCHIVE_EMPTY'],
  ];

  it.each(hostile)('refuses %s (%#)', async (_what, entries, code) => {
    await expectRejected(await tarGzOf(entries), code);
  });

  it('names the offending entry in the error', async () => {
    const error = await expectRejected(await tarGzOf([{ name: 'ok.txt', content: 'x' }, { name: '../../etc/passwd', content: 'x' }]), 'ARCHIVE_UNSAFE_PATH');
    expect(error.details).toEqual({ entry: '../../etc/passwd' });
    expect(error.kind).toBe('bad_request');
  });

  describe('corrupt data', () => {
    it('refuses a body that is not gzip', async () => {
      await expectRejected(randomBytes(4096), 'ARCHIVE_CORRUPT');
      await expectRejected(await tarOf(SITE), 'ARCHIVE_CORRUPT');
    });

    it('refuses an empty body', async () => {
      await expectRejected(Buffer.alloc(0), 'ARCHIVE_CORRUPT');
    });

    it('refuses truncated gzip', async () => {
      const gz = await tarGzOf(SITE);
      await expectRejected(gz.subarray(0, gz.length - 20), 'ARCHIVE_CORRUPT');
    });

    it('refuses gzip of something that is not a tar', async () => {
      await expectRejected(gzipSync(Buffer.from('just some text, not a tar archive\n'.repeat(100))), 'ARCHIVE_CORRUPT');
    });

    it('refuses a tar header with a bad checksum', async () => {
      const tar = await tarOf([{ name: 'a.txt', content: 'hello' }, { name: 'b.txt', content: 'world' }]);
      tar[512 * 2 + 10] ^= 0xff; // inside the second entry's header name
      await expectRejected(gzipSync(tar), 'ARCHIVE_CORRUPT');
    });

    it('refuses a NUL inside a GNU long name instead of cutting the name there', async () => {
      const name = `${'d/'.repeat(60)}evil\0.txt\0`;
      const tar = await tarOf([
        { name: 'index.html', content: 'x' },
        { name: '././@LongLink', content: name },
        { name: 'placeholder', content: 'x' },
      ]);
      // The second entry becomes a GNU long-name header ('L') for the third.
      setHeaderByte(tar, 512 * 2, 156, 0x4c);
      const honest = Buffer.from(tar);
      honest.fill(0, 512 * 3 + name.indexOf('\0'), 512 * 3 + name.length);
      Buffer.from(name.slice(0, name.indexOf('\0'))).copy(honest, 512 * 3);
      // Control: the same archive with the name ending at its NUL is read (its path is the long name).
      await expect(extractSourceArchive(gzipSync(honest), join(root, 'honest'), options.limits)).resolves.toMatchObject({ files: 2 });
      await expectRejected(gzipSync(tar), 'ARCHIVE_CORRUPT');
    });

    it('refuses a tar cut in the middle of a file', async () => {
      const tar = await tarOf([{ name: 'big.bin', content: randomBytes(10_000) }]);
      await expectRejected(gzipSync(tar.subarray(0, 4096)), 'ARCHIVE_CORRUPT');
    });
  });

  describe('limits', () => {
    it('refuses an archive larger than the compressed limit', async () => {
      await expectRejected(await tarGzOf([{ name: 'noise.bin', content: randomBytes(64 * 1024) }]), 'ARCHIVE_TOO_LARGE', { maxCompressedBytes: 16 * 1024 });
    });

    it('refuses a declared Content-Length over the limit before reading anything', async () => {
      const body = new PassThrough();
      const error = await uploads({ maxCompressedBytes: 1024 })
        .accept('dpl_test.tar.gz', body, 10_000)
        .then(() => undefined, (e: unknown) => e);
      expect((error as ArchiveError).code).toBe('ARCHIVE_TOO_LARGE');
      expect(body.readableFlowing).toBeNull();
    });

    it('refuses an archive that expands past the uncompressed limit', async () => {
      await expectRejected(
        await tarGzOf([
          { name: 'a.bin', content: randomBytes(40 * 1024) },
          { name: 'b.bin', content: randomBytes(40 * 1024) },
        ]),
        'ARCHIVE_UNCOMPRESSED_TOO_LARGE',
        { maxUncompressedBytes: 64 * 1024 },
      );
    });

    it('refuses a tar bomb by its compression ratio', async () => {
      // 24 MiB of zeros gzip to ~24 KiB: a ratio of ~1000.
      const bomb = await tarGzOf([{ name: 'zeros.bin', content: Buffer.alloc(24 * 1024 * 1024) }]);
      expect(bomb.length).toBeLessThan(100 * 1024);
      await expectRejected(bomb, 'ARCHIVE_COMPRESSION_RATIO_TOO_HIGH', { maxCompressionRatio: 100 });
    });

    it('refuses more entries than allowed', async () => {
      const many = Array.from({ length: 11 }, (_, i): TarEntry => ({ name: `f${i}.txt`, content: String(i) }));
      await expectRejected(await tarGzOf(many), 'ARCHIVE_TOO_MANY_FILES', { maxFiles: 10 });
    });

    it('refuses a single file over the per-file limit', async () => {
      await expectRejected(await tarGzOf([{ name: 'big.bin', content: Buffer.alloc(2048, 1) }]), 'ARCHIVE_ENTRY_TOO_LARGE', { maxFileBytes: 1024 });
    });
  });

  it('stores a valid archive as-is and extracts it with safe modes and links', async () => {
    const gz = await tarGzOf([...SITE, { name: './setuid', content: 'x', mode: 0o4755 }]);
    const accepted = await uploads().accept('dpl_ok.tar.gz', Readable.from([gz.subarray(0, 100), gz.subarray(100)]));
    expect(accepted).toMatchObject({ sourceKey: 'dpl_ok.tar.gz', files: 4, directories: 1, symlinks: 1, hardlinks: 1, compressedBytes: gz.length });
    expect(readFileSync(join(root, 'artifacts', 'sources', 'dpl_ok.tar.gz')).equals(gz)).toBe(true);
    expect(files(options.spoolDir)).toEqual([]);

    const fetcher = new DefaultSourceFetcher(store, options, { credentialFor: async () => undefined });
    const target = join(root, 'work');
    await expect(fetcher.fetch({ deploymentId: 'dpl_ok', projectId: 'prj_x', source: 'UPLOAD', sourceKey: 'dpl_ok.tar.gz' }, target)).resolves.toEqual({});
    expect(readFileSync(join(target, 'index.html'), 'utf8')).toBe('<h1>hello</h1>');
    expect(readFileSync(join(target, 'assets/copy.css'), 'utf8')).toBe('h1{color:red}');
    expect(readlinkSync(join(target, 'latest'))).toBe('index.html');
    expect(statSync(join(target, 'bin/build.sh')).mode & 0o7777).toBe(0o755);
    expect(statSync(join(target, 'setuid')).mode & 0o7777).toBe(0o755);
    expect(statSync(join(target, 'index.html')).mode & 0o7777).toBe(0o644);

    // In memory (the small-archive path) and streamed: the same summary.
    const fromMemory = await extractSourceArchive(gz, join(root, 'memory'), options.limits);
    const fromStream = await extractSourceArchive(Readable.from([gz]), join(root, 'stream'), options.limits);
    expect(fromMemory).toEqual(fromStream);
    expect(fromMemory).toMatchObject({ files: 4, compressedBytes: gz.length });
    expect(fromMemory.uncompressedBytes).toBeGreaterThan(gz.length);
  });

  it('reports a missing stored archive with a stable code', async () => {
    const fetcher = new DefaultSourceFetcher(store, options, { credentialFor: async () => undefined });
    await expect(fetcher.fetch({ deploymentId: 'dpl_x', projectId: 'prj_x', source: 'UPLOAD', sourceKey: 'gone.tar.gz' }, join(root, 'w'))).rejects.toMatchObject({
      code: 'SOURCE_ARCHIVE_MISSING',
    });
  });

  it('empties the target again when an archive fails half-way through extraction', async () => {
    const target = join(root, 'half');
    const gz = await tarGzOf([{ name: 'first.txt', content: 'written before the bad entry' }, { name: 'd/../../x', content: 'x' }]);
    await expect(extractSourceArchive(Readable.from([gz]), target, options.limits)).rejects.toMatchObject({ code: 'ARCHIVE_UNSAFE_PATH' });
    expect(files(target)).toEqual([]);
  });

  it('refuses to extract into a directory that is not empty', async () => {
    const target = join(root, 'busy');
    await extractSourceArchive(Readable.from([await tarGzOf(SITE)]), target, options.limits);
    writeFileSync(join(target, 'extra'), 'x');
    await expect(extractSourceArchive(Readable.from([await tarGzOf(SITE)]), target, options.limits)).rejects.toThrow(/not empty/);
  });

  it('stores nothing when the upload stream breaks off', async () => {
    const gz = await tarGzOf([{ name: 'noise.bin', content: randomBytes(256 * 1024) }]);
    const body = new PassThrough();
    const accepting = uploads().accept('dpl_cut.tar.gz', body);
    body.write(gz.subarray(0, 64 * 1024));
    setImmediate(() => body.destroy(new Error('socket hang up')));
    const error = await accepting.then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).code).toBe('REQUEST_ABORTED');
    expect(files(join(root, 'artifacts', 'sources'))).toEqual([]);
    expect(files(options.spoolDir)).toEqual([]);
  });
});
