import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { withFileTree } from '../support/file-tree';

const ROOT = join(__dirname, '../..');
/** The all-in-one process composes the other apps; it is not a user of its own. */
const COMPOSITION_ROOT = 'platform';
/** Test support, imported by specs only. */
const NOT_APP_CODE = ['testing'];
const IMPORT = /(?:from\s+|import\s*\(\s*|require\s*\(\s*)['"]@deploysphere\/([a-z0-9-]+)(?:\/[^'"]*)?['"]/g;

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'generated' || entry.name === 'node_modules' ? [] : sources(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts') ? [path] : [];
  });
}

function importsOf(dir: string): Set<string> {
  const found = new Set<string>();
  for (const file of sources(dir)) for (const match of readFileSync(file, 'utf8').matchAll(IMPORT)) found.add(match[1]);
  return found;
}

const dirsIn = (path: string): string[] => readdirSync(path).filter((name) => statSync(join(path, name)).isDirectory());

/** For each lib, the apps that use it, directly or through other libs. */
function libUsers(root: string): Map<string, string[]> {
  const libs = dirsIn(join(root, 'libs'));
  const libImports = new Map(libs.map((lib) => [lib, importsOf(join(root, 'libs', lib))]));
  const users = new Map<string, string[]>(libs.map((lib) => [lib, []]));
  for (const app of dirsIn(join(root, 'apps')).filter((a) => a !== COMPOSITION_ROOT)) {
    const reached = new Set<string>();
    const pending = [...importsOf(join(root, 'apps', app))];
    while (pending.length > 0) {
      const lib = pending.pop()!;
      if (reached.has(lib) || !libImports.has(lib)) continue;
      reached.add(lib);
      pending.push(...libImports.get(lib)!);
    }
    for (const lib of reached) users.get(lib)!.push(app);
  }
  return users;
}

describe('layering: a lib is shared by apps, or it lives in its app', () => {
  it('every lib is used by at least two apps', () => {
    const singleUse = [...libUsers(ROOT)]
      .filter(([lib, apps]) => !NOT_APP_CODE.includes(lib) && apps.length < 2)
      .map(([lib, apps]) => `libs/${lib} is used only by ${apps.length ? `apps/${apps[0]}` : 'no app'}`);
    expect(singleUse).toEqual([]);
  });

  it('counts a use through another lib, and not the composition root or specs', () => {
    const files: Record<string, string> = {
      'apps/a/src/main.ts': "import { x } from '@deploysphere/x';\nimport { z } from '@deploysphere/z/sub';",
      'apps/b/src/main.ts': "const y = require('@deploysphere/y');",
      'apps/b/src/main.spec.ts': "import { z } from '@deploysphere/z';",
      'apps/platform/src/main.ts': "import { z } from '@deploysphere/z';",
      'libs/x/src/index.ts': 'export const x = 1;',
      'libs/y/src/index.ts': "export { x as y } from '@deploysphere/x';",
      'libs/z/src/index.ts': 'export const z = 1;',
    };
    withFileTree(files, (root) => {
      const users = libUsers(root);
      expect(users.get('x')?.sort()).toEqual(['a', 'b']);
      expect(users.get('y')).toEqual(['b']);
      expect(users.get('z')).toEqual(['a']);
    });
  });
});
