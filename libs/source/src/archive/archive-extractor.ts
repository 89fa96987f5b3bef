import { closeSync, constants, open as openFd, readdirSync, realpathSync } from 'node:fs';
import { copyFile, mkdir, open, readdir, rm, symlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { promisify } from 'node:util';
import { SYNC_IO_MAX_BYTES, syncCall, writeAllSync } from '@deploysphere/common';
import type { ArchiveLimits } from './archive-limits';
import { readSourceArchive, type ArchiveSummary } from './archive-reader';

const CREATE_FILE = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;
const openNew = promisify(openFd);

/**
 * Extracts a gzipped tar into an empty directory, under the same rules as intake
 * (readSourceArchive). Files are created exclusively and never through a link (O_EXCL |
 * O_NOFOLLOW), links are created only after the whole archive has been checked, hard links
 * become copies, modes are reduced to 0644/0755 and ownership is ignored. On failure the
 * directory is emptied again. Files and directories are created through the thread pool; a small
 * file's content is written synchronously (see syncCall).
 */
export async function extractSourceArchive(input: Readable | Buffer, targetDir: string, limits: ArchiveLimits, signal?: AbortSignal): Promise<ArchiveSummary> {
  const created = await mkdir(targetDir, { recursive: true });
  const root = await syncCall(() => realpathSync.native(targetDir));
  // A directory this call created is empty; one that was there already is checked.
  if (created === undefined && (await syncCall(() => readdirSync(root))).length > 0) throw new Error(`extraction target ${root} is not empty`);
  const at = (path: string) => join(root, ...path.split('/'));
  // Directories known to exist, so a file's directory is made once, not before every file.
  const made = new Set([root]);
  const ensureDirectory = async (dir: string) => {
    if (made.has(dir)) return;
    await mkdir(dir, { recursive: true, mode: 0o755 });
    for (let d = dir; !made.has(d) && d !== dirname(d); d = dirname(d)) made.add(d);
  };
  try {
    const summary = await readSourceArchive(input, limits, {
      signal,
      onDirectory: (entry) => ensureDirectory(at(entry.path)),
      onFile: async (entry, content) => {
        const file = at(entry.path);
        await ensureDirectory(dirname(file));
        const mode = entry.executable ? 0o755 : 0o644;
        if (entry.size <= SYNC_IO_MAX_BYTES) {
          const chunks: Buffer[] = [];
          for await (const chunk of content) chunks.push(chunk);
          const fd = await openNew(file, CREATE_FILE, mode);
          try {
            writeAllSync(fd, chunks.length === 1 ? chunks[0] : Buffer.concat(chunks));
          } finally {
            closeSync(fd);
          }
          return;
        }
        const handle = await open(file, CREATE_FILE, mode);
        try {
          for await (const chunk of content) {
            for (let offset = 0; offset < chunk.length; ) offset += (await handle.write(chunk, offset)).bytesWritten;
          }
        } finally {
          await handle.close();
        }
      },
    });
    for (const link of summary.links.hardlinks) {
      await ensureDirectory(dirname(at(link.path)));
      await copyFile(at(link.target), at(link.path), constants.COPYFILE_EXCL);
    }
    for (const link of summary.links.symlinks) {
      await ensureDirectory(dirname(at(link.path)));
      await symlink(link.target, at(link.path));
    }
    return summary;
  } catch (error) {
    await emptyDirectory(root);
    throw error;
  }
}

async function emptyDirectory(dir: string): Promise<void> {
  const names = await readdir(dir).catch(() => [] as string[]);
  await Promise.all(names.map((name) => rm(join(dir, name), { recursive: true, force: true })));
}
