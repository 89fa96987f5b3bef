import { Logger, type LoggerService } from '@nestjs/common';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GitFetcher, SourceFetchError, type GitCredential } from '@deploysphere/source';
import { createRepository, startGitDaemon, startGitHttpServer, startSilentServer, type GitDaemon, type GitHttpServer, type TestRepository } from '../../support/git-servers';

const TOKEN = 'ghp_TestToken_0123456789abcdefSECRET';

/** Every log line any Logger writes during the tests, as text. */
class CapturingLogger implements LoggerService {
  readonly lines: string[] = [];
  private record = (...args: unknown[]) => void this.lines.push(JSON.stringify(args));
  log = this.record;
  error = this.record;
  warn = this.record;
  debug = this.record;
  verbose = this.record;
  fatal = this.record;
}

/** Every file under `dir` (dot-files included) and its content. */
function tree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of readdirSync(dir, { recursive: true }).map(String)) {
    const path = join(dir, name);
    if (statSync(path).isFile()) out[name] = readFileSync(path, 'utf8');
  }
  return out;
}

describe('GitFetcher', () => {
  let repo: TestRepository;
  let daemon: GitDaemon;
  let work: string;
  let first: string;
  let head: string;
  let feature: string;
  const logs = new CapturingLogger();
  const noCredential = { credentialFor: async () => undefined };
  const fetcher = (credential?: GitCredential, timeoutMs = 30_000) => new GitFetcher({ credentialFor: async () => credential }, { timeoutMs });
  let n = 0;
  const target = () => join(work, `t${++n}`);

  beforeAll(async () => {
    Logger.overrideLogger(logs);
    repo = createRepository('site');
    first = repo.commit({ 'index.html': '<h1>v1</h1>' }, 'First version');
    head = repo.commit({ 'index.html': '<h1>v2</h1>', 'assets/app.css': 'h1{}', 'package.json': '{"name":"site"}' }, 'Second version\n\nWith a body.');
    repo.tag('v1.0.0');
    feature = repo.commit({ 'index.html': '<h1>feature</h1>' }, 'Feature work', { branch: 'feature/x' });
    daemon = await startGitDaemon(repo.base);
    work = mkdtempSync(join(tmpdir(), 'ds-git-fetch-'));
  });

  afterAll(async () => {
    await daemon?.close();
    repo?.close();
    rmSync(work, { recursive: true, force: true });
  });

  describe('from a public repository (git daemon)', () => {
    it('shallow-fetches a branch, reports its head commit and leaves no .git behind', async () => {
      const dir = target();
      const result = await new GitFetcher(noCredential, { timeoutMs: 30_000 }).fetch({ projectId: 'prj_1', repositoryUrl: daemon.url('site'), ref: 'main' }, dir);
      expect(result).toEqual({ commitSha: head, commitMessage: 'Second version\n\nWith a body.' });
      expect(tree(dir)).toEqual({ 'index.html': '<h1>v2</h1>', 'assets/app.css': 'h1{}', 'package.json': '{"name":"site"}' });
      expect(existsSync(join(dir, '.git'))).toBe(false);
    });

    it('fetches another branch, a tag, the default branch', async () => {
      expect((await fetcher().fetch({ projectId: 'prj_1', repositoryUrl: daemon.url('site'), ref: 'feature/x' }, target())).commitSha).toBe(feature);
      expect((await fetcher().fetch({ projectId: 'prj_1', repositoryUrl: daemon.url('site'), ref: 'v1.0.0' }, target())).commitSha).toBe(head);
      expect((await fetcher().fetch({ projectId: 'prj_1', repositoryUrl: daemon.url('site') }, target())).commitSha).toBe(head);
    });

    it('fetches an exact commit by full or abbreviated sha', async () => {
      const full = target();
      expect(await fetcher().fetch({ projectId: 'prj_1', repositoryUrl: daemon.url('site'), ref: 'main', commitSha: first }, full)).toEqual({ commitSha: first, commitMessage: 'First version' });
      expect(tree(full)).toEqual({ 'index.html': '<h1>v1</h1>' });
      const short = await fetcher().fetch({ projectId: 'prj_1', repositoryUrl: daemon.url('site'), ref: 'main', commitSha: first.slice(0, 10) }, target());
      expect(short.commitSha).toBe(first);
    });

    it.each([
      ['an unknown branch', { ref: 'no-such-branch' }, 'GIT_REF_NOT_FOUND'],
      ['an unknown repository', { repositoryUrl: 'missing' }, 'GIT_REPOSITORY_NOT_FOUND'],
      ['an abbreviated sha that is not on the branch', { ref: 'main', commitSha: 'deadbeef12' }, 'GIT_REF_NOT_FOUND'],
      ['a ref that would read as an option', { ref: '--upload-pack=touch /tmp/x' }, 'GIT_REF_INVALID'],
      ['a local path', { repositoryUrl: 'file:///etc' }, 'GIT_URL_UNSUPPORTED'],
    ])('fails with a stable code for %s, leaving the target empty', async (_what, change: { ref?: string; commitSha?: string; repositoryUrl?: string }, code) => {
      const dir = target();
      const repositoryUrl = change.repositoryUrl === 'missing' ? daemon.url('missing') : (change.repositoryUrl ?? daemon.url('site'));
      const error = await fetcher()
        .fetch({ projectId: 'prj_1', repositoryUrl, ref: change.ref, commitSha: change.commitSha }, dir)
        .then(() => undefined, (e: unknown) => e);
      expect(error).toBeInstanceOf(SourceFetchError);
      expect((error as SourceFetchError).code).toBe(code);
      expect(existsSync(dir) ? readdirSync(dir) : []).toEqual([]);
    });

    it('refuses a checkout with a symlink leading outside the tree', async () => {
      const evil = createRepository('evil');
      let evilDaemon: GitDaemon | undefined;
      try {
        evil.commit({ 'index.html': 'x' }, 'evil', { symlinks: { leak: '/etc/passwd', 'up/out': '../../..' } });
        evilDaemon = await startGitDaemon(evil.base);
        const dir = target();
        await expect(fetcher().fetch({ projectId: 'prj_1', repositoryUrl: evilDaemon.url('evil'), ref: 'main' }, dir)).rejects.toMatchObject({ code: 'SOURCE_UNSAFE_LINK' });
        expect(readdirSync(dir)).toEqual([]);
      } finally {
        await evilDaemon?.close();
        evil.close();
      }
    });

    it('gives up after the timeout and kills git', async () => {
      const silent = await startSilentServer();
      try {
        const started = Date.now();
        await expect(fetcher(undefined, 1_500).fetch({ projectId: 'prj_1', repositoryUrl: `git://127.0.0.1:${silent.port}/site.git`, ref: 'main' }, target())).rejects.toMatchObject({
          code: 'GIT_TIMEOUT',
        });
        expect(Date.now() - started).toBeLessThan(10_000);
      } finally {
        await silent.close();
      }
    });

    it('stops when aborted', async () => {
      const silent = await startSilentServer();
      try {
        const controller = new AbortController();
        setTimeout(() => controller.abort(new Error('deployment canceled')), 300);
        await expect(fetcher().fetch({ projectId: 'prj_1', repositoryUrl: `git://127.0.0.1:${silent.port}/site.git` }, target(), controller.signal)).rejects.toThrow('deployment canceled');
      } finally {
        await silent.close();
      }
    });
  });

  describe('from a private repository (git http-backend with Basic auth)', () => {
    let http: GitHttpServer;

    beforeAll(async () => {
      http = await startGitHttpServer(repo.base, { username: 'deployer', password: TOKEN });
    });
    afterAll(async () => http?.close());

    it('uses the project credential, and it leaks neither into the tree nor into the logs', async () => {
      const dir = target();
      const seen = http.authorizations.length;
      const result = await fetcher({ username: 'deployer', token: TOKEN }).fetch({ projectId: 'prj_private', repositoryUrl: http.url('site'), ref: 'main' }, dir);
      expect(result.commitSha).toBe(head);
      expect(http.authorizations.slice(seen)).toContain(`deployer:${TOKEN}`);
      const files = tree(dir);
      expect(Object.keys(files).sort()).toEqual(['assets/app.css', 'index.html', 'package.json']);
      for (const content of Object.values(files)) expect(content).not.toContain(TOKEN);
      expect(logs.lines.some((line) => line.includes('fetching git source'))).toBe(true);
      expect(logs.lines.join('\n')).not.toContain(TOKEN);
    });

    it('fails with GIT_AUTH_FAILED without a credential or with a wrong one, without echoing the token', async () => {
      const none = await fetcher().fetch({ projectId: 'prj_private', repositoryUrl: http.url('site'), ref: 'main' }, target()).then(() => undefined, (e: unknown) => e);
      expect((none as SourceFetchError).code).toBe('GIT_AUTH_FAILED');
      const wrongToken = `${TOKEN}-revoked`;
      const wrong = await fetcher({ username: 'deployer', token: wrongToken })
        .fetch({ projectId: 'prj_private', repositoryUrl: http.url('site'), ref: 'main' }, target())
        .then(() => undefined, (e: unknown) => e);
      expect((wrong as SourceFetchError).code).toBe('GIT_AUTH_FAILED');
      expect((wrong as Error).message).not.toContain(wrongToken);
      expect(logs.lines.join('\n')).not.toContain(wrongToken);
    });

    it('never offers the credential to another host a redirect points to', async () => {
      const redirector = await startGitHttpServer(repo.base, { redirectTo: `http://localhost:${http.port}` });
      try {
        const seen = http.authorizations.length;
        await expect(
          fetcher({ username: 'deployer', token: TOKEN }).fetch({ projectId: 'prj_private', repositoryUrl: redirector.url('site'), ref: 'main' }, target()),
        ).rejects.toBeInstanceOf(SourceFetchError);
        // The redirect was followed (the other host was asked), but without the credential.
        expect(http.authorizations.length).toBeGreaterThan(seen);
        expect(http.authorizations.slice(seen).filter((a) => a.includes(TOKEN))).toEqual([]);
      } finally {
        await redirector.close();
      }
    });
  });
});
