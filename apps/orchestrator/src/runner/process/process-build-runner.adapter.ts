import { inheritedEnvironment } from '@deploysphere/config';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdir, readdir, readFile, rm, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { ID_PATTERN } from '@deploysphere/common';
import { failureForExit, OutputTooLargeError } from '../build-failure';
import type { BuildOutcome, BuildRunner, BuildSpec, KnownBuild, LineListener, ReattachSpec, RunningBuild } from '../build-runner.port';
import { builderEnvironment } from '../builder-env';
import { LineSplitter } from '../line-splitter';

export interface ProcessRunnerOptions {
  /** Parent of the per-build workspaces and the per-project caches. */
  workDir: string;
  /** deploy/builder/build.sh; found from the package by default. */
  buildScript?: string;
  /** Seconds between SIGTERM and SIGKILL when a build is stopped. */
  stopGraceSeconds?: number;
}

const REF_PREFIX = 'process:';
/** Marks a build's processes so a restarted orchestrator can find leftovers in /proc. */
const DEPLOYMENT_ENV = 'DEPLOYSPHERE_DEPLOYMENT_ID';
/**
 * The host's certificate trust, passed on so a build's npm reaches the registry behind a
 * TLS-inspecting proxy: Node from nodejs.org trusts only its own bundle, not the system store.
 */
const CA_TRUST = ['NODE_EXTRA_CA_CERTS', 'SSL_CERT_FILE', 'SSL_CERT_DIR', 'NPM_CONFIG_CAFILE'];

/** Walks up from this file to the repository (or image) root holding deploy/builder/build.sh. */
export function defaultBuildScript(from = __dirname): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, 'deploy', 'builder', 'build.sh');
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) throw new Error('deploy/builder/build.sh not found above ' + from);
  }
}

/**
 * The embedded fallback when no Docker engine answers: the builder's own script
 * (deploy/builder/build.sh) as a child process in a temporary workspace, with the same
 * wall-clock timeout, output limit and log handling, a per-project npm cache, and an
 * environment built from scratch (the orchestrator's own variables, such as DATABASE_URL or the
 * encryption key, never reach it). It is NOT isolated: the build runs as the orchestrator's
 * user, with its file system and network, and without memory, CPU or process limits.
 */
export class ProcessBuildRunner implements BuildRunner {
  readonly kind = 'process' as const;
  readonly isolated = false;
  private readonly script: string;

  constructor(private readonly options: ProcessRunnerOptions) {
    this.script = options.buildScript ?? defaultBuildScript();
  }

  async isReady(): Promise<boolean> {
    return existsSync(this.script);
  }

  async start(spec: BuildSpec, onLine: LineListener): Promise<RunningBuild> {
    const workspace = this.workspaceOf(spec.deploymentId);
    await rm(workspace, { recursive: true, force: true });
    await mkdir(join(workspace, 'home'), { recursive: true });
    await cp(spec.sourceDir, join(workspace, 'src'), { recursive: true, verbatimSymlinks: true });
    const cacheDir = this.cacheOf(spec.projectId);
    await mkdir(cacheDir, { recursive: true });

    const env: Record<string, string> = {
      ...builderEnvironment(spec),
      ...inheritedEnvironment(CA_TRUST),
      PATH: inheritedEnvironment(['PATH']).PATH ?? '/usr/local/bin:/usr/bin:/bin',
      HOME: join(workspace, 'home'),
      LANG: 'C.UTF-8',
      TMPDIR: join(workspace, 'home'),
      DEPLOYSPHERE_WORKSPACE: workspace,
      DEPLOYSPHERE_CACHE_DIR: cacheDir,
      NPM_CONFIG_CACHE: join(cacheDir, 'npm'),
      NPM_CONFIG_UPDATE_NOTIFIER: 'false',
      NPM_CONFIG_FUND: 'false',
      NPM_CONFIG_AUDIT: 'false',
      [DEPLOYMENT_ENV]: spec.deploymentId,
    };
    // coreutils `timeout` ends the build at its deadline even if this process dies meanwhile.
    const grace = this.options.stopGraceSeconds ?? 5;
    const child = spawn('timeout', ['--signal=TERM', `--kill-after=${grace}`, String(spec.limits.timeoutSeconds), 'bash', this.script], {
      cwd: workspace,
      env,
      detached: true, // own process group: a stop reaches npm and everything it started
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const startedAt = Date.now();
    let ended: 'canceled' | 'timed_out' | undefined;
    const kill = (signal: NodeJS.Signals) => {
      try {
        if (child.pid) process.kill(-child.pid, signal);
      } catch {
        // already gone
      }
    };
    const stop = () => {
      kill('SIGTERM');
      setTimeout(() => kill('SIGKILL'), grace * 1000).unref();
    };
    const timer = setTimeout(() => {
      ended ??= 'timed_out';
      stop();
    }, spec.limits.timeoutSeconds * 1000);
    timer.unref();

    const out = new LineSplitter((message, continues) => onLine({ stream: 'stdout', message, ts: new Date().toISOString(), ...(continues ? { continues } : {}) }));
    const err = new LineSplitter((message, continues) => onLine({ stream: 'stderr', message, ts: new Date().toISOString(), ...(continues ? { continues } : {}) }));
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));

    const outcome = new Promise<BuildOutcome>((resolveOutcome) => {
      child.on('error', (e) => {
        clearTimeout(timer);
        resolveOutcome({ status: 'failed', exitCode: null, failureCode: 'RUNNER_UNAVAILABLE', failureMessage: `Could not run the build: ${e.message}`, durationMs: 0 });
      });
      child.on('close', (code, signal) => {
        clearTimeout(timer);
        out.end();
        err.end();
        const durationMs = Date.now() - startedAt;
        // `timeout` exits 124 when it stopped the build itself.
        if (ended === 'canceled') return resolveOutcome({ status: 'canceled', exitCode: code, failureCode: 'CANCELED', failureMessage: 'The build was canceled', durationMs });
        if (ended === 'timed_out' || code === 124 || (code === 137 && durationMs >= spec.limits.timeoutSeconds * 1000)) {
          return resolveOutcome({ status: 'timed_out', exitCode: code, failureCode: 'TIMED_OUT', failureMessage: `The build exceeded its time limit of ${spec.limits.timeoutSeconds} s`, durationMs });
        }
        if (code !== 0) {
          const failure = failureForExit(code ?? (signal ? 128 : null));
          return resolveOutcome({ status: 'failed', exitCode: code, failureCode: failure.code, failureMessage: failure.message, durationMs });
        }
        this.collect(workspace, spec).then(
          (framework) => resolveOutcome({ status: 'succeeded', exitCode: 0, durationMs, framework }),
          (e: Error) =>
            resolveOutcome({
              status: 'failed',
              exitCode: 0,
              failureCode: e instanceof OutputTooLargeError ? e.code : 'OUTPUT_COPY_FAILED',
              failureMessage: e.message,
              durationMs,
            }),
        );
      });
    });

    return {
      runnerRef: `${REF_PREFIX}${child.pid ?? 0}`,
      logSeqBase: spec.logSeqBase,
      outcome,
      cancel: async () => {
        ended ??= 'canceled';
        stop();
      },
      dispose: () => rm(workspace, { recursive: true, force: true }),
      // Its output pipes die with this process: nothing could follow it again, so stop it.
      detach: () => {
        ended ??= 'canceled';
        stop();
      },
    };
  }

