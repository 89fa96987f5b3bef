import { Logger } from '@nestjs/common';
import { inheritedEnvironment } from '@deploysphere/config';
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { LineSplitter } from '../../runner/line-splitter';
import { AppStartError, type AppInstance, type AppRuntime, type AppSpec, type InstanceState } from '../app-runtime.port';

const BACKOFF_MS = { first: 500, max: 30_000 };
/** An instance up this long counts as recovered: its next crash restarts after the first backoff again. */
const STABLE_MS = 10_000;
const TAIL = 200;

interface Managed {
  instance: AppInstance;
  spec: AppSpec;
  child?: ChildProcess;
  backoffMs: number;
  timer?: NodeJS.Timeout;
  stopping: boolean;
  tail: string[];
}

/**
 * The embedded fallback without Docker: each instance is a child process of the orchestrator
 * (`sh -c <startCommand>`, else `npm start`, in the deployment's directory) on a free loopback port
 * given as `PORT`, restarted with doubling backoff when it exits. Not isolated (the orchestrator's
 * user, file system and network, no limits) and refused in production like the process build
 * runner. Instances end with the orchestrator; a restarted orchestrator starts them again.
 */
export class ProcessAppRuntime implements AppRuntime {
  readonly kind = 'process' as const;
  readonly isolated = false;
  private readonly logger = new Logger('ProcessAppRuntime');
  private readonly managed = new Map<string, Managed>();

  async start(spec: AppSpec): Promise<AppInstance[]> {
    if (spec.artifact.kind !== 'directory') throw new AppStartError('The process runtime runs a directory; this deployment has an image only (start a Docker engine)');
    for (let replica = 0; replica < spec.replicas; replica++) {
      const id = `process:${spec.deploymentId}:${replica}`;
      if (this.managed.has(id)) continue;
      const port = await freePort();
      const m: Managed = {
        instance: { id, deploymentId: spec.deploymentId, projectId: spec.projectId, replica, address: null, state: 'starting', restarts: 0, startedAt: null },
        spec: { ...spec, port },
        backoffMs: BACKOFF_MS.first,
        stopping: false,
        tail: [],
      };
      this.managed.set(id, m);
      this.launch(m);
    }
    return this.instances(spec.deploymentId);
  }

  async instances(deploymentId?: string): Promise<AppInstance[]> {
    return [...this.managed.values()].filter((m) => !deploymentId || m.instance.deploymentId === deploymentId).map((m) => ({ ...m.instance }));
  }

  async stop(deploymentId: string, graceSeconds: number): Promise<void> {
    const mine = [...this.managed.values()].filter((m) => m.instance.deploymentId === deploymentId);
    await Promise.all(
      mine.map(async (m) => {
        m.stopping = true;
        clearTimeout(m.timer);
        const child = m.child;
        if (child && child.exitCode === null && child.signalCode === null) {
          const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
          kill(child, 'SIGTERM');
          const killer = setTimeout(() => kill(child, 'SIGKILL'), graceSeconds * 1000);
          await exited;
          clearTimeout(killer);
        }
        this.managed.delete(m.instance.id);
      }),
    );
  }

  async stopProject(projectId: string): Promise<void> {
    for (const id of new Set([...this.managed.values()].filter((m) => m.instance.projectId === projectId).map((m) => m.instance.deploymentId))) await this.stop(id, 0);
  }

  async logTail(deploymentId: string, lines: number): Promise<string[]> {
    return [...this.managed.values()].filter((m) => m.instance.deploymentId === deploymentId).flatMap((m) => m.tail).slice(-lines);
  }

  /** Shutdown: the apps end with this process. */
  async onModuleDestroy(): Promise<void> {
    for (const id of new Set([...this.managed.values()].map((m) => m.instance.deploymentId))) await this.stop(id, 5);
  }

  private launch(m: Managed): void {
    const { spec } = m;
    if (spec.artifact.kind !== 'directory') return;
    const command = spec.startCommand || 'npm start';
    const child = spawn('/bin/sh', ['-c', command], {
      cwd: spec.artifact.path,
      env: { ...inheritedEnvironment(['PATH', 'HOME', 'NODE_EXTRA_CA_CERTS', 'SSL_CERT_FILE']), ...spec.env, PORT: String(spec.port) },
      stdio: ['ignore', 'pipe', 'pipe'],
      // Its own process group, so a stop reaches `npm start`'s children too.
      detached: true,
    });
    m.child = child;
    const started = Date.now();
    const keep = (line: string) => {
      m.tail.push(line);
      if (m.tail.length > TAIL) m.tail.shift();
    };
    for (const stream of [child.stdout, child.stderr]) {
      const splitter = new LineSplitter(keep);
      stream?.on('data', (chunk: Buffer) => splitter.push(chunk));
      stream?.on('end', () => splitter.end());
    }
    child.once('spawn', () => this.set(m, 'running', `127.0.0.1:${spec.port}`, new Date()));
    child.once('error', (err) => keep(`could not start: ${err.message}`));
    child.once('exit', () => {
      if (m.stopping) return this.set(m, 'stopped', null, null);
      if (Date.now() - started >= STABLE_MS) m.backoffMs = BACKOFF_MS.first;
      m.instance.restarts += 1;
      this.set(m, 'restarting', null, null);
      m.timer = setTimeout(() => !m.stopping && this.launch(m), m.backoffMs);
      m.timer.unref();
      m.backoffMs = Math.min(BACKOFF_MS.max, m.backoffMs * 2);
    });
  }

  private set(m: Managed, state: InstanceState, address: string | null, startedAt: Date | null): void {
    m.instance = { ...m.instance, state, address, startedAt };
    this.logger.debug({ instance: m.instance.id, state }, 'app instance');
  }
}

function kill(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    process.kill(-child.pid!, signal);
  } catch {
    child.kill(signal);
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
