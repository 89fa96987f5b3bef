import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { removeTree } from './fs';

let tmp: string;
beforeEach(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'ds-remove-tree-'));
});
afterEach(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('removeTree', () => {
  it('removes a nested tree of files, empty directories, links and FIFOs', async () => {
    const dir = join(tmp, 'workspace');
    await mkdir(join(dir, 'src/a/b/c'), { recursive: true });
    await mkdir(join(dir, 'out/empty'), { recursive: true });
    await writeFile(join(dir, 'src/a/b/c/deep.txt'), 'x');
    await writeFile(join(dir, 'out/index.html'), 'y');
    execFileSync('mkfifo', [join(dir, 'out/pipe')]);
    await symlink('a/b/c/deep.txt', join(dir, 'src/file-link'));
    await symlink('missing', join(dir, 'src/dangling'));
    await removeTree(dir);
    expect(await readdir(tmp)).toEqual([]);
  });

  it('removes a link to a directory without following it', async () => {
    const outside = join(tmp, 'outside');
    await mkdir(outside);
    await writeFile(join(outside, 'keep.txt'), 'kept');
    const dir = join(tmp, 'workspace');
    await mkdir(dir);
    await symlink(outside, join(dir, 'escape'));
    await removeTree(dir);
    await expect(stat(dir)).rejects.toThrow(/ENOENT/);
    expect(await readFile(join(outside, 'keep.txt'), 'utf8')).toBe('kept');
    // The path itself a link: the link goes, the directory stays.
    await symlink(outside, join(tmp, 'link'));
    await removeTree(join(tmp, 'link'));
    expect((await readdir(tmp)).sort()).toEqual(['outside']);
    expect(await readFile(join(outside, 'keep.txt'), 'utf8')).toBe('kept');
  });

  it('removes a large tree in slices, letting the event loop run in between', async () => {
    const dir = join(tmp, 'node_modules');
    for (let d = 0; d < 6; d++) {
      await mkdir(join(dir, `pkg${d}`, 'lib'), { recursive: true });
      await Promise.all(Array.from({ length: 100 }, (_, f) => writeFile(join(dir, `pkg${d}`, 'lib', `f${f}.js`), 'x')));
    }
    let ticks = 0;
    const ticking = setInterval(() => ticks++, 0);
    await removeTree(dir);
    clearInterval(ticking);
    expect(await readdir(tmp)).toEqual([]);
    expect(ticks).toBeGreaterThan(0);
  });

  it('removes a single file, and does nothing for a path that does not exist', async () => {
    await writeFile(join(tmp, 'file'), 'x');
    await removeTree(join(tmp, 'file'));
    await removeTree(join(tmp, 'absent'));
    await removeTree(join(tmp, 'absent/deeper'));
    expect(await readdir(tmp)).toEqual([]);
  });

  it('fails with the error of what could not be removed', async () => {
    await writeFile(join(tmp, 'file'), 'x');
    await expect(removeTree(join(tmp, 'file', 'below'))).rejects.toThrow(/ENOTDIR/);
  });
});
