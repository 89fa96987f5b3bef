import ignore, { type Ignore } from 'ignore';

// The deploy ignore rules without file-system access, so a browser (the dashboard's folder drop)
// and the CLI's directory walk (ignore-rules.ts) decide every path the same way.

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

/** The rules of one directory's ignore files. */
export interface IgnoreScope {
  /** Directory of the ignore rules, relative to the root, '' or ending in '/'. */
  base: string;
  rules: Ignore;
}

const never = ignore().add([...NEVER_UPLOADED]);

/** Whether a path (relative, forward slashes; directories end in '/') is on the never-uploaded list. */
export function isNeverUploaded(path: string): boolean {
  return never.ignores(path);
}

/** The scope of a directory's ignore files (their texts, in {@link IGNORE_FILES} order), if it has any. */
export function ignoreScope(base: string, texts: readonly (string | undefined)[]): IgnoreScope | undefined {
  const present = texts.filter((t): t is string => t !== undefined);
  if (present.length === 0) return undefined;
  const rules = ignore();
  for (const text of present) rules.add(text);
  return { base, rules };
}

/**
 * Whether an entry is left out: `probe` is its path relative to the root (a directory's ends in
 * '/'), `scopes` the ignore files of the directories above it (git semantics: a file's rules
 * apply below its directory, `!` re-includes), then {@link NEVER_UPLOADED}.
 */
export function isExcluded(probe: string, scopes: readonly IgnoreScope[]): boolean {
  return never.ignores(probe) || scopes.some((s) => s.rules.ignores(probe.slice(s.base.length)));
}

/**
 * The paths of a folder's files that a deploy uploads, from the list of all of them (forward
 * slashes, relative to the folder): what a browser has after a folder drop. `readIgnoreFile`
 * gives the text of an ignore file on the list. A file inside an excluded directory is excluded
 * with it, as the CLI's walk never enters that directory.
 */
export function selectSourcePaths(paths: readonly string[], readIgnoreFile: (path: string) => string | undefined): string[] {
  const scopes = new Map<string, IgnoreScope[]>();
  const excludedDirs = new Map<string, boolean>();
  const scopesOf = (dir: string): IgnoreScope[] => {
    let found = scopes.get(dir);
    if (found) return found;
    const parent = dir === '' ? [] : scopesOf(parentDir(dir));
    const own = ignoreScope(dir, IGNORE_FILES.map((name) => readIgnoreFile(`${dir}${name}`)));
    found = own ? [...parent, own] : parent;
    scopes.set(dir, found);
    return found;
  };
  const dirExcluded = (dir: string): boolean => {
    if (dir === '') return false;
    let excluded = excludedDirs.get(dir);
    if (excluded === undefined) {
      const parent = parentDir(dir);
      excluded = dirExcluded(parent) || isExcluded(dir, scopesOf(parent));
      excludedDirs.set(dir, excluded);
    }
    return excluded;
  };
  return paths
    .filter((path) => {
      const dir = parentDir(path);
      return !dirExcluded(dir) && !isExcluded(path, scopesOf(dir));
    })
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** 'a/b/c.txt' → 'a/b/', 'a/b/' → 'a/', 'x' → ''. */
function parentDir(path: string): string {
  const trimmed = path.endsWith('/') ? path.slice(0, -1) : path;
  const slash = trimmed.lastIndexOf('/');
  return slash < 0 ? '' : trimmed.slice(0, slash + 1);
}
