#!/usr/bin/env node
'use strict';
// The whole distributed stack with one command: `npm run start:distributed` (after `npm ci`; the
// npm script builds dist/ first). docs/distributed.md describes it.
//
//  1. services: every one whose URL is not given is started on loopback with
//     scripts/services/<name>.sh (PostgreSQL, Kafka, Redis, ClickHouse, moto for S3, Docker and
//     the builder image); given URLs (DATABASE_URL, KAFKA_BROKERS, REDIS_URL, CLICKHOUSE_URL,
//     S3_BUCKET, BUILDER_IMAGE) are used as they are;
//  2. the shared secrets (encryption key, admin token) are generated once into the state dir
//     unless given;
//  3. migrations run once (`db:migrate`);
//  4. the five apps start as separate processes (DISTRIBUTED_<APP>S instances each, see
//     stack.js for the per-process environment), each line of their output prefixed with the
//     process name; the launcher waits for every /readyz and writes <state>/processes.json;
//  5. an app that exits by itself is started again after a backoff (restart-policy.js) while the
//     others keep serving; a crash loop is reported on stderr;
//  6. Ctrl-C (SIGINT) or SIGTERM stops them all (one SIGTERM each, SIGKILL after 30 s).
// `--print-env` stops after step 2: it prints (and writes to <state>/env/<name>.env) exactly the
// environment each app process needs to be started by hand.
// Services keep running afterwards (they are shared): `scripts/services/all.sh stop` stops them.

const { spawn } = require('node:child_process');
const { randomBytes } = require('node:crypto');
const { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } = require('node:fs');
const { join, resolve } = require('node:path');
const { createInterface } = require('node:readline');
const stack = require('./stack');
const { RestartPolicy, RESTART_DEFAULTS } = require('./restart-policy');

const ROOT = stack.ROOT;
const STOP_TIMEOUT_MS = 30_000;
const color = process.stdout.isTTY && !process.env.NO_COLOR;
const PALETTE = [36, 33, 35, 32, 34, 96, 93, 95, 92, 94];
const paint = (code, text) => (color ? `\u001b[${code}m${text}\u001b[0m` : text);
// stderr with --print-env, whose stdout is only the environments.
let sayTo = process.stdout;
const say = (text) => sayTo.write(`${paint(1, '[launcher]')} ${text}\n`);

/** Forwards each line of a stream with a `[name]` prefix. */
function prefixLines(stream, label, out) {
  createInterface({ input: stream, crlfDelay: Infinity }).on('line', (line) => out.write(`${label} ${line}\n`));
}

/** Runs a script; resolves with its stdout, its stderr is shown prefixed. */
function run(label, command, args, env) {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout.on('data', (c) => (stdout += c));
    prefixLines(child.stderr, paint(2, `[${label}]`), process.stderr);
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolvePromise(stdout) : reject(new Error(`${label}: \`${command} ${args.join(' ')}\` exited with ${code}`))));
  });
}

/** `export NAME=value` lines (scripts/services/<name>.sh env) into env, without overriding what is set. */
function adoptExports(text, env) {
  for (const line of text.split('\n')) {
    const m = /^export ([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line.trim());
    if (m && !env[m[1]]) env[m[1]] = m[2].replace(/^'(.*)'$/, '$1').replace(/^"(.*)"$/, '$1');
  }
}

async function service(name, env) {
  await run(`services/${name}`, 'bash', [join('scripts', 'services', `${name}.sh`), 'start'], env);
  adoptExports(await run(`services/${name}`, 'bash', [join('scripts', 'services', `${name}.sh`), 'env'], env), env);
}

/** Local PostgreSQL and a `deploysphere` database on it. */
async function postgres(env) {
  await run('services/postgres', 'bash', [join('scripts', 'services', 'postgres.sh'), 'start'], env);
  const adminUrl = (await run('services/postgres', 'bash', [join('scripts', 'services', 'postgres.sh'), 'url'], env)).trim().split('\n').pop();
  const { Client } = require('pg');
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', ['deploysphere']);
    if (!rowCount) await client.query('CREATE DATABASE "deploysphere"');
  } finally {
    await client.end();
  }
  const url = new URL(adminUrl);
  url.pathname = '/deploysphere';
  env.DATABASE_URL = url.toString();
}

