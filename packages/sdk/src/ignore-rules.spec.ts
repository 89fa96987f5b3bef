import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isNeverUploaded, listSourceFiles } from './ignore-rules';

describe('listSourceFiles', () => {
  let root: string;
  beforeEach(() => (root = mkdtempSync(join(tmpdir(), 'ignore-rules-'))));
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  const write = (files: Record<string, string>) => {
    for (const [path, content] of Object.entries(files)) {
      mkdirSync(join(root, path, '..'), { recursive: true });
      writeFileSync(join(root, path), content);
    }
  };

  it('applies .gitignore and .deploysphereignore at every level and never lists secrets or dependencies', () => {
    write({
      'index.html': '',
      '.env': '',
      '.env.local': '',
      '.envrc.example': '',
      '.git/HEAD': '',
      'node_modules/a/index.js': '',
      'web/node_modules/b/index.js': '',
      '.npmrc': '',
      '.netrc': '',
      '.ssh/id_rsa': '',
      '.htpasswd': '',
      '.pypirc': '',
      '.docker/config.json': '',
      '.docker/daemon.json': '',
      '.DS_Store': '',
      'web/.hg/store': '',
      '.well-known/security.txt': '',
      '.deploysphere/project.json': '',
      '.gitignore': '*.log\nbuild/\n',
      'app.log': '',
      'build/out.js': '',
      '.deploysphereignore': 'private/\n!keep.log\n',
      'keep.log': '',
      'private/notes.md': '',
      'web/.gitignore': 'cache.txt\n',
      'web/cache.txt': '',
      'web/page.html': '',
      'cache.txt': '',
    });
    expect(listSourceFiles(root).map((f) => f.path)).toEqual([
      '.deploysphereignore',
      '.envrc.example',
      '.gitignore',
      '.well-known/security.txt',
      'cache.txt',
      'index.html',
      'keep.log',
      'web/.gitignore',
      'web/page.html',
    ]);
  });

  it('reports sizes and modes of the files', () => {
    write({ 'a.txt': 'hello' });
    expect(listSourceFiles(root)).toEqual([expect.objectContaining({ path: 'a.txt', size: 5, mode: expect.any(Number) })]);
  });

  it('isNeverUploaded tells the fixed list apart', () => {
    expect(['.env', '.env.production', 'sub/.env', '.git/', 'x/node_modules/', '.ssh/', '.docker/config.json', '.npmrc'].every(isNeverUploaded)).toBe(true);
    expect(['.docker/daemon.json', 'x/.DS_Store', '.aws/config', 'a/.kube/config'].every(isNeverUploaded)).toBe(true);
    expect(['index.html', '.envrc', 'docker/daemon.json', 'environment.ts', '.well-known/security.txt'].some(isNeverUploaded)).toBe(false);
  });
});
