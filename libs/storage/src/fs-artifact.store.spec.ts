import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { ConflictError } from '@deploysphere/common';
import { RangeNotSatisfiableError } from './content-addressed.store';
import { FsArtifactStore } from './fs-artifact.store';
import { BlobChangedError, KEPT_CONTENT_BUDGET, KEPT_FILE_MAX, contentTypeFor, scanDirectory, type LocalFile } from './scan';

const sha256 = (s: string | Buffer) => createHash('sha256').update(s).digest('hex');
const read = async (stream: Readable) => {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString();
};

let tmp: string;
beforeEach(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'ds-fs-store-'));
});
afterEach(async () => {
  await rm(tmp, { recursive: true, force: true });
});

async function tree(files: Record<string, string>): Promise<string> {
  const dir = join(tmp, 'out');
  for (const [path, content] of Object.entries(files)) {
    await mkdir(join(dir, path, '..'), { recursive: true });
    await writeFile(join(dir, path), content);
  }
  return dir;
}

describe('scanDirectory', () => {
  it('takes regular files and in-tree file links, skips everything else, says why', async () => {
    const dir = await tree({ 'index.html': 'home', 'docs/a.txt': 'a', 'docs/sub/b.txt': 'b' });
    await writeFile(join(tmp, 'outside.txt'), 'secret');
    await symlink(join(tmp, 'outside.txt'), join(dir, 'escape.txt')); // absolute, outside
    await symlink('../outside.txt', join(dir, 'relative-escape.txt')); // relative, outside
    await symlink('docs/a.txt', join(dir, 'link-to-a.txt')); // inside: published
    await symlink('docs', join(dir, 'docs-link')); // a directory link: could loop
    await symlink('.', join(dir, 'docs/sub/loop'));
    await symlink('missing.txt', join(dir, 'dangling.txt'));
    execFileSync('mkfifo', [join(dir, 'pipe')]); // would block a reader forever
    await writeFile(join(dir, 'back\\slash.txt'), 'x'); // a legal Linux name the manifest refuses

    const { files, skipped } = await scanDirectory(dir);
    expect(files.map((f) => f.path)).toEqual(['docs/a.txt', 'docs/sub/b.txt', 'index.html', 'link-to-a.txt']);
    expect(files.find((f) => f.path === 'link-to-a.txt')).toMatchObject({ sha256: sha256('a'), size: 1 });
    expect(skipped.sort((a, b) => a.path.localeCompare(b.path))).toEqual([
      { path: 'back\\slash.txt', reason: 'invalid-path' },
      { path: 'dangling.txt', reason: 'symlink-dangling' },
      { path: 'docs-link', reason: 'symlink-to-directory' },
      { path: 'docs/sub/loop', reason: 'symlink-to-directory' },
      { path: 'escape.txt', reason: 'symlink-outside' },
      { path: 'pipe', reason: 'not-regular-file' },
      { path: 'relative-escape.txt', reason: 'symlink-outside' },
    ]);
  });

  it('never publishes credentials files or version-control data, at any depth, and honours .deploysphereignore', async () => {
    const dir = await tree({
      'index.html': 'home',
      '.well-known/security.txt': 'Contact: mailto:security@example.com',
      '.npmrc': '//registry.npmjs.org/:_authToken=npm_SECRET',
      '.netrc': 'machine example.com password SECRET',
      '.ssh/id_ed25519': 'PRIVATE KEY',
      '.htpasswd': 'admin:$apr1$SECRET',
      '.DS_Store': 'litter',
      '.env.production': 'API_KEY=SECRET',
      'assets/.git/config': '[remote]',
      'assets/.aws/credentials': 'aws_secret_access_key=SECRET',
      'assets/app.js': 'ok',
      'drafts/post.html': 'unfinished',
      'notes.md': 'private',
      '.deploysphereignore': '# project rules\ndrafts/\n*.md\n!.npmrc\n',
    });
    const { files, skipped } = await scanDirectory(dir);
    expect(files.map((f) => f.path)).toEqual(['.well-known/security.txt', 'assets/app.js', 'index.html']);
    const reasons = Object.fromEntries(skipped.map((s) => [s.path, s.reason]));
    expect(reasons).toEqual({
      '.DS_Store': 'never-published',
      '.deploysphereignore': 'never-published',
      '.env.production': 'never-published',
      '.htpasswd': 'never-published',
      '.netrc': 'never-published',
      '.npmrc': 'never-published', // a project rule cannot bring it back
      '.ssh': 'never-published',
      'assets/.aws': 'never-published',
      'assets/.git': 'never-published',
      'drafts': 'ignored',
      'notes.md': 'ignored',
    });
  });

  it('treats a symlinked output directory as its target (the root itself may be a link)', async () => {
    const dir = await tree({ 'index.html': 'home' });
    await symlink(dir, join(tmp, 'current'));
    const { files } = await scanDirectory(join(tmp, 'current'));
    expect(files.map((f) => f.path)).toEqual(['index.html']);
  });

  it('refuses a path that is not a directory', async () => {
    await writeFile(join(tmp, 'file'), 'x');
    await expect(scanDirectory(join(tmp, 'file'))).rejects.toThrow(/not a directory/);
    await expect(scanDirectory(join(tmp, 'nope'))).rejects.toThrow(/ENOENT/);
  });
});

