'use strict';
// The distributed stack's shape: which processes run, from which entry point, with which
// environment. One module for the launcher (scripts/distributed/start.js, `npm run
// start:distributed`) and the multi-process tests (test/support/process-stack.ts), so the tests
// run the exact configuration the launcher starts. Plain CommonJS with no dependencies: it runs
// before anything is built. Types: stack.d.ts.

const { spawn } = require('node:child_process');
const { readFileSync } = require('node:fs');
const { hostname } = require('node:os');
const { join, resolve } = require('node:path');

const ROOT = resolve(__dirname, '..', '..');

/** The five apps, in start order: the api first (it creates the admin token), the edge last. */
const APPS = ['api', 'orchestrator', 'log-ingest', 'gateway', 'edge-router'];

/** The variable holding each app's listen port, and the platform's default for it. */
const PORTS = {
  api: { variable: 'API_PORT', default: 3000 },
  gateway: { variable: 'GATEWAY_PORT', default: 3001 },
  orchestrator: { variable: 'ORCHESTRATOR_PORT', default: 3002 },
  'log-ingest': { variable: 'LOG_INGEST_PORT', default: 3003 },
  'edge-router': { variable: 'EDGE_PORT', default: 8080 },
};

/** Apps with a second listener for probes and /metrics apart from their traffic: its variable and default. */
const MANAGEMENT_PORTS = {
  'edge-router': { variable: 'EDGE_MANAGEMENT_PORT', default: 3004 },
};

/** Launcher variables giving the number of instances of each app (default 1). */
const COUNT_VARIABLES = {
  api: 'DISTRIBUTED_APIS',
  orchestrator: 'DISTRIBUTED_ORCHESTRATORS',
  'log-ingest': 'DISTRIBUTED_LOG_INGESTS',
  gateway: 'DISTRIBUTED_GATEWAYS',
  'edge-router': 'DISTRIBUTED_EDGE_ROUTERS',
};

/** Instance i of an app listens on base + (i - 1) × PORT_STEP (port 0 stays 0: a free port). */
const PORT_STEP = 100;

function entryPoint(app, root = ROOT) {
  return join(root, 'dist', 'apps', app, 'src', 'main.js');
}

function migrateEntryPoint(root = ROOT) {
  return join(root, 'dist', 'libs', 'database', 'src', 'migrate.cli.js');
}

/** `orchestrator` for the first instance, `orchestrator-2` for the second, … */
function processName(app, instance) {
  return instance === 1 ? app : `${app}-${instance}`;
}

function instanceCounts(env) {
  const counts = {};
  for (const app of APPS) {
    const raw = env[COUNT_VARIABLES[app]];
    const n = raw === undefined || raw === '' ? 1 : Number(raw);
    if (!Number.isInteger(n) || n < 1 || n > 20) throw new Error(`${COUNT_VARIABLES[app]} must be an integer from 1 to 20 (got ${JSON.stringify(raw)})`);
    counts[app] = n;
  }
  return counts;
}

function portOf(app, instance, env, ports = PORTS) {
  const raw = env[ports[app].variable];
  const base = raw === undefined || raw === '' ? ports[app].default : Number(raw);
  if (!Number.isInteger(base) || base < 0 || base > 65535) throw new Error(`${ports[app].variable} must be a port number (got ${JSON.stringify(raw)})`);
  return base === 0 ? 0 : base + (instance - 1) * PORT_STEP;
}

/** Where a health check reaches a listener bound to BIND_HOST. */
function probeHost(env) {
  const bind = env.BIND_HOST || '0.0.0.0';
  if (bind === '0.0.0.0' || bind === '::' || bind === '') return '127.0.0.1';
  return bind.includes(':') ? `[${bind}]` : bind;
}

/**
 * What a distributed stack cannot run without: every process must reach the same database,
 * broker, live-log channel and artifact store, and decrypt with the same key. (ClickHouse is
 * optional: without it logs are stored in PostgreSQL.)
 */
function missingForDistributed(env) {
  const problems = [];
  if (!env.DATABASE_URL) problems.push('DATABASE_URL: the apps share one PostgreSQL database');
  if (!env.KAFKA_BROKERS) problems.push('KAFKA_BROKERS: events between processes go through Kafka');
  if (!env.REDIS_URL) problems.push('REDIS_URL: live build logs reach the gateway through Redis');
  if (!env.S3_BUCKET) problems.push('S3_BUCKET (+ S3_ENDPOINT for MinIO/moto): sources and artifacts are shared through S3');
  if (!env.DEPLOYSPHERE_ENCRYPTION_KEY) problems.push('DEPLOYSPHERE_ENCRYPTION_KEY: the api encrypts env vars, the orchestrator decrypts them');
  return problems;
}

