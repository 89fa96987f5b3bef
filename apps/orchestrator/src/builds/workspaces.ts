import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { emptyDirectory, removeTree } from '@deploysphere/common';

/** Where one build fetches its source (`srcDir`) and its runner leaves the output (`outDir`). */
export interface Workspace {
  dir: string;
  srcDir: string;
  outDir: string;
}

/**
 * Build workspaces, reused: a finished build's workspace is emptied and handed to the next build
 * rather than removed and made again. Making and removing three directories per build cost more
 * than the rest of a no-op build's file work on this machine's disk (docs/builds.md, "File-system
 * calls on the build path"). Each orchestrator instance has its own set, under
 * `<BUILD_WORK_DIR>/workspaces/<instance id>/<n>`, wiped before the first build: files a crash
 * left there belong to builds that are resumed (in a fresh workspace) or failed, never continued
 * in an old one. Instance ids are unique already (leases are held under them).
 */
export class WorkspacePool {
  private readonly root: string;
  private readonly free: string[] = [];
  private made = 0;
  private wiped?: Promise<void>;

  constructor(workDir: string, instanceId: string) {
    this.root = join(workDir, 'workspaces', instanceId.replace(/[^A-Za-z0-9._-]/g, '_'));
  }

  async acquire(): Promise<Workspace> {
    // Tried again by the next build if it failed (this build then fails with the error).
    await (this.wiped ??= removeTree(this.root).catch((error: unknown) => {
      this.wiped = undefined;
      throw error;
    }));
    const reused = this.free.pop();
    const dir = reused ?? join(this.root, String(this.made++));
    const workspace = { dir, srcDir: join(dir, 'src'), outDir: join(dir, 'out') };
    if (!reused) {
      await mkdir(workspace.srcDir, { recursive: true });
      await mkdir(workspace.outDir, { recursive: true });
    }
    return workspace;
  }

  /**
   * Empties the workspace for the next build. One whose `src/` or `out/` is no longer a plain
   * directory (a build can replace it with a link) is removed instead (links are not followed).
   */
  async release(workspace: Workspace): Promise<void> {
    try {
      if ((await emptyDirectory(workspace.srcDir)) && (await emptyDirectory(workspace.outDir))) {
        this.free.push(workspace.dir);
        return;
      }
    } catch {
      // Not reusable: removed below.
    }
    await removeTree(workspace.dir);
  }

  /** Workspaces waiting for a build. */
  get idle(): number {
    return this.free.length;
  }
}
