import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { connect, createServer as createNetServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { freePort } from './ports';

// Git servers on loopback for tests: a real repository served by `git daemon` (public) or by
// `git http-backend` behind a small node server with Basic authentication (private). Nothing
// here reaches beyond 127.0.0.1.

const GIT_ENV = {
  ...process.env,
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_AUTHOR_NAME: 'Test',
  GIT_AUTHOR_EMAIL: 'test@example.test',
  GIT_COMMITTER_NAME: 'Test',
  GIT_COMMITTER_EMAIL: 'test@example.test',
};

const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, env: GIT_ENV, encoding: 'utf8' }).trim();

export interface TestRepository {
  /** Directory holding `<name>.git` bare repositories: the servers' base path. */
  base: string;
  /** Work tree the repository was built in; `commit()` adds to it and pushes. */
  work: string;
  name: string;
  commit(files: Record<string, string>, message: string, options?: { branch?: string; symlinks?: Record<string, string> }): string;
  tag(name: string): void;
  close(): void;
}

/** A bare repository `<base>/<name>.git` with branch `main`; each commit is pushed to it. */
export function createRepository(name = 'site'): TestRepository {
  const base = mkdtempSync(join(tmpdir(), 'ds-git-base-'));
  const work = mkdtempSync(join(tmpdir(), 'ds-git-work-'));
  const bare = join(base, `${name}.git`);
  git(base, 'init', '-q', '--bare', '-b', 'main', bare);
  git(work, 'init', '-q', '-b', 'main');
  git(work, 'remote', 'add', 'origin', bare);
  return {
    base,
    work,
    name,
    commit(files, message, options = {}) {
      const branch = options.branch ?? 'main';
      const branches = git(work, 'branch', '--list', branch);
      if (git(work, 'symbolic-ref', '--short', 'HEAD') !== branch) {
        git(work, 'checkout', '-q', ...(branches ? [branch] : ['-b', branch]));
      }
      for (const [path, content] of Object.entries(files)) {
        mkdirSync(dirname(join(work, path)), { recursive: true });
        writeFileSync(join(work, path), content);
      }
      for (const [path, target] of Object.entries(options.symlinks ?? {})) {
        mkdirSync(dirname(join(work, path)), { recursive: true });
        symlinkSync(target, join(work, path));
      }
      git(work, 'add', '-A');
      git(work, 'commit', '-q', '-m', message);
      git(work, 'push', '-q', 'origin', branch);
      return git(work, 'rev-parse', 'HEAD');
    },
    tag(tagName) {
      git(work, 'tag', '-a', tagName, '-m', tagName);
      git(work, 'push', '-q', 'origin', tagName);
    },
    close() {
      rmSync(base, { recursive: true, force: true });
      rmSync(work, { recursive: true, force: true });
    },
  };
}


const canConnect = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });

export interface GitDaemon {
  url(name: string): string;
  close(): Promise<void>;
}

/** `git daemon` serving every repository under `base` at git://127.0.0.1:<port>/<name>.git. */
export async function startGitDaemon(base: string): Promise<GitDaemon> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = await freePort();
    const daemon: ChildProcess = spawn(
      'git',
      ['daemon', `--base-path=${base}`, '--export-all', '--reuseaddr', '--informative-errors', '--listen=127.0.0.1', `--port=${port}`, base],
      { env: GIT_ENV, stdio: 'ignore' },
    );
    let exited = false;
    daemon.once('exit', () => (exited = true));
    for (let i = 0; i < 100 && !exited; i++) {
      if (await canConnect(port)) {
        return {
          url: (name) => `git://127.0.0.1:${port}/${name}.git`,
          close: () =>
            new Promise<void>((resolve) => {
              if (exited) return resolve();
              daemon.once('exit', () => resolve());
              daemon.kill('SIGTERM');
            }),
        };
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    daemon.kill('SIGKILL');
  }
  throw new Error('git daemon did not start');
}

export interface GitHttpServer {
  url(name: string): string;
  port: number;
  /** Every Authorization header received, decoded (`user:password`), '' when absent. */
  authorizations: string[];
  close(): Promise<void>;
}

/**
 * `git http-backend` (smart HTTP) behind a node server that requires Basic authentication with
 * the given user and password, or redirects every request elsewhere when `redirectTo` is set.
 */
export async function startGitHttpServer(base: string, auth: { username: string; password: string } | { redirectTo: string }): Promise<GitHttpServer> {
  const authorizations: string[] = [];
  const server: Server = createHttpServer((req: IncomingMessage, res: ServerResponse) => {
    const header = req.headers.authorization ?? '';
    authorizations.push(header.startsWith('Basic ') ? Buffer.from(header.slice(6), 'base64').toString('utf8') : '');
    if ('redirectTo' in auth) {
      res.writeHead(302, { Location: `${auth.redirectTo}${req.url}` }).end();
      return;
    }
    if (header !== `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}`) {
      req.resume();
      res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="test"' }).end('unauthorized');
      return;
    }
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const cgi = spawn('git', ['http-backend'], {
      env: {
        ...GIT_ENV,
        GIT_PROJECT_ROOT: base,
        GIT_HTTP_EXPORT_ALL: '1',
        PATH_INFO: decodeURIComponent(url.pathname),
        QUERY_STRING: url.search.slice(1),
        REQUEST_METHOD: req.method ?? 'GET',
        CONTENT_TYPE: req.headers['content-type'] ?? '',
        ...(req.headers['content-length'] ? { CONTENT_LENGTH: req.headers['content-length'] } : {}),
        HTTP_CONTENT_ENCODING: req.headers['content-encoding'] ?? '',
        GIT_PROTOCOL: String(req.headers['git-protocol'] ?? ''),
        REMOTE_USER: auth.username,
        REMOTE_ADDR: '127.0.0.1',
      },
      stdio: ['pipe', 'pipe', 'ignore'],
    });
    req.pipe(cgi.stdin);
    let head = Buffer.alloc(0);
    let headersDone = false;
    cgi.stdout.on('data', (chunk: Buffer) => {
      if (headersDone) return void res.write(chunk);
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) return;
      headersDone = true;
      let status = 200;
      for (const line of head.subarray(0, end).toString('latin1').split('\r\n')) {
        const colon = line.indexOf(':');
        const name = line.slice(0, colon).trim();
        const value = line.slice(colon + 1).trim();
        if (name.toLowerCase() === 'status') status = parseInt(value, 10);
        else res.setHeader(name, value);
      }
      res.writeHead(status);
      res.write(head.subarray(end + 4));
    });
    cgi.stdout.on('end', () => res.end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    port,
    url: (name) => `http://127.0.0.1:${port}/${name}.git`,
    authorizations,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Accepts TCP connections and never answers: a git server that hangs. */
export async function startSilentServer(): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<import('node:net').Socket>();
  const server = createNetServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
