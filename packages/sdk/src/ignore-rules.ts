import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { IGNORE_FILES, ignoreScope, isExcluded, type IgnoreScope } from './upload-rules';

export { IGNORE_FILES, NEVER_SHIPPED, NEVER_UPLOADED, isNeverUploaded } from './upload-rules';

export interface SourceFile {
  /** Forward-slash path relative to the root. */
  path: string;
  absolutePath: string;
  size: number;
  mode: number;
}

/**
 * The files of `root` that a deploy uploads, in a stable order: `.gitignore` and
 * `.deploysphereignore` at any level (git semantics: a file's rules apply below its directory,
 * `!` re-includes), then {@link NEVER_UPLOADED} (upload-rules.ts, shared with the dashboard).
 * Symbolic links and special files are skipped: a link could point outside the folder.
 */
export function listSourceFiles(root: string): SourceFile[] {
  const files: SourceFile[] = [];
  const walk = (dir: string, rel: string, scopes: IgnoreScope[]): void => {
    const own = ignoreScope(rel, IGNORE_FILES.map((name) => readText(join(dir, name))));
    const active = own ? [...scopes, own] : scopes;
    const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const path = `${rel}${entry.name}`;
      const isDir = entry.isDirectory();
      if (!isDir && !entry.isFile()) continue;
      if (isExcluded(isDir ? `${path}/` : path, active)) continue;
      const absolutePath = join(dir, entry.name);
      if (isDir) walk(absolutePath, `${path}/`, active);
      else {
        const stat = statSync(absolutePath);
        files.push({ path, absolutePath, size: stat.size, mode: stat.mode & 0o777 });
      }
    }
  };
  walk(root, '', []);
  return files;
}

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}
