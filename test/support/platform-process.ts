import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort } from './ports';

export const PLATFORM_MAIN = resolve(__dirname, '../../dist/apps/platform/src/main.js');

export interface PlatformProcess {
  apiUrl: string;
  gatewayUrl: string;
  edgePort: number;
  adminToken: string;
  output(): string;
  /** A team and a read/write token for it, through the admin API. */
  createTeamToken(name: string): Promise<string>;
  stop(): Promise<void>;
}

/**
 * The built all-in-one platform (`npm start`) as a child process on free loopback ports, with
 * the embedded adapters and the given build runner: what the CLI and the SDKs talk to.
 */
export async function startPlatformProcess(env: Record<string, string> = {}): Promise<PlatformProcess> {
  if (!existsSync(PLATFORM_MAIN)) throw new Error(`${PLATFORM_MAIN} is missing: run \`npm run build\` first (scripts/test.sh does)`);
  const adminToken = `admin_${randomBytes(24).toString('hex')}`;
  // A free port can be taken by another process before the platform binds it (a shared machine):
  // then it exits at once with EADDRINUSE, and a second try on other ports is as good as a first.
  for (let attempt = 1; ; attempt++) {
    const started = await launch(env, adminToken);
    if (started.kind === 'ready') return started.platform;
    if (!started.portTaken || attempt === 3) throw started.error;
  }
}

async function launch(
  env: Record<string, string>,
  adminToken: string,
): Promise<{ kind: 'ready'; platform: PlatformProcess } | { kind: 'failed'; error: Error; portTaken: boolean }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'deploysphere-clients-'));
  const [api, gateway, edge] = [await freePort(), await freePort(), await freePort()];
  let out = '';
  const child: ChildProcess = spawn(process.execPath, [PLATFORM_MAIN], {
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? dataDir,
      DEPLOYSPHERE_DATA_DIR: dataDir,
      DEPLOYSPHERE_ADMIN_TOKEN: adminToken,
      DEPLOYSPHERE_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      API_PORT: String(api),
      GATEWAY_PORT: String(gateway),
      EDGE_PORT: String(edge),
      BIND_HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      BUILD_QUEUE_POLL_MS: '200',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const apiUrl = `http://127.0.0.1:${api}`;
  // PGlite starts in seconds alone; on a loaded 2-core CI machine it has taken over a minute.
  const deadline = Date.now() + 300_000;
  for (;;) {
    if (child.exitCode !== null) {
      await exited;
      rmSync(dataDir, { recursive: true, force: true });
      return { kind: 'failed', error: new Error(`platform exited (${child.exitCode}):\n${out}`), portTaken: /EADDRINUSE/.test(out) };
    }
    if (await fetch(`${apiUrl}/readyz`).then((r) => r.ok, () => false)) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      await exited;
      rmSync(dataDir, { recursive: true, force: true });
      throw new Error(`platform not ready in 300 s:\n${out.slice(-3000)}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  const post = async (path: string, token: string, body: unknown) => {
    const response = await fetch(`${apiUrl}${path}`, { method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    if (!response.ok) throw new Error(`POST ${path}: ${response.status} ${await response.text()}`);
    return (await response.json()) as Record<string, string>;
  };
  const platform: PlatformProcess = {
    apiUrl,
    gatewayUrl: `http://127.0.0.1:${gateway}`,
    edgePort: edge,
    adminToken,
    output: () => out,
    async createTeamToken(name) {
      const team = await post('/v1/teams', adminToken, { name });
      return (await post(`/v1/teams/${team.id}/tokens`, adminToken, { name: `${name} token` })).token;
    },
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return { kind: 'ready', platform };
}