  /** A child process's output cannot be read again: a build of a previous process is only cleaned up. */
  async reattach(spec: ReattachSpec): Promise<RunningBuild | undefined> {
    await this.remove(spec.deploymentId);
    return undefined;
  }

  async listBuilds(): Promise<KnownBuild[]> {
    const known: KnownBuild[] = [];
    for (const [pid, deploymentId] of await this.buildProcesses()) known.push({ deploymentId, runnerRef: `${REF_PREFIX}${pid}`, running: true });
    // A work dir without a process: a build that ended while no one could dispose of it (a failed start, a crash).
    const running = new Set(known.map((k) => k.deploymentId));
    for (const id of await readdir(join(resolve(this.options.workDir), 'process')).catch(() => [] as string[])) {
      if (ID_PATTERN.test(id) && !running.has(id)) known.push({ deploymentId: id, runnerRef: `${REF_PREFIX}0`, running: false });
    }
    return known;
  }

  async remove(deploymentId: string): Promise<void> {
    for (const [pid, id] of await this.buildProcesses()) {
      if (id !== deploymentId) continue;
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // gone
        }
      }
    }
    await rm(this.workspaceOf(deploymentId), { recursive: true, force: true });
  }

  async forgetProject(projectId: string): Promise<void> {
    await rm(this.cacheOf(projectId), { recursive: true, force: true });
  }

  private cacheOf(projectId: string): string {
    return join(resolve(this.options.workDir), 'cache', projectId);
  }

  private workspaceOf(deploymentId: string): string {
    return join(resolve(this.options.workDir), 'process', deploymentId);
  }

  /** Moves the artifact to the output directory, within the size limit; returns the framework. */
  private async collect(workspace: string, spec: BuildSpec): Promise<string | undefined> {
    const out = join(workspace, 'out');
    const bytes = await sizeOf(out, spec.limits.outputMaxBytes);
    if (bytes > spec.limits.outputMaxBytes) throw new OutputTooLargeError(spec.limits.outputMaxBytes);
    await rm(spec.outputDir, { recursive: true, force: true });
    await cp(out, spec.outputDir, { recursive: true, verbatimSymlinks: true });
    try {
      const result = JSON.parse(await readFile(join(workspace, 'build-result.json'), 'utf8')) as { framework?: unknown };
      return typeof result.framework === 'string' && result.framework ? result.framework : undefined;
    } catch {
      return undefined;
    }
  }

  /** pid → deployment id of the process-group leaders this runner started (read from /proc). */
  private async buildProcesses(): Promise<Map<number, string>> {
    const found = new Map<number, string>();
    let pids: string[];
    try {
      pids = (await readdir('/proc')).filter((p) => /^\d+$/.test(p));
    } catch {
      return found;
    }
    const marker = `${DEPLOYMENT_ENV}=`;
    for (const pid of pids) {
      try {
        const environ = await readFile(`/proc/${pid}/environ`, 'latin1');
        const entry = environ.split('\0').find((e) => e.startsWith(marker));
        const stat = await readFile(`/proc/${pid}/stat`, 'latin1');
        const pgid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]);
        if (entry && pgid === Number(pid)) found.set(Number(pid), entry.slice(marker.length));
      } catch {
        // exited meanwhile, or not ours to read
      }
    }
    return found;
  }
}

async function sizeOf(dir: string, stopAbove: number): Promise<number> {
  let total = 0;
  const walk = async (d: string): Promise<void> => {
    for (const entry of await readdir(d, { withFileTypes: true })) {
      if (total > stopAbove) return;
      const p = join(d, entry.name);
      if (entry.isDirectory()) await walk(p);
      else if (entry.isFile()) total += (await stat(p)).size;
    }
  };
  await walk(dir);
  return total;
}
