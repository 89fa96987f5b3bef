import Docker from 'dockerode';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { builderImage, REPO_ROOT } from './builds';

export const APP_FIXTURES = join(REPO_ROOT, 'test', 'fixtures', 'apps');
/** Label of every image and container the app tests make, so they can be found and removed. */
export const TEST_LABEL = 'io.deploysphere.test=apps-runtime';

/**
 * A test app's image (test/fixtures/apps/<name> FROM the builder image, which has Node and npm),
 * tagged by the hash of its inputs: built once, reused while nothing changed.
 */
export async function testAppImage(name = 'http-app'): Promise<string> {
  const base = await builderImage();
  const dir = join(APP_FIXTURES, name);
  const hash = createHash('sha256').update(base);
  for (const file of ['Dockerfile', 'server.js', 'package.json', 'package-lock.json']) {
    if (existsSync(join(dir, file))) hash.update(file).update(readFileSync(join(dir, file)));
  }
  const tag = `deploysphere-test/${name}:${hash.digest('hex').slice(0, 16)}`;
  const docker = new Docker();
  const exists = await docker
    .getImage(tag)
    .inspect()
    .then(
      () => true,
      () => false,
    );
  if (!exists) {
    execFileSync('docker', ['build', '-q', '--label', TEST_LABEL, '--build-arg', `BASE_IMAGE=${base}`, '-t', tag, dir], {
      env: { ...process.env, DOCKER_BUILDKIT: '0' },
      stdio: ['ignore', 'ignore', 'pipe'],
      timeout: 300_000,
    });
  }
  return tag;
}

/** A GET (or another method) through node:http without keep-alive: status and parsed JSON body. */
export function httpJson(url: string, options: { method?: string; headers?: Record<string, string>; body?: string; timeoutMs?: number } = {}): Promise<{ status: number; body: any; headers: Record<string, string | string[] | undefined> }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: options.method ?? 'GET', headers: options.headers, agent: false, timeout: options.timeoutMs ?? 10_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let body: unknown = text;
        try {
          body = JSON.parse(text);
        } catch {
          // not JSON: the text
        }
        resolve({ status: res.statusCode ?? 0, body, headers: res.headers });
      });
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end(options.body);
  });
}

/** Polls `check` until it returns a value other than undefined/false, or fails after `timeoutMs`. */
export async function waitFor<T>(check: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 30_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value as T;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
