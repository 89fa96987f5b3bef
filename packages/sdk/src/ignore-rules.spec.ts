import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isNeverUploaded, listSourceFiles } from './ignore-rules';
import { selectSourcePaths } from './upload-rules';

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
      'docs/.deploysphereignore': 'drafts/\n',
      'docs/drafts/a.md': '',
      'docs/guide.md': '',
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
      'docs/.deploysphereignore',
      'docs/guide.md',
      'index.html',
      'keep.log',
      'web/.gitignore',
      'web/page.html',
    ]);
  });

  it('selectSourcePaths (a browser\'s folder drop: a list of paths, no file system) keeps exactly what the walk keeps', () => {
    const files: Record<string, string> = {
      'index.html': '',
      '.env.production': 'SECRET=1',
      '.git/config': '',
      'node_modules/a/index.js': '',
      'web/node_modules/b/index.js': '',
      '.ssh/id_rsa': '',
      '.gitignore': '*.log\nbuild/\n',
      'app.log': '',
      'build/out.js': '',
      '.deploysphereignore': 'private/\n!keep.log\n',
      'keep.log': '',
      'private/notes.md': '',
      'private/deep/more.md': '',
      'web/.gitignore': 'cache.txt\n/local/\n',
      'web/cache.txt': '',
      'web/local/x.txt': '',
      'web/sub/local/y.txt': '',
      'web/page.html': '',
      'cache.txt': '',
      'vendor/.gitignore': '!*.log\n',
      'vendor/x.log': '',
    };
    write(files);
    const walked = listSourceFiles(root).map((f) => f.path);
    expect(selectSourcePaths(Object.keys(files), (path) => (path in files ? files[path] : undefined))).toEqual([...walked].sort());
    expect(walked).toContain('web/sub/local/y.txt');
    expect(walked).not.toContain('web/local/x.txt');
    expect(walked).not.toContain('private/deep/more.md');
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
