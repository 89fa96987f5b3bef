import { Logger } from '@nestjs/common';
import { inheritedEnvironment } from '@deploysphere/config';
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { SourceFetchError } from '../source.errors';
import type { GitCredential, GitCredentialStore } from './git-credentials';
import { checkCommitSha, checkRef, credentialScope, parseRepositoryUrl, redact } from './git-url';
import { assertLinksStayInside } from './tree-links';

export interface GitFetchRequest {
  projectId: string;
  repositoryUrl: string;
  /** Branch or tag; the remote's default branch when neither this nor commitSha is given. */
  ref?: string | null;
  /** Exact commit. A full sha is fetched directly; an abbreviated one is looked up in the last ABBREVIATED_SHA_DEPTH commits of `ref`. */
  commitSha?: string | null;
}

export interface GitFetcherOptions {
  timeoutMs: number;
  gitBinary?: string;
}

export const ABBREVIATED_SHA_DEPTH = 50;
const MAX_STDERR = 16 * 1024;
const MAX_MESSAGE = 4096;

/** Environment variables passed through to git, for hosts behind a proxy or with a private CA. */
const PASS_THROUGH = ['http_proxy', 'https_proxy', 'no_proxy', 'HTTP_PROXY', 'HTTPS_PROXY', 'NO_PROXY', 'SSL_CERT_FILE', 'SSL_CERT_DIR', 'GIT_SSL_CAINFO'];

// Answers git's `get` with the credential from the helper's own environment: the secret is never
// on a command line (visible in `ps`), in a URL, or in a config file.
const CREDENTIAL_HELPER =
  '!f() { if [ "$1" = get ]; then printf \'username=%s\\npassword=%s\\n\' "$DEPLOYSPHERE_GIT_USERNAME" "$DEPLOYSPHERE_GIT_PASSWORD"; fi; }; f';

/**
 * Shallow-fetches one commit of a repository into a directory with the git CLI. The git
 * directory lives in a private temporary directory and is deleted afterwards, so the target
 * holds only the work tree (no `.git`, no remote URL, no credential). Each run starts from an
 * empty configuration (no system or user config, no prompts, only http(s)/git/ssh), a
 * credential is offered only to the repository's own scheme://host:port, and git's output is
 * redacted before it reaches a message or a log.
 */
export class GitFetcher {
  private readonly logger = new Logger(GitFetcher.name);

  constructor(
    private readonly credentials: GitCredentialStore,
    private readonly options: GitFetcherOptions,
  ) {}

  async fetch(request: GitFetchRequest, targetDir: string, signal?: AbortSignal): Promise<{ commitSha: string; commitMessage: string }> {
    const url = parseRepositoryUrl(request.repositoryUrl);
    const ref = request.ref ? checkRef(request.ref) : undefined;
    const commit = request.commitSha ? checkCommitSha(request.commitSha) : undefined;
    const credential = url.protocol === 'https:' || url.protocol === 'http:' ? await this.credentials.credentialFor(request.projectId) : undefined;
    const secrets = credential ? [credential.token, encodeURIComponent(credential.token)] : [];
    const target = resolve(targetDir);
    await mkdir(target, { recursive: true });
    if ((await readdir(target)).length > 0) throw new Error(`git checkout target ${target} is not empty`);

    const work = await mkdtemp(join(tmpdir(), 'deploysphere-git-'));
    const git = new GitRunner(this.options.gitBinary ?? 'git', gitEnvironment(work, target, url, credential), work, Date.now() + this.options.timeoutMs, signal, secrets);
    const started = Date.now();
    this.logger.log({ projectId: request.projectId, repository: redact(url.href), ref: ref ?? null, commitSha: commit?.sha ?? null }, 'fetching git source');
    try {
      await mkdir(join(work, 'home'));
      await git.run(['init', '-q']);
      let revision = 'FETCH_HEAD';
      if (commit?.full) {
        await git.run(['fetch', '--depth=1', '--no-tags', '-q', url.href, commit.sha]);
      } else {
        await git.run(['fetch', `--depth=${commit ? ABBREVIATED_SHA_DEPTH : 1}`, '--no-tags', '-q', url.href, ref ?? 'HEAD']);
        if (commit) revision = await this.resolveAbbreviated(git, commit.sha, ref);
      }
      await git.run(['checkout', '-q', '--detach', revision]);
      const commitSha = (await git.run(['rev-parse', '--verify', `${revision}^{commit}`])).trim();
      const commitMessage = (await git.run(['show', '-s', '--format=%B', commitSha])).trim().slice(0, MAX_MESSAGE);
      await assertLinksStayInside(target);
      this.logger.log({ projectId: request.projectId, commitSha, ms: Date.now() - started }, 'git source fetched');
      return { commitSha, commitMessage };
    } catch (error) {
      await emptyDirectory(target);
      throw error;
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  }

  private async resolveAbbreviated(git: GitRunner, sha: string, ref: string | undefined): Promise<string> {
    try {
      return (await git.run(['rev-parse', '--verify', '--quiet', `${sha}^{commit}`])).trim();
    } catch {
      throw new SourceFetchError(
        'GIT_REF_NOT_FOUND',
        `Commit ${sha} is not among the last ${ABBREVIATED_SHA_DEPTH} commits of ${ref ?? 'the default branch'}; give the full sha`,
      );
    }
  }
}

function gitEnvironment(work: string, target: string, url: URL, credential: GitCredential | undefined): NodeJS.ProcessEnv {
  const config: [string, string][] = [
    ['init.defaultBranch', 'main'],
    ['core.hooksPath', '/dev/null'],
    ['advice.detachedHead', 'false'],
    ['credential.helper', ''],
  ];
  if (credential) config.push([`credential.${credentialScope(url)}.helper`, CREDENTIAL_HELPER]);
  const env: NodeJS.ProcessEnv = {
    PATH: inheritedEnvironment(['PATH']).PATH ?? '/usr/local/bin:/usr/bin:/bin',
    HOME: join(work, 'home'),
    LANG: 'C',
    LC_ALL: 'C',
    GIT_DIR: join(work, 'repo.git'),
    GIT_WORK_TREE: target,
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_TERMINAL_PROMPT: '0',
    GIT_ALLOW_PROTOCOL: 'http:https:git:ssh',
    GIT_SSH_COMMAND: 'ssh -o BatchMode=yes',
    GIT_LFS_SKIP_SMUDGE: '1',
    GIT_CONFIG_COUNT: String(config.length),
  };
  config.forEach(([key, value], i) => {
    env[`GIT_CONFIG_KEY_${i}`] = key;
    env[`GIT_CONFIG_VALUE_${i}`] = value;
  });
  Object.assign(env, inheritedEnvironment(PASS_THROUGH));
  if (credential) {
    env.DEPLOYSPHERE_GIT_USERNAME = credential.username;
    env.DEPLOYSPHERE_GIT_PASSWORD = credential.token;
  }
  return env;
}

/** Runs git commands against one deadline; kills the whole process group on timeout or abort. */
class GitRunner {
  constructor(
    private readonly binary: string,
    private readonly env: NodeJS.ProcessEnv,
    private readonly cwd: string,
    private readonly deadline: number,
    private readonly signal: AbortSignal | undefined,
    private readonly secrets: string[],
  ) {}

