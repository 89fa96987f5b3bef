import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';

const ROOT = join(__dirname, '../../..');
/**
 * Test support reads its own TEST_* variables; it is never part of an app. The CLI is a client
 * shipped on its own (DEPLOYSPHERE_TOKEN, XDG_CONFIG_HOME, NO_COLOR), not a platform app.
 */
const ALLOWED = [/^libs\/config\/src\//, /^libs\/testing\//, /^apps\/cli\//];
const READS_ENV = [/\bprocess\s*(\.|\?\.|\[\s*['"`])env\b/, /\{[^}]*\benv\b[^}]*\}\s*=\s*process\b/, /\bimport\s*\{[^}]*\benv\b[^}]*\}\s*from\s*['"](node:)?process['"]/];

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (entry.name === 'node_modules' || entry.name === 'generated' || entry.name === 'dist') return [];
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return /\.(ts|js|cjs|mjs)$/.test(entry.name) ? [path] : [];
  });
}

/** The files under `roots` that read the process environment outside libs/config. */
function environmentReaders(root: string, roots: string[]): string[] {
  return roots
    .flatMap((r) => sources(join(root, r)))
    .map((path) => relative(root, path))
    .filter((path) => !ALLOWED.some((allowed) => allowed.test(path)))
    .filter((path) => READS_ENV.some((pattern) => pattern.test(readFileSync(join(root, path), 'utf8'))));
}

describe('the process environment is read only in libs/config', () => {
  it('no app or other lib reads process.env (inject an area config, or add the variable to one)', () => {
    expect(environmentReaders(ROOT, ['apps', 'libs'])).toEqual([]);
  });

  it('finds every way of reading it, and allows libs/config and test support', () => {
    const root = mkdtempSync(join(tmpdir(), 'ds-env-scan-'));
    const files: Record<string, string> = {
      'apps/a/src/dot.ts': 'const port = process.env.PORT;',
      'apps/a/src/optional.ts': 'const port = process?.env.PORT;',
      'apps/a/src/index.ts': "const port = process['env'].PORT;",
      'libs/b/src/destructure.ts': 'const { env } = process;',
      'libs/b/src/imported.ts': "import { env } from 'node:process';",
      'libs/b/src/clean.ts': 'const environment = { env: 1 };',
      'libs/config/src/reader.ts': 'const port = process.env.PORT;',
      'libs/testing/src/db.ts': 'const url = process.env.TEST_URL;',
    };
    try {
      for (const [path, text] of Object.entries(files)) {
        mkdirSync(dirname(join(root, path)), { recursive: true });
        writeFileSync(join(root, path), text);
      }
      expect(environmentReaders(root, ['apps', 'libs']).sort()).toEqual(
        ['apps/a/src/dot.ts', 'apps/a/src/index.ts', 'apps/a/src/optional.ts', 'libs/b/src/destructure.ts', 'libs/b/src/imported.ts'].sort(),
      );
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