/** moto as the S3 endpoint, with a bucket for artifacts. */
async function moto(env) {
  await service('moto', env);
  env.S3_ENDPOINT = env.AWS_ENDPOINT_URL;
  env.S3_BUCKET = 'deploysphere-artifacts';
  env.S3_REGION = env.S3_REGION || env.AWS_REGION || 'us-east-1';
  const { S3Client, CreateBucketCommand } = require('@aws-sdk/client-s3');
  const s3 = new S3Client({
    region: env.S3_REGION,
    endpoint: env.S3_ENDPOINT,
    forcePathStyle: true,
    credentials: { accessKeyId: env.AWS_ACCESS_KEY_ID || 'test', secretAccessKey: env.AWS_SECRET_ACCESS_KEY || 'test' },
  });
  try {
    await s3.send(new CreateBucketCommand({ Bucket: env.S3_BUCKET }));
  } catch (err) {
    if (!['BucketAlreadyOwnedByYou', 'BucketAlreadyExists'].includes(err.name)) throw err;
  } finally {
    s3.destroy();
  }
  say(`artifacts: moto at ${env.S3_ENDPOINT}, bucket ${env.S3_BUCKET} — moto keeps objects in memory only; set S3_* for a real store`);
}

/** The Docker engine and the builder image (built locally, no registry). */
async function builder(env) {
  await run('services/docker', 'bash', [join('scripts', 'services', 'docker.sh'), 'start'], env);
  env.BUILDER_IMAGE = (await run('builder-image', 'bash', [join('scripts', 'builder-image.sh')], env)).trim().split('\n').pop();
}

async function startServices(env) {
  const jobs = [];
  if (!env.DATABASE_URL) jobs.push(postgres(env));
  if (!env.KAFKA_BROKERS) jobs.push(service('kafka', env));
  if (!env.REDIS_URL) jobs.push(service('redis', env));
  if (!env.CLICKHOUSE_URL) jobs.push(service('clickhouse', env));
  if (!env.S3_BUCKET) jobs.push(moto(env));
  env.BUILD_RUNNER = env.BUILD_RUNNER || 'docker';
  if (['docker', 'auto'].includes(env.BUILD_RUNNER) && !env.BUILDER_IMAGE) jobs.push(builder(env));
  if (jobs.length > 0) say(`starting ${jobs.length} service step(s) (scripts/services/*.sh); URLs given in the environment are used as they are`);
  await Promise.all(jobs);
}

/** A value kept in a 0600 file of the state dir, generated once. */
function secretFile(file, generate) {
  if (existsSync(file)) return { value: readFileSync(file, 'utf8').trim(), created: false };
  const value = generate();
  writeFileSync(file, `${value}\n`, { mode: 0o600, flag: 'wx' });
  return { value, created: true };
}

