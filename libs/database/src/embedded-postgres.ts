import { mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';

/**
 * Embedded PostgreSQL for single-process / local mode: PGlite (Postgres compiled to Wasm, from
 * npm, nothing to install) served over the wire protocol on 127.0.0.1 by
 * @electric-sql/pglite-socket, so `pg` and `@prisma/adapter-pg` talk to it as to a real server.
 *
 * It runs in a worker thread because PGlite executes queries synchronously in Wasm: on the main
 * thread every query would block the app's event loop. (It also keeps PGlite's dynamic
 * `import()`s out of Jest's module sandbox, where they fail.)
 *
 * PGlite is ONE backend. The socket server multiplexes a few client connections onto it and runs
 * one transaction at a time, but session state (advisory locks, SET, unnamed statements) is shared
 * between them. So each process uses ONE pooled connection (EMBEDDED_POOL_SIZE) and everything in
 * that process shares that pool. Only one process may open a given dataDir at a time.
 * Cost: RSS 450–800 MB, ≈5 s to start in memory, ≈15 s the first time a dataDir is initialised.
 */

/** Pool size every client of the embedded server must use (`pg.Pool({ max })`). */
export const EMBEDDED_POOL_SIZE = 1;

export interface EmbeddedPostgresOptions {
  /** Directory holding the data (created if missing; reused across restarts) or 'memory://'. */
  dataDir: string;
  /** Client connections the socket server accepts (multiplexed onto one backend). Default 4. */
  maxConnections?: number;
}

export interface EmbeddedPostgres {
  /** postgresql:// URL for pg / adapter-pg. PGlite ignores user, password and database name. */
  url: string;
  /** Stops the socket server and closes PGlite (flushing data to dataDir). Idempotent. */
  close(): Promise<void>;
}

// Plain CommonJS evaluated in the worker, so it runs the same from ts sources, dist/ and Jest.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { PGlite } = require(workerData.pgliteModule);
const { PGLiteSocketServer } = require(workerData.socketModule);
(async () => {
  const db = await PGlite.create({ dataDir: workerData.dataDir });
  // Port 0: the OS picks a free port, read back after start (no probe-then-bind race).
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: workerData.maxConnections });
  await server.start();
  parentPort.on('message', async (msg) => {
    if (msg !== 'close') return;
    try {
      await server.stop();
      await db.close();
      parentPort.postMessage({ type: 'closed' });
    } catch (err) {
      parentPort.postMessage({ type: 'error', message: String((err && err.stack) || err) });
    }
  });
  parentPort.postMessage({ type: 'ready', address: server.getServerConn() });
})().catch((err) => parentPort.postMessage({ type: 'error', message: String((err && err.stack) || err) }));
`;

type WorkerMessage = { type: 'ready'; address: string } | { type: 'closed' } | { type: 'error'; message: string };

function nextMessage(worker: Worker): Promise<WorkerMessage> {
  return new Promise((resolve, reject) => {
    const cleanup = () => {
      worker.off('message', onMessage);
      worker.off('error', onError);
      worker.off('exit', onExit);
    };
    const onMessage = (m: WorkerMessage) => (cleanup(), resolve(m));
    const onError = (e: Error) => (cleanup(), reject(e));
    const onExit = (code: number) => (cleanup(), reject(new Error(`embedded postgres worker exited (${code})`)));
    worker.on('message', onMessage);
    worker.on('error', onError);
    worker.on('exit', onExit);
  });
}

export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  const inMemory = options.dataDir === 'memory://';
  const dataDir = inMemory ? 'memory://' : path.resolve(options.dataDir);
  if (!inMemory) mkdirSync(dataDir, { recursive: true });

  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: {
      dataDir,
      maxConnections: options.maxConnections ?? 4,
      // Resolved here (CommonJS entry points) so the worker needs no module lookup of its own.
      pgliteModule: require.resolve('@electric-sql/pglite'),
      socketModule: require.resolve('@electric-sql/pglite-socket'),
    },
  });
  const first = await nextMessage(worker).catch(async (err) => {
    await worker.terminate();
    throw err;
  });
  if (first.type !== 'ready') {
    await worker.terminate();
    throw new Error(`embedded postgres failed to start (${dataDir}): ${'message' in first ? first.message : first.type}`);
  }

  let closing: Promise<void> | undefined;
  return {
    url: `postgresql://postgres:postgres@${first.address}/postgres`,
    close() {
      closing ??= (async () => {
        const done = nextMessage(worker);
        worker.postMessage('close');
        try {
          const m = await done;
          if (m.type === 'error') throw new Error(`embedded postgres failed to close cleanly: ${m.message}`);
        } finally {
          await worker.terminate();
        }
      })();
      return closing;
    },
  };
}