/**
 * One process of the stack: its name, entry point, port, readiness URL and complete environment
 * (`env` plus what is specific to this process).
 *  - DEPLOYSPHERE_DATA_DIR: its own directory under `stateDir` (build staging, upload spool), as
 *    on separate machines;
 *  - DATABASE_MIGRATE_ON_START=false: migrations run once, before the apps start;
 *  - orchestrators get distinct ORCHESTRATOR_INSTANCE_IDs (`<base>-<n>`; the default base is
 *    `<hostname>-orchestrator`): the id owns the builds' leases, and two instances with one id
 *    on one host would each think the other's builds are theirs. Stable across restarts, so a
 *    restarted instance takes its own builds back at once;
 *  - edge routers get stable EDGE_INSTANCE_IDs (each is its own consumer group; a stable one
 *    resumes from its commits instead of replaying the routing topics).
 *  - the edge router's management listener (EDGE_MANAGEMENT_PORT: probes, /metrics) follows the
 *    same port scheme as the main ports.
 * `port` and `managementPort` replace the ports the scheme above gives (tests pass free ports).
 * `metricsUrl` is where the process answers /metrics.
 */
function planProcess(app, instance, { env, stateDir, port: givenPort, managementPort: givenManagement }) {
  if (!APPS.includes(app)) throw new Error(`unknown app ${app}`);
  const name = processName(app, instance);
  const port = givenPort ?? portOf(app, instance, env);
  const own = {
    DEPLOYSPHERE_DATA_DIR: join(stateDir, name),
    DATABASE_MIGRATE_ON_START: 'false',
    [PORTS[app].variable]: String(port),
  };
  let metricsPort = port;
  if (MANAGEMENT_PORTS[app]) {
    metricsPort = givenManagement ?? portOf(app, instance, env, MANAGEMENT_PORTS);
    own[MANAGEMENT_PORTS[app].variable] = String(metricsPort);
  }
  if (app === 'orchestrator') own.ORCHESTRATOR_INSTANCE_ID = `${env.ORCHESTRATOR_INSTANCE_ID || `${hostname()}-orchestrator`}-${instance}`;
  if (app === 'edge-router') own.EDGE_INSTANCE_ID = `${env.EDGE_INSTANCE_ID || `${hostname()}-edge`}-${instance}`;
  return {
    name,
    app,
    instance,
    port,
    entry: entryPoint(app),
    readyUrl: port === 0 ? undefined : `http://${probeHost(env)}:${port}/readyz`,
    metricsUrl: metricsPort === 0 ? undefined : `http://${probeHost(env)}:${metricsPort}/metrics`,
    env: { ...env, ...own },
  };
}

/** Every process of the stack, in start order. */
function planStack({ env, stateDir, counts = instanceCounts(env) }) {
  const processes = [];
  for (const app of APPS) for (let i = 1; i <= (counts[app] ?? 1); i++) processes.push(planProcess(app, i, { env, stateDir }));
  return processes;
}

/** Every variable the apps read: the names `.env.example` lists (a spec keeps it equal to what the config validates). */
function platformVariables(root = ROOT) {
  return new Set(
    readFileSync(join(root, '.env.example'), 'utf8')
      .split('\n')
      .map((line) => /^([A-Z][A-Z0-9_]*)=/.exec(line)?.[1])
      .filter(Boolean),
  );
}

/** Read by the AWS SDK (S3, ECR, ECS credentials and endpoint) and the Docker client, not by the platform's config. */
const AMBIENT_VARIABLES = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_REGION', 'AWS_PROFILE', 'AWS_ENDPOINT_URL', 'DOCKER_HOST'];

/** The part of a planned process's environment the app reads, sorted by name: what starting it by hand needs. */
function appEnvironment(planned, names = platformVariables()) {
  return Object.entries(planned.env)
    .filter(([name, value]) => value !== undefined && value !== '' && (names.has(name) || AMBIENT_VARIABLES.includes(name)))
    .sort(([a], [b]) => a.localeCompare(b));
}

/** Applies the migrations once (`npm run db:migrate`); resolves with its output, rejects with it. */
function migrate(env, root = ROOT) {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [migrateEntryPoint(root)], { env, cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (c) => (output += c));
    child.stderr.on('data', (c) => (output += c));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolvePromise(output) : reject(new Error(`db:migrate exited with ${code}:\n${output}`))));
  });
}

/** Polls `url` until it answers 200, the process exits, or `timeoutMs` passes. */
async function waitReady(url, { timeoutMs = 120_000, exited = () => false } = {}) {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer';
  while (Date.now() < deadline) {
    if (exited()) throw new Error(`exited before ${url} answered`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(3_000) });
      if (res.status === 200) return;
      last = `HTTP ${res.status}: ${(await res.text()).slice(0, 300)}`;
    } catch (err) {
      last = err instanceof Error ? err.message : String(err);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${url} not ready within ${timeoutMs} ms (last: ${last})`);
}

module.exports = {
  ROOT,
  APPS,
  PORTS,
  MANAGEMENT_PORTS,
  COUNT_VARIABLES,
  PORT_STEP,
  entryPoint,
  migrateEntryPoint,
  processName,
  instanceCounts,
  missingForDistributed,
  planProcess,
  planStack,
  platformVariables,
  appEnvironment,
  migrate,
  waitReady,
};
