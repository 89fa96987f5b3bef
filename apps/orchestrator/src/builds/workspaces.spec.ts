import { mkdir, mkdtemp, readdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WorkspacePool } from './workspaces';

let workDir: string;
beforeEach(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'ds-workspaces-'));
});
afterEach(async () => {
  await rm(workDir, { recursive: true, force: true });
});

describe('WorkspacePool', () => {
  it('hands out empty workspaces, and a released one, emptied, to the next build', async () => {
    const pool = new WorkspacePool(workDir, 'orch-1');
    const a = await pool.acquire();
    const b = await pool.acquire();
    expect(a.dir).not.toBe(b.dir);
    expect(a.dir.startsWith(join(workDir, 'workspaces', 'orch-1'))).toBe(true);
    for (const w of [a, b]) expect([await readdir(w.srcDir), await readdir(w.outDir)]).toEqual([[], []]);
    await mkdir(join(a.srcDir, 'node_modules/x'), { recursive: true });
    await writeFile(join(a.srcDir, 'node_modules/x/index.js'), 'x');
    await writeFile(join(a.outDir, 'index.html'), 'y');
    await pool.release(a);
    expect(pool.idle).toBe(1);
    const c = await pool.acquire();
    expect(c.dir).toBe(a.dir);
    expect([await readdir(c.srcDir), await readdir(c.outDir)]).toEqual([[], []]);
  });

  it('removes, never reuses, a workspace whose out/ was replaced by a link, and leaves the target alone', async () => {
    const pool = new WorkspacePool(workDir, 'orch-1');
    const outside = join(workDir, 'outside');
    await mkdir(outside);
    await writeFile(join(outside, 'keep.txt'), 'kept');
    const a = await pool.acquire();
    await rm(a.outDir, { recursive: true });
    await symlink(outside, a.outDir);
    await pool.release(a);
    expect(pool.idle).toBe(0);
    await expect(stat(a.dir)).rejects.toThrow(/ENOENT/);
    expect(await readFile(join(outside, 'keep.txt'), 'utf8')).toBe('kept');
    const b = await pool.acquire();
    expect((await stat(b.outDir)).isDirectory()).toBe(true);
  });

  it("wipes what an earlier process of the same instance left, and only that instance's", async () => {
    const earlier = new WorkspacePool(workDir, 'orch-1');
    const left = await earlier.acquire();
    await writeFile(join(left.outDir, 'stale.html'), 'stale');
    const other = await new WorkspacePool(workDir, 'orch-2').acquire();
    await writeFile(join(other.outDir, 'busy.html'), 'busy');

    const restarted = new WorkspacePool(workDir, 'orch-1');
    const fresh = await restarted.acquire();
    expect(await readdir(fresh.outDir)).toEqual([]);
    expect(await readdir(join(workDir, 'workspaces', 'orch-1'))).toEqual(['0']);
    expect(await readFile(join(other.outDir, 'busy.html'), 'utf8')).toBe('busy');
  });

  it('fails the build whose start could not wipe the old set, and tries again for the next one', async () => {
    await writeFile(join(workDir, 'workspaces'), 'a file where the directory should be');
    const pool = new WorkspacePool(workDir, 'orch-1');
    await expect(pool.acquire()).rejects.toThrow(/ENOTDIR/);
    await rm(join(workDir, 'workspaces'));
    const w = await pool.acquire();
    expect(await readdir(w.outDir)).toEqual([]);
  });
});