describe('contentTypeFor', () => {
  it.each([
    ['index.html', 'text/html; charset=utf-8'],
    ['a/b/app.mjs', 'text/javascript; charset=utf-8'],
    ['data.json', 'application/json; charset=utf-8'],
    ['style.CSS', 'text/css; charset=utf-8'],
    ['logo.svg', 'image/svg+xml'],
    ['font.woff2', 'font/woff2'],
    ['module.wasm', 'application/wasm'],
    ['LICENSE', 'application/octet-stream'],
    ['archive.unknownext', 'application/octet-stream'],
  ])('%s → %s', (path, type) => expect(contentTypeFor(path)).toBe(type));
});

describe('FsArtifactStore', () => {
  let store: FsArtifactStore;
  beforeEach(() => {
    store = new FsArtifactStore(join(tmp, 'artifacts'));
  });

  it('writes the documented layout and leaves no temp file behind', async () => {
    const { manifest } = await store.putDeployment('dpl_a', await tree({ 'index.html': 'home', 'a/b.css': 'b{}' }));
    await store.putObject('prj_1/src.tar', Readable.from(['tar']));
    const listing = async (d: string): Promise<string[]> =>
      (await readdir(d, { recursive: true, withFileTypes: true })).filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name).slice(store.root.length + 1));
    expect((await listing(store.root)).sort()).toEqual(
      [...manifest.files.map((f) => `blobs/${f.sha256}`), 'deployments/dpl_a/manifest.json', 'sources/prj_1/src.tar'].sort(),
    );
    expect(JSON.parse(await readFile(join(store.root, 'deployments/dpl_a/manifest.json'), 'utf8'))).toEqual(manifest);
  });

  it('does not store a blob whose content no longer matches its digest', async () => {
    const dir = await tree({ 'index.html': 'changed after the scan' });
    const file: LocalFile = { path: 'index.html', absPath: join(dir, 'index.html'), size: 4, sha256: sha256('home'), contentType: 'text/html' };
    const storeBlob = (store as unknown as { storeBlob(f: LocalFile): Promise<void> }).storeBlob.bind(store);
    await expect(storeBlob(file)).rejects.toBeInstanceOf(BlobChangedError);
    await expect(stat(join(store.root, 'blobs', file.sha256))).rejects.toThrow(/ENOENT/);
    expect(await readdir(join(store.root, '.tmp'))).toEqual([]);
  });

  it('stores the bytes the scan hashed and kept, without reading the file again', async () => {
    const dir = await tree({ 'index.html': 'home', 'big.bin': 'x'.repeat(KEPT_FILE_MAX + 1) });
    const { files } = await scanDirectory(dir);
    expect(files.find((f) => f.path === 'index.html')?.content?.toString()).toBe('home');
    expect(files.find((f) => f.path === 'big.bin')?.content).toBeUndefined(); // over the per-file limit: read again
    // Changed after the scan: the kept bytes (matching the manifest's digest) are what is stored.
    await writeFile(join(dir, 'index.html'), 'changed after the scan');
    const storeBlob = (store as unknown as { storeBlob(f: LocalFile): Promise<void> }).storeBlob.bind(store);
    await storeBlob(files.find((f) => f.path === 'index.html')!);
    expect(await readFile(join(store.root, 'blobs', sha256('home')), 'utf8')).toBe('home');
  });

  it('keeps file contents within a budget per scan', async () => {
    const chunk = 'y'.repeat(KEPT_FILE_MAX);
    const count = KEPT_CONTENT_BUDGET / KEPT_FILE_MAX + 2;
    const dir = await tree(Object.fromEntries(Array.from({ length: count }, (_, i) => [`f${i}.txt`, `${i}`.padEnd(KEPT_FILE_MAX, chunk)])));
    const { files } = await scanDirectory(dir);
    expect(files.filter((f) => f.content).length).toBe(KEPT_CONTENT_BUDGET / KEPT_FILE_MAX);
    const { manifest } = await store.putDeployment('dpl_budget', dir);
    for (const f of manifest.files) expect(await read((await store.getBlob(f.sha256)).stream)).toBe(`${f.path.slice(1, -4)}`.padEnd(KEPT_FILE_MAX, chunk));
  });

  it('makes its temp and blob directories again when something removed them', async () => {
    await store.putDeployment('dpl_first', await tree({ 'a.txt': 'a' }));
    await rm(join(store.root, '.tmp'), { recursive: true });
    await rm(join(store.root, 'blobs'), { recursive: true });
    const { manifest } = await store.putDeployment('dpl_second', await tree({ 'b.txt': 'b' }));
    for (const f of manifest.files) expect(await read((await store.getBlob(f.sha256)).stream)).toBe(f.path.slice(0, 1));
    expect(await readdir(join(store.root, '.tmp'))).toEqual([]);
  });

  it('lets one of two concurrent writers of the same deployment win and agrees with it', async () => {
    const dir = await tree({ 'index.html': 'same' });
    const [a, b] = await Promise.all([store.putDeployment('dpl_race', dir), store.putDeployment('dpl_race', dir)]);
    expect(a.manifest).toEqual(b.manifest);
    await expect(store.putDeployment('dpl_race', await tree({ 'index.html': 'other' }))).rejects.toBeInstanceOf(ConflictError);
  });

  it('stores an empty deployment and empty files', async () => {
    await mkdir(join(tmp, 'empty'));
    const empty = await store.putDeployment('dpl_empty', join(tmp, 'empty'));
    expect(empty.manifest.files).toEqual([]);
    const { manifest } = await store.putDeployment('dpl_zero', await tree({ 'zero.txt': '' }));
    const body = await store.getBlob(manifest.files[0].sha256);
    expect(body.size).toBe(0);
    expect(await read(body.stream)).toBe('');
    await expect(store.getBlob(manifest.files[0].sha256, { start: 0, end: 0 })).rejects.toBeInstanceOf(RangeNotSatisfiableError);
  });

  it('replaces a source object atomically and reports the size written', async () => {
    await expect(store.putObject('k', Readable.from(['one']))).resolves.toEqual({ size: 3 });
    await expect(store.putObject('k', Readable.from(['two', 'three']))).resolves.toEqual({ size: 8 });
    expect(await read((await store.getObject('k'))!.stream)).toBe('twothree');
  });

  it('leaves no temp file when the source stream fails', async () => {
    const failing = new Readable({
      read() {
        this.push('partial');
        this.destroy(new Error('client went away'));
      },
    });
    await expect(store.putObject('broken', failing)).rejects.toThrow('client went away');
    expect(await store.getObject('broken')).toBeUndefined();
    expect(await readdir(join(store.root, '.tmp'))).toEqual([]);
  });

  it('is ready when its directory is writable, not when it cannot be created', async () => {
    await expect(store.isReady()).resolves.toBe(true);
    await writeFile(join(tmp, 'a-file'), 'x');
    await expect(new FsArtifactStore(join(tmp, 'a-file', 'artifacts')).isReady()).resolves.toBe(false);
  });
});

describe('openRegularFile', () => {
  it('refuses a FIFO or a symlink at once instead of blocking or following', async () => {
    const { openRegularFile } = await import('./scan');
    execFileSync('mkfifo', [join(tmp, 'fifo')]);
    await expect(openRegularFile(join(tmp, 'fifo'))).rejects.toThrow(/no longer a regular file/);
    await writeFile(join(tmp, 'real'), 'x');
    await symlink(join(tmp, 'real'), join(tmp, 'link'));
    await expect(openRegularFile(join(tmp, 'link'))).rejects.toThrow(/ELOOP/);
  });
});
