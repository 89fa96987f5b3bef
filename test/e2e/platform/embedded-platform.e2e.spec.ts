import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/**
 * What a new user does: `npm start` (the built platform, embedded adapters, no DATABASE_URL),
 * read the admin token it prints once, drive the API, restart and find everything still there.
 */
const MAIN = resolve(__dirname, '../../../dist/apps/platform/src/main.js');

async function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => res(port));
    });
    s.on('error', rej);
  });
}

interface Running {
  child: ChildProcess;
  output: () => string;
  /** Exit code, or the signal's name when Nest re-raised SIGTERM after closing gracefully. */
  exited: Promise<number | string | null>;
}

function start(env: Record<string, string>): Running {
  let out = '';
  const child = spawn(process.execPath, [MAIN], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<number | string | null>((r) => child.on('exit', (code, signal) => r(code ?? signal)));
  return { child, output: () => out, exited };
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, running: Running, timeoutMs = 90_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (running.child.exitCode !== null) throw new Error(`platform exited (${running.child.exitCode}) while waiting for ${what}:\n${running.output()}`);
    const v = await probe().catch(() => undefined);
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out waiting for ${what}:\n${running.output().slice(-3000)}`);
}

async function stop(running: Running): Promise<number | string | null> {
  running.child.kill('SIGTERM');
  return running.exited;
}

describe('npm start (embedded platform)', () => {
  let dataDir: string;
  let ports: { api: number; gateway: number; edge: number };
  let env: Record<string, string>;

  beforeAll(async () => {
    if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run \`npm run build\` first (scripts/test.sh does)`);
    dataDir = mkdtempSync(join(tmpdir(), 'deploysphere-platform-'));
    ports = { api: await freePort(), gateway: await freePort(), edge: await freePort() };
    env = {
      DEPLOYSPHERE_DATA_DIR: dataDir,
      API_PORT: String(ports.api),
      GATEWAY_PORT: String(ports.gateway),
      EDGE_PORT: String(ports.edge),
      BIND_HOST: '127.0.0.1',
    };
  });

  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('starts with zero infrastructure, prints the admin token once, keeps state across a restart, and stops on SIGTERM', async () => {
    const first = start(env);
    const token = await until('admin token', async () => /\n\s+(dsp_[A-Za-z0-9_-]{43})\n/.exec(first.output())?.[1], first);
    const api = `http://127.0.0.1:${ports.api}`;
    await until('api ready', async () => ((await fetch(`${api}/readyz`)).ok ? true : undefined), first);
    expect((await fetch(`http://127.0.0.1:${ports.gateway}/healthz`)).status).toBe(200);

    const auth = { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' };
    const created = await fetch(`${api}/v1/projects`, { method: 'POST', headers: auth, body: JSON.stringify({ name: 'Hello World', gitRepositoryUrl: 'http://127.0.0.1:9/hello.git' }) });
    expect(created.status).toBe(201);
    const project = (await created.json()) as { id: string; slug: string };
    expect(project.slug).toBe('hello-world');
    const deployment = await fetch(`${api}/v1/projects/${project.id}/deployments`, { method: 'POST', headers: auth, body: '{}' });
    expect(deployment.status).toBe(202);
    expect(((await deployment.json()) as { status: string }).status).toBe('QUEUED');
    await until('orchestrator log line', async () => (/"msg":"deployment accepted into the build queue"/.test(first.output()) ? true : undefined), first, 10_000);
    // Nest closes every module, then re-raises the signal: a clean stop ends by SIGTERM (or 0).
    expect([0, 'SIGTERM']).toContain(await stop(first));

    const second = start(env);
    await until('api ready after restart', async () => ((await fetch(`${api}/readyz`)).ok ? true : undefined), second);
    const again = await fetch(`${api}/v1/projects/${project.id}`, { headers: auth });
    expect(again.status).toBe(200);
    expect(second.output()).not.toMatch(/admin token \(shown once/);
    expect([0, 'SIGTERM']).toContain(await stop(second));
  }, 240_000);

  it('refuses to start on a bad variable, naming it', async () => {
    const bad = start({ ...env, API_PORT: 'eighty', DATABASE_URL: 'mysql://nope' });
    expect(await bad.exited).toBe(1);
    expect(bad.output()).toContain('API_PORT: must be an integer port number (0–65535; 0 picks a free port) (got "eighty")');
    expect(bad.output()).toContain('DATABASE_URL: must be a postgresql:// connection URL');
    expect(bad.output()).not.toMatch(/\n\s+at /);
  });
});
