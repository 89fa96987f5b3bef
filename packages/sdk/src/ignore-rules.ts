import ignore, { type Ignore } from 'ignore';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Credentials files, version-control data and OS litter (gitignore syntax: a name matches at
 * any depth, a directory takes its contents with it). They are exactly the names the platform
 * never publishes from a build's output (`NEVER_PUBLISHED` in libs/storage/src/publish-rules.ts,
 * but for `.deploysphereignore`, which is source the build reads); a spec holds the two equal.
 */
export const NEVER_SHIPPED = [
  '.env',
  '.env.*',
  '.git',
  '.hg',
  '.svn',
  '.git-credentials',
  '.npmrc',
  '.yarnrc',
  '.yarnrc.yml',
  '.pypirc',
  '.netrc',
  '_netrc',
  '.ssh',
  '.aws',
  '.gnupg',
  '.docker',
  '.kube',
  '.htpasswd',
  '.DS_Store',
] as const;

/** Never uploaded, whatever the ignore files say: {@link NEVER_SHIPPED}, and what is not source. */
export const NEVER_UPLOADED = [...NEVER_SHIPPED, 'node_modules/', '.deploysphere/'] as const;

/** Ignore files read in every directory, with gitignore syntax, relative to that directory. */
export const IGNORE_FILES = ['.gitignore', '.deploysphereignore'] as const;

export interface SourceFile {
  /** Forward-slash path relative to the root. */
  path: string;
  absolutePath: string;
  size: number;
  mode: number;
}

interface Scope {
  /** Directory of the ignore rules, relative to the root, '' or ending in '/'. */
  base: string;
  rules: Ignore;
}

/**
 * The files of `root` that a deploy uploads, in a stable order: `.gitignore` and
 * `.deploysphereignore` at any level (git semantics: a file's rules apply below its directory,
 * `!` re-includes), then {@link NEVER_UPLOADED}. Symbolic links and special files are skipped:
 * a link could point outside the folder.
 */
export function listSourceFiles(root: string): SourceFile[] {
  const never = ignore().add([...NEVER_UPLOADED]);
  const files: SourceFile[] = [];
  const walk = (dir: string, rel: string, scopes: Scope[]): void => {
    const own = readIgnoreRules(dir);
    const active = own ? [...scopes, { base: rel, rules: own }] : scopes;
    const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const path = `${rel}${entry.name}`;
      const isDir = entry.isDirectory();
      if (!isDir && !entry.isFile()) continue;
      const probe = isDir ? `${path}/` : path;
      if (never.ignores(probe) || active.some((s) => s.rules.ignores(probe.slice(s.base.length)))) continue;
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

/** Whether a path (relative, forward slashes; directories end in '/') is on the never-uploaded list. */
export function isNeverUploaded(path: string): boolean {
  return ignore().add([...NEVER_UPLOADED]).ignores(path);
}

function readIgnoreRules(dir: string): Ignore | undefined {
  let rules: Ignore | undefined;
  for (const name of IGNORE_FILES) {
    let text: string;
    try {
      text = readFileSync(join(dir, name), 'utf8');
    } catch {
      continue;
    }
    rules = (rules ?? ignore()).add(text);
  }
  return rules;
}
