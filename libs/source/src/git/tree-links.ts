import type { Dirent } from 'node:fs';
import { readdir, readlink, realpath } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { SourceFetchError } from '../source.errors';

const inside = (root: string, path: string) => path === root || path.startsWith(root + sep);

/**
 * Refuses a checked-out tree with a symlink that leads outside it (absolute, `..` past the root,
 * or through other links): whatever later reads the tree on this host must not be sent
 * elsewhere. Dangling links that stay inside are fine.
 */
export async function assertLinksStayInside(dir: string): Promise<void> {
  const root = await realpath(dir);
  const pending = [root];
  while (pending.length > 0) {
    const current = pending.pop()!;
    const entries: Dirent[] = await readdir(current, { withFileTypes: true });
    for (const entry of entries) {
      const path = join(current, entry.name);
      if (entry.isDirectory()) pending.push(path);
      if (!entry.isSymbolicLink()) continue;
      const target = await readlink(path);
      const unsafe = () =>
        new SourceFetchError('SOURCE_UNSAFE_LINK', `The symlink ${JSON.stringify(relative(root, path))} points outside the source tree (${JSON.stringify(target)})`);
      if (isAbsolute(target) || !inside(root, resolve(dirname(path), target))) throw unsafe();
      const real = await realpath(path).catch((error: NodeJS.ErrnoException) => {
        if (error.code === 'ENOENT') return undefined;
        if (error.code === 'ELOOP') throw unsafe();
        throw error;
      });
      if (real !== undefined && !inside(root, real)) throw unsafe();
    }
  }
}
