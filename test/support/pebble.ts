import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort } from './ports';

const ROOT = resolve(__dirname, '../..');

export interface Pebble {
  /** ACME directory (HTTPS, certificate signed by `caFile`). */
  directoryUrl: string;
  /** CA of the directory's own HTTPS certificate (ACME_CA_FILE). */
  caFile: string;
  /** PEM root that signs the certificates Pebble issues (a fresh one per run). */
  issuingRoot(): Promise<string>;
  /** Points `host` at `address` in Pebble's DNS (challtestsrv); every other name is 127.0.0.1. */
  setA(host: string, address: string): Promise<void>;
  clearA(host: string): Promise<void>;
  close(): Promise<void>;
}

/** Ports Pebble listens on, picked before the platform starts (its config names the directory). */
export interface PebblePorts {
  acme: number;
  management: number;
  dns: number;
  challtestManagement: number;
}

export async function pebblePorts(): Promise<PebblePorts> {
  return { acme: await freePort(), management: await freePort(), dns: await freePort(), challtestManagement: await freePort() };
}

/** The installed binaries and certificates (scripts/pebble.sh: built once per version, cached). */
function installDir(): string {
  return execFileSync('bash', [join(ROOT, 'scripts/pebble.sh'), 'install'], { encoding: 'utf8' }).trim().split('\n').pop()!;
}

function get(url: string, ca: Buffer | undefined): Promise<{ status: number; body: string }> {
  return new Promise((resolvePromise, reject) => {
    // Pebble refuses requests without a User-Agent, as RFC 8555 §6.1 asks.
    const req = request(url, { ca, agent: false, headers: { 'user-agent': 'deploysphere-tests' } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolvePromise({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

function post(port: number, path: string, payload: object): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, method: 'POST', agent: false }, (res) => {
      res.resume();
      res.on('end', () => (res.statusCode === 200 ? resolvePromise() : reject(new Error(`challtestsrv ${path}: ${res.statusCode}`))));
    });
    req.on('error', reject);
    req.end(JSON.stringify(payload));
  });
}

async function until<T>(what: string, ms: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + ms;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`${what} not ready within ${ms} ms (${String(last)})`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Pebble and pebble-challtestsrv on loopback: Pebble validates HTTP-01 at `httpPort` of whatever
 * address its DNS (challtestsrv) gives for the name, 127.0.0.1 unless `setA` says otherwise.
 * No random sleeps or nonce rejections (PEBBLE_VA_NOSLEEP, PEBBLE_WFE_NONCEREJECT=0), and no
 * reuse of valid authorizations, so every issuance validates again.
 */
export async function startPebble(ports: PebblePorts, httpPort: number): Promise<Pebble> {
  const dir = installDir();
  const work = mkdtempSync(join(tmpdir(), 'ds-pebble-'));
  const caFile = join(dir, 'certs/pebble.minica.pem');
  const ca = readFileSync(caFile);
  const config = join(work, 'pebble-config.json');
  writeFileSync(
    config,
    JSON.stringify({
      pebble: {
        listenAddress: `127.0.0.1:${ports.acme}`,
        managementListenAddress: `127.0.0.1:${ports.management}`,
        certificate: join(dir, 'certs/localhost/cert.pem'),
        privateKey: join(dir, 'certs/localhost/key.pem'),
        httpPort,
        tlsPort: await freePort(),
        ocspResponderURL: '',
        externalAccountBindingRequired: false,
        domainBlocklist: ['blocked-domain.example'],
        retryAfter: { authz: 1, order: 1 },
        keyAlgorithm: 'ecdsa',
        profiles: { default: { description: 'default', validityPeriod: 7_776_000 } },
      },
    }),
  );
  const children: ChildProcess[] = [];
  const logs: string[] = [];
  const run = (bin: string, args: string[], env: Record<string, string> = {}) => {
    const child = spawn(join(dir, 'bin', bin), args, { cwd: work, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    const keep = (chunk: Buffer) => {
      logs.push(chunk.toString());
      if (logs.length > 200) logs.shift();
    };
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
    children.push(child);
  };
  run('pebble-challtestsrv', [
    '-defaultIPv4', '127.0.0.1',
    '-defaultIPv6', '',
    '-dnsserver', `127.0.0.1:${ports.dns}`,
    '-management', `127.0.0.1:${ports.challtestManagement}`,
    '-http01', '',
    '-https01', '',
    '-tlsalpn01', '',
    '-doh', '',
  ]);
  run('pebble', ['-config', config, '-dnsserver', `127.0.0.1:${ports.dns}`], { PEBBLE_VA_NOSLEEP: '1', PEBBLE_WFE_NONCEREJECT: '0', PEBBLE_AUTHZREUSE: '0' });
  const directoryUrl = `https://127.0.0.1:${ports.acme}/dir`;
  const close = async () => {
    for (const child of children) {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
    }
    rmSync(work, { recursive: true, force: true });
  };
  try {
    await until('pebble', 60_000, async () => ((await get(directoryUrl, ca)).status === 200 ? true : undefined));
    await until('challtestsrv', 60_000, async () => (await post(ports.challtestManagement, '/clear-a', { host: 'probe.test.' }), true));
  } catch (err) {
    await close();
    throw new Error(`${(err as Error).message}\n${logs.join('')}`);
  }
  return {
    directoryUrl,
    caFile,
    issuingRoot: async () => (await get(`https://127.0.0.1:${ports.management}/roots/0`, ca)).body,
    setA: (host, address) => post(ports.challtestManagement, '/add-a', { host: `${host}.`, addresses: [address] }),
    clearA: (host) => post(ports.challtestManagement, '/clear-a', { host: `${host}.` }),
    close,
  };
}
