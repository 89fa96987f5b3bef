import { execFileSync } from 'node:child_process';
import { chmodSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OutputTooLargeError } from '../build-failure';
import { collectOutputTree, copySourceTree, mountedNoexec, readSmallFile } from './host-workspace';

describe('host work dir of a docker build', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'ds-host-ws-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  describe('copySourceTree', () => {
    it('copies directories, files (modes kept, set-id bits dropped) and symlinks as links, with the given owner', async () => {
      const src = join(root, 'src');
      mkdirSync(join(src, 'a', 'b'), { recursive: true });
      writeFileSync(join(src, 'index.html'), '<h1>hi</h1>');
      writeFileSync(join(src, 'a', 'b', 'run.sh'), '#!/bin/sh\n');
      chmodSync(join(src, 'a', 'b', 'run.sh'), 0o4755);
      symlinkSync('../index.html', join(src, 'a', 'home.html'));
      symlinkSync('/etc/passwd', join(src, 'a', 'outside'));
      execFileSync('mkfifo', [join(src, 'pipe')]);
      const owner = { uid: process.getuid!(), gid: process.getgid!() };

      await copySourceTree(src, join(root, 'copy'), owner);

      const copy = join(root, 'copy');
      expect(readFileSync(join(copy, 'index.html'), 'utf8')).toBe('<h1>hi</h1>');
      expect(statSync(join(copy, 'a', 'b', 'run.sh')).mode & 0o7777).toBe(0o755);
      expect(readlinkSync(join(copy, 'a', 'home.html'))).toBe('../index.html');
      // Copied as a link, never followed: the target's content is not in the copy.
      expect(lstatSync(join(copy, 'a', 'outside')).isSymbolicLink()).toBe(true);
      expect(() => lstatSync(join(copy, 'pipe'))).toThrow(/ENOENT/);
      expect(statSync(join(copy, 'a')).uid).toBe(owner.uid);
      // The source itself is untouched.
      expect(statSync(join(src, 'a', 'b', 'run.sh')).mode & 0o7777).toBe(0o4755);
    });

    it('refuses a source that is not a directory and a destination that exists', async () => {
      writeFileSync(join(root, 'file'), 'x');
      await expect(copySourceTree(join(root, 'file'), join(root, 'copy'))).rejects.toThrow(/not a directory/);
      mkdirSync(join(root, 'src'));
      writeFileSync(join(root, 'src', 'a'), 'x');
      mkdirSync(join(root, 'taken'));
      await expect(copySourceTree(join(root, 'src'), join(root, 'taken'))).rejects.toThrow(/EEXIST/);
    });
  });

  describe('collectOutputTree', () => {
    const outside = () => {
      const secret = join(root, 'secret');
      mkdirSync(secret);
      writeFileSync(join(secret, 'key.txt'), 'TOP-SECRET');
      return secret;
    };

    it('copies regular files and directories (0644), skips and reports links, FIFOs and linked directories without following them', async () => {
      const secret = outside();
      const out = join(root, 'work', 'out');
      mkdirSync(join(out, 'assets'), { recursive: true });
      writeFileSync(join(out, 'index.html'), 'index');
      writeFileSync(join(out, 'assets', 'app.css'), 'body{}');
      chmodSync(join(out, 'assets', 'app.css'), 0o600);
      symlinkSync(join(secret, 'key.txt'), join(out, 'key.txt'));
      symlinkSync(secret, join(out, 'secret-dir'));
      symlinkSync('index.html', join(out, 'alias.html'));
      execFileSync('mkfifo', [join(out, 'assets', 'pipe')]);
      const dest = join(root, 'dest');

      const copied = await collectOutputTree(out, dest, { maxBytes: 1_000_000 });

      expect({ ...copied, skipped: copied.skipped.sort() }).toEqual({ files: 2, bytes: 'index'.length + 'body{}'.length, skipped: ['alias.html', 'assets/pipe', 'key.txt', 'secret-dir'] });
      expect(readFileSync(join(dest, 'index.html'), 'utf8')).toBe('index');
      expect(statSync(join(dest, 'assets', 'app.css')).mode & 0o777).toBe(0o644);
      for (const name of ['key.txt', 'secret-dir', 'alias.html']) expect(() => lstatSync(join(dest, name))).toThrow(/ENOENT/);
    });

    it('refuses an output directory that is itself a link (it would lead out of the work dir)', async () => {
      const secret = outside();
      mkdirSync(join(root, 'work'));
      symlinkSync(secret, join(root, 'work', 'out'));
      await expect(collectOutputTree(join(root, 'work', 'out'), join(root, 'dest'), { maxBytes: 1_000_000 })).rejects.toThrow(/no output directory/);
      expect(() => lstatSync(join(root, 'dest', 'key.txt'))).toThrow(/ENOENT/);
    });

    it('stops at the size and entry limits', async () => {
      const out = join(root, 'out');
      mkdirSync(out);
      writeFileSync(join(out, 'a.bin'), Buffer.alloc(600));
      writeFileSync(join(out, 'b.bin'), Buffer.alloc(600));
      await expect(collectOutputTree(out, join(root, 'd1'), { maxBytes: 1000 })).rejects.toBeInstanceOf(OutputTooLargeError);
      await expect(collectOutputTree(out, join(root, 'd2'), { maxBytes: 10_000, maxEntries: 1 })).rejects.toBeInstanceOf(OutputTooLargeError);
      expect((await collectOutputTree(out, join(root, 'd3'), { maxBytes: 1200 })).files).toBe(2);
    });
  });

  describe('mountedNoexec', () => {
    it('looks at the innermost mount holding the path (the last one mounted there wins)', async () => {
      const mounts = join(root, 'mounts');
      writeFileSync(
        mounts,
        [
          '/dev/vda / ext4 rw,relatime 0 0',
          'tmpfs /tmp tmpfs rw,nosuid,nodev,noexec 0 0',
          'tmpfs /tmp/exec\\040dir tmpfs rw,nosuid 0 0',
          'tmpfs /srv tmpfs rw 0 0',
          'tmpfs /srv tmpfs rw,noexec 0 0',
        ].join('\n'),
      );
      expect(await mountedNoexec('/var/lib/deploysphere/builds/docker', mounts)).toBe(false);
      expect(await mountedNoexec('/tmp/ds/builds/docker', mounts)).toBe(true);
      expect(await mountedNoexec('/tmp', mounts)).toBe(true);
      expect(await mountedNoexec('/tmpx/builds', mounts)).toBe(false);
      expect(await mountedNoexec('/tmp/exec dir/builds', mounts)).toBe(false);
      expect(await mountedNoexec('/srv/builds', mounts)).toBe(true);
      expect(await mountedNoexec('/anything', join(root, 'no-such-file'))).toBe(false);
    });
  });

  describe('readSmallFile', () => {
    it('reads a small regular file; not through a link, not a FIFO (without blocking), not a large file', async () => {
      writeFileSync(join(root, 'result.json'), '{"framework":"vite"}');
      symlinkSync(join(root, 'result.json'), join(root, 'link.json'));
      execFileSync('mkfifo', [join(root, 'fifo.json')]);
      writeFileSync(join(root, 'big.json'), Buffer.alloc(100));
      expect(await readSmallFile(join(root, 'result.json'))).toBe('{"framework":"vite"}');
      expect(await readSmallFile(join(root, 'link.json'))).toBeUndefined();
      expect(await readSmallFile(join(root, 'fifo.json'))).toBeUndefined();
      expect(await readSmallFile(join(root, 'big.json'), 10)).toBeUndefined();
      expect(await readSmallFile(join(root, 'missing.json'))).toBeUndefined();
    });
  });
});
