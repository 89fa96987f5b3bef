import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pack } from 'tar-stream';
import { extractArchive, packDirectory, readFirstFile } from './archive';
import { OutputTooLargeError } from './build-failure';

function tarOf(entries: Array<{ name: string; type?: 'file' | 'directory' | 'symlink' | 'link' | 'fifo'; body?: string; linkname?: string }>): Readable {
  const p = pack();
  for (const e of entries) {
    if (e.type === 'file' || e.type === undefined) p.entry({ name: e.name, type: 'file' }, e.body ?? '');
    else p.entry({ name: e.name, type: e.type, linkname: e.linkname });
  }
  p.finalize();
  return p as unknown as Readable;
}

describe('archive helpers', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'ds-archive-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('extracts files and directories under the stripped prefix', async () => {
    const out = join(dir, 'out');
    const r = await extractArchive(tarOf([{ name: 'out/', type: 'directory' }, { name: 'out/a/b.txt', body: 'hi' }, { name: 'out/index.html', body: '<h1>' }]), out, { strip: 'out', maxBytes: 100 });
    expect(r).toMatchObject({ files: 2, bytes: 6, skipped: [] });
    expect(readFileSync(join(out, 'a', 'b.txt'), 'utf8')).toBe('hi');
  });

  it('skips what could escape the destination: absolute names, .., links of any kind, FIFOs', async () => {
    const out = join(dir, 'out');
    const r = await extractArchive(
      tarOf([
        { name: '/etc/evil', body: 'x' },
        { name: '../evil', body: 'x' },
        { name: 'a/../../evil', body: 'x' },
        { name: 'link', type: 'symlink', linkname: '/etc' },
        { name: 'inner', type: 'symlink', linkname: 'index.html' },
        { name: 'hard', type: 'link', linkname: 'index.html' },
        { name: 'fifo', type: 'fifo' },
        { name: 'index.html', body: 'ok' },
      ]),
      out,
      { maxBytes: 100 },
    );
    expect(r.files).toBe(1);
    expect(r.skipped.sort()).toEqual(['../evil', '/etc/evil', 'a/../../evil', 'fifo', 'hard', 'inner', 'link'].sort());
    expect(readFileSync(join(out, 'index.html'), 'utf8')).toBe('ok');
  });

  it('stops at the byte limit (a build cannot fill the disk)', async () => {
    await expect(extractArchive(tarOf([{ name: 'a', body: 'x'.repeat(60) }, { name: 'b', body: 'x'.repeat(60) }]), join(dir, 'o'), { maxBytes: 100 })).rejects.toBeInstanceOf(OutputTooLargeError);
  });

  it('packs a directory under a prefix with the given owner, symlinks as links, and reads it back', async () => {
    const src = join(dir, 'src');
    mkdirSync(join(src, 'sub'), { recursive: true });
    writeFileSync(join(src, 'sub', 'f.txt'), 'content');
    symlinkSync('sub/f.txt', join(src, 'l'));
    const headers: Array<{ name: string; uid?: number; type?: string }> = [];
    const { extract } = await import('tar-stream');
    const ex = extract();
    packDirectory(src, { prefix: 'src', uid: 10001, gid: 10001 }).pipe(ex as unknown as NodeJS.WritableStream);
    for await (const e of ex) {
      headers.push({ name: e.header.name, uid: e.header.uid, type: e.header.type });
      e.resume();
    }
    expect(headers).toEqual([
      { name: 'src', uid: 10001, type: 'directory' },
      { name: 'src/l', uid: 10001, type: 'symlink' },
      { name: 'src/sub', uid: 10001, type: 'directory' },
      { name: 'src/sub/f.txt', uid: 10001, type: 'file' },
    ]);
    expect(await readFirstFile(packDirectory(join(src, 'sub'), { prefix: 'x' }))).toBe('content');
  });
});
