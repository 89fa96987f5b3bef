import { Logger } from '@nestjs/common';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rmdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** Where an image build's pids cap lives: a parent cgroup of its RUN containers. */
const CGROUP_PARENT = 'deploysphere-image-builds';

/**
 * The pids cap of an image build: one cgroup v1 per build under `deploysphere-image-builds`, with
 * `pids.max` set, given to the builder as the RUN containers' parent, so all of them together
 * stay under it. Needs cgroup v1 and root next to the builder; otherwise a warning, once, and no cap.
 */
export class BuildPidsCgroup {
  private readonly logger = new Logger('BuildPidsCgroup');
  private warned = false;

  constructor(private readonly root = '/sys/fs/cgroup') {}

  /** The parent cgroup path for the builder (`/deploysphere-image-builds/<id>`), or undefined without a cap. */
  async create(id: string, pids: number): Promise<string | undefined> {
    const controller = join(this.root, 'pids');
    try {
      if (!existsSync(join(controller, 'pids.max')) && !existsSync(join(controller, 'tasks'))) throw new Error('no cgroup v1 pids controller');
      const dir = join(controller, CGROUP_PARENT, id);
      await mkdir(dir, { recursive: true });
      await writeFile(join(dir, 'pids.max'), String(pids));
      return `/${CGROUP_PARENT}/${id}`;
    } catch (err) {
      if (!this.warned) {
        this.warned = true;
        this.logger.warn({ err: (err as Error).message }, 'image builds run without a pids limit (needs cgroup v1 and root next to the builder)');
      }
      return undefined;
    }
  }

  /** The processes still in the build's cgroups (its RUN steps), for a builder that must kill them itself. */
  async processes(id: string): Promise<number[]> {
    const dirs: string[] = [];
    const walk = async (dir: string): Promise<void> => {
      if (!existsSync(dir)) return;
      dirs.push(dir);
      for (const e of await readdir(dir, { withFileTypes: true }).catch(() => [])) if (e.isDirectory()) await walk(join(dir, e.name));
    };
    await walk(join(this.root, 'pids', CGROUP_PARENT, id));
    const pids = new Set<number>();
    for (const dir of dirs) {
      for (const line of (await readFile(join(dir, 'cgroup.procs'), 'utf8').catch(() => '')).split('\n')) if (line.trim()) pids.add(Number(line));
    }
    return [...pids];
  }

  /** Removes the build's cgroups (the builder made one per controller, children first); its processes are gone by now. */
  async release(id: string): Promise<void> {
    let controllers: string[];
    try {
      controllers = await readdir(this.root);
    } catch {
      return;
    }
    const removeTree = async (dir: string): Promise<void> => {
      for (const e of await readdir(dir, { withFileTypes: true }).catch(() => [])) if (e.isDirectory()) await removeTree(join(dir, e.name));
      await rmdir(dir).catch(() => undefined);
    };
    for (const controller of controllers) {
      const dir = join(this.root, controller, CGROUP_PARENT, id);
      if (existsSync(dir)) await removeTree(dir);
    }
  }
}