async function main() {
  const args = process.argv.slice(2);
  const unknown = args.filter((a) => a !== '--print-env');
  if (unknown.length > 0) throw new Error(`unknown argument(s) ${unknown.join(' ')} (known: --print-env)`);
  const printEnv = args.includes('--print-env');
  if (printEnv) sayTo = process.stderr;
  process.chdir(ROOT);
  if (existsSync('.env')) process.loadEnvFile('.env');
  const env = { ...process.env };
  const counts = stack.instanceCounts(env);
  for (const app of stack.APPS) {
    if (!existsSync(stack.entryPoint(app))) throw new Error(`${stack.entryPoint(app)} is missing: run \`npm run build\` first (\`npm run start:distributed\` does)`);
  }
  const stateDir = resolve(env.DISTRIBUTED_STATE_DIR || join(env.DEPLOYSPHERE_DATA_DIR || '.deploysphere', 'distributed'));
  mkdirSync(stateDir, { recursive: true });

  await startServices(env);

  if (!env.DEPLOYSPHERE_ENCRYPTION_KEY) env.DEPLOYSPHERE_ENCRYPTION_KEY = secretFile(join(stateDir, 'encryption.key'), () => randomBytes(32).toString('base64')).value;
  if (!env.DEPLOYSPHERE_ADMIN_TOKEN) {
    const token = secretFile(join(stateDir, 'admin-token'), () => `dsp_admin_${randomBytes(24).toString('hex')}`);
    env.DEPLOYSPHERE_ADMIN_TOKEN = token.value;
    say(token.created ? `admin token (also in ${join(stateDir, 'admin-token')}):\n\n    ${token.value}\n` : `admin token: in ${join(stateDir, 'admin-token')}`);
  }
  const missing = stack.missingForDistributed(env);
  if (missing.length > 0) throw new Error(`distributed mode needs:\n  - ${missing.join('\n  - ')}`);
  if (!env.CLICKHOUSE_URL) say('CLICKHOUSE_URL is not set: logs are stored in PostgreSQL');

  const planned = stack.planStack({ env, stateDir, counts });
  if (printEnv) {
    printEnvironments(planned, stateDir);
    return;
  }

  say('applying migrations (db:migrate)');
  process.stdout.write(`${(await stack.migrate(env)).trimEnd().replace(/^/gm, `${paint(2, '[migrate]')} `)}\n`);

  const running = planned.map((p, i) => ({ ...p, label: paint(PALETTE[i % PALETTE.length], `[${p.name}]`), policy: new RestartPolicy(), child: undefined, alive: false, startedAt: 0, restarts: 0, restartTimer: undefined, exited: Promise.resolve() }));
  let stopping = false;
  let exitCode = 0;

  const writeProcesses = () =>
    writeFileSync(
      join(stateDir, 'processes.json'),
      `${JSON.stringify(
        running.map((p) => ({
          name: p.name,
          app: p.app,
          pid: p.child?.pid,
          port: p.port,
          readyUrl: p.readyUrl,
          metricsUrl: p.metricsUrl,
          restarts: p.restarts,
          instanceId: p.app === 'orchestrator' ? p.env.ORCHESTRATOR_INSTANCE_ID : p.app === 'edge-router' ? p.env.EDGE_INSTANCE_ID : undefined,
        })),
        null,
        2,
      )}\n`,
    );

  const stopAll = async (reason) => {
    if (stopping) return;
    stopping = true;
    for (const p of running) clearTimeout(p.restartTimer);
    say(`${reason}: stopping ${running.filter((p) => p.alive).length} process(es)`);
    const deadline = setTimeout(() => {
      for (const p of running) if (p.alive) {
        say(`${p.name} did not stop within ${STOP_TIMEOUT_MS / 1000} s: SIGKILL`);
        p.child.kill('SIGKILL');
        exitCode = 1;
      }
    }, STOP_TIMEOUT_MS);
    // The edge stops taking traffic first, the api (which the others do not need) last.
    for (const p of [...running].reverse()) if (p.alive) p.child.kill('SIGTERM');
    await Promise.all(running.map((p) => p.exited));
    clearTimeout(deadline);
    say('stopped');
    process.exit(exitCode);
  };
  // Never leave an app behind when the launcher itself goes away on an error.
  process.on('exit', () => running.forEach((p) => p.alive && p.child.kill('SIGKILL')));
  process.on('SIGINT', () => void stopAll('SIGINT'));
  process.on('SIGTERM', () => void stopAll('SIGTERM'));

  /**
   * Starts (or restarts) one app. An app that exits by itself is started again after its
   * RestartPolicy's delay while the others keep serving; a crash loop is reported on stderr.
   */
  const launch = (p) => {
    // Its own process group: a terminal's Ctrl-C reaches the launcher only, which sends each app
    // exactly one SIGTERM (a second signal would cut Nest's graceful shutdown short).
    const child = spawn(process.execPath, [p.entry], { cwd: ROOT, env: p.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    p.child = child;
    p.alive = true;
    p.startedAt = Date.now();
    p.exited = new Promise((resolveExit) =>
      child.on('exit', (code, signal) => {
        p.alive = false;
        if (stopping && !(code === 0 || signal === 'SIGTERM')) exitCode = 1;
        say(`${p.name} (pid ${child.pid}) exited (${signal ?? `code ${code}`})`);
        resolveExit();
        if (stopping) return;
        const next = p.policy.exited(p.startedAt);
        p.restarts++;
        const seconds = (next.delayMs / 1000).toFixed(0);
        if (next.crashLoop) {
          process.stderr.write(
            `${paint(31, '[launcher]')} ${p.name} is in a crash loop: ${next.recentExits} exits within ${RESTART_DEFAULTS.windowMs / 1000} s (its output above says why); restarting it in ${seconds} s, the other processes keep running\n`,
          );
        } else {
          say(`${p.name} exited unexpectedly; restarting it in ${seconds} s (restart ${p.restarts}); the other processes keep running`);
        }
        p.restartTimer = setTimeout(() => {
          p.restartTimer = undefined;
          if (stopping) return;
          launch(p);
          say(`${p.name} restarted (pid ${p.child.pid})`);
          writeProcesses();
        }, next.delayMs);
      }),
    );
    prefixLines(child.stdout, p.label, process.stdout);
    prefixLines(child.stderr, p.label, process.stderr);
  };

  running.forEach(launch);
  writeProcesses();

  try {
    // A restarted app comes back on the same port: its /readyz is asked until it answers.
    await Promise.all(running.map((p) => (p.readyUrl ? stack.waitReady(p.readyUrl, { exited: () => stopping }) : undefined)));
  } catch (err) {
    if (!stopping) {
      exitCode = 1;
      await stopAll(`not ready: ${err.message}`);
    }
    return;
  }
  const host = env.ROOT_DOMAIN || 'localhost';
  say(
    [
      `all ${running.length} processes are ready (${join(stateDir, 'processes.json')}):`,
      ...running.filter((p) => p.app === 'api').map((p) => `  ${p.name.padEnd(16)} http://localhost:${p.port}  (docs: /docs)`),
      ...running.filter((p) => p.app === 'gateway').map((p) => `  ${p.name.padEnd(16)} http://localhost:${p.port}  (Socket.IO live logs)`),
      ...running.filter((p) => p.app === 'edge-router').map((p) => `  ${p.name.padEnd(16)} http://<project-slug>.${host}:${p.port}`),
      ...running.filter((p) => ['orchestrator', 'log-ingest'].includes(p.app)).map((p) => `  ${p.name.padEnd(16)} ${p.readyUrl}${p.app === 'orchestrator' ? `  (ORCHESTRATOR_INSTANCE_ID=${p.env.ORCHESTRATOR_INSTANCE_ID})` : ''}`),
      `metrics: ${running.map((p) => p.metricsUrl).filter(Boolean).join(' ')}`,
      'An app that exits by itself is restarted (with backoff); Ctrl-C stops them all; the services keep running (scripts/services/all.sh stop).',
    ].join('\n'),
  );
}

/**
 * `--print-env`: exactly what each app process needs, as `NAME='value'` lines, printed and written
 * to `<state>/env/<name>.env` (mode 0600: it holds the secrets), to start an app by hand:
 * `set -a; . <state>/env/api.env; set +a; npm run start:api`.
 */
function printEnvironments(planned, stateDir) {
  const names = stack.platformVariables();
  const dir = join(stateDir, 'env');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  for (const p of planned) {
    const lines = stack.appEnvironment(p, names).map(([name, value]) => `${name}=${shellQuote(value)}`);
    const file = join(dir, `${p.name}.env`);
    writeFileSync(file, `${lines.join('\n')}\n`, { mode: 0o600 });
    chmodSync(file, 0o600);
    process.stdout.write(`# ${p.name}: node ${p.entry.slice(ROOT.length + 1)} (also in ${file})\n${lines.join('\n')}\n\n`);
  }
}

const shellQuote = (value) => (/^[A-Za-z0-9_@%+=:,./-]*$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`);

main().catch((err) => {
  process.stderr.write(`start:distributed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