  run(args: string[]): Promise<string> {
    return new Promise((resolvePromise, reject) => {
      this.signal?.throwIfAborted();
      const remaining = this.deadline - Date.now();
      if (remaining <= 0) return reject(timeout());
      const child = spawn(this.binary, args, { env: this.env, cwd: this.cwd, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
      const stdout: Buffer[] = [];
      let stderr = '';
      let stopped: 'timeout' | 'abort' | undefined;
      const kill = (why: 'timeout' | 'abort') => {
        stopped ??= why;
        try {
          process.kill(-child.pid!, 'SIGKILL');
        } catch {
          child.kill('SIGKILL');
        }
      };
      const timer = setTimeout(() => kill('timeout'), remaining);
      const onAbort = () => kill('abort');
      this.signal?.addEventListener('abort', onAbort, { once: true });
      child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
      child.stderr.on('data', (chunk: Buffer) => {
        if (stderr.length < MAX_STDERR) stderr += chunk.toString('utf8');
      });
      child.on('error', (error: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        this.signal?.removeEventListener('abort', onAbort);
        reject(error.code === 'ENOENT' ? new SourceFetchError('GIT_UNAVAILABLE', `The git executable (${this.binary}) was not found on this host`) : error);
      });
      child.on('close', (code) => {
        clearTimeout(timer);
        this.signal?.removeEventListener('abort', onAbort);
        if (stopped === 'abort') return reject(this.signal?.reason ?? new DOMException('The operation was aborted', 'AbortError'));
        if (stopped === 'timeout') return reject(timeout());
        if (code !== 0) return reject(gitFailure(args[0], redact(stderr, this.secrets)));
        resolvePromise(Buffer.concat(stdout).toString('utf8'));
      });
    });
  }
}

const timeout = () => new SourceFetchError('GIT_TIMEOUT', 'Fetching the repository took longer than the configured limit (GIT_CLONE_TIMEOUT_SECONDS)');

/** Maps git's (C locale) error output to a stable code; the message keeps its last lines, redacted. */
function gitFailure(command: string, stderr: string): SourceFetchError {
  const detail = stderr
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .slice(-3)
    .join(' | ');
  const message = `git ${command} failed${detail ? `: ${detail}` : ''}`;
  if (/could not read (Username|Password)|Authentication failed|terminal prompts disabled|returned error: 40[13]|Access denied|Permission denied \(publickey/i.test(stderr)) {
    return new SourceFetchError('GIT_AUTH_FAILED', message);
  }
  if (/couldn't find remote ref|not our ref|no such remote ref|upload-pack: not our ref|unadvertised object/i.test(stderr)) {
    return new SourceFetchError('GIT_REF_NOT_FOUND', message);
  }
  if (/not found|no such repository|does not appear to be a git repository|not exported|returned error: 404/i.test(stderr)) {
    return new SourceFetchError('GIT_REPOSITORY_NOT_FOUND', message);
  }
  return new SourceFetchError('GIT_FETCH_FAILED', message);
}

async function emptyDirectory(dir: string): Promise<void> {
  const names = await readdir(dir).catch(() => [] as string[]);
  await Promise.all(names.map((name) => rm(join(dir, name), { recursive: true, force: true })));
}
