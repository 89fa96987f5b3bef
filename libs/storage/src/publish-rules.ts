import ignore, { type Ignore } from 'ignore';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Names never published, wherever they are in the output and whatever `.deploysphereignore`
 * says (gitignore syntax: a name matches at any depth, a directory takes its contents with it):
 * credentials files, version-control data, and OS litter that reveals local file names.
 */
export const NEVER_PUBLISHED: readonly string[] = [
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
  '.deploysphereignore',
];

/** The project's own exclusions, read from the root of the directory being published. */
export const IGNORE_FILE = '.deploysphereignore';

export type PublishVerdict = 'publish' | 'never-published' | 'ignored';

/** Decides, per relative POSIX path, whether a file or directory of a deployment's output is published. */
export class PublishRules {
  private readonly never: Ignore = ignore().add([...NEVER_PUBLISHED]);
  private readonly project: Ignore;

  private constructor(projectRules: string) {
    this.project = ignore().add(projectRules);
  }

  /** The rules for `root`: the fixed list plus `root/.deploysphereignore` when there is one. */
  static forDirectory(root: string): PublishRules {
    let rules = '';
    try {
      rules = readFileSync(join(root, IGNORE_FILE), 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    return new PublishRules(rules);
  }

  verdict(path: string, directory: boolean): PublishVerdict {
    const subject = directory ? `${path}/` : path;
    if (this.never.ignores(subject)) return 'never-published';
    return this.project.ignores(subject) ? 'ignored' : 'publish';
  }
}
