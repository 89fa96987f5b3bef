import Docker from 'dockerode';
import { Logger } from '@nestjs/common';
import type { Readable } from 'node:stream';
import { extractArchive, packDirectory, readFirstFile } from '../archive';
import { failureForExit, OutputTooLargeError, RunnerUnavailableError } from '../build-failure';
import type {
  BuildOutcome,
  BuildRunner,
  BuildSpec,
  KnownBuild,
  LineListener,
  ReattachSpec,
  RunningBuild,
} from '../build-runner.port';
import { builderEnvironment } from '../builder-env';
import { DockerLogFrames } from './docker-log-frames';

export interface DockerRunnerOptions {
  /** The builder image (scripts/builder-image.sh). */
  image: string;
  /** User-defined bridge network, created with inter-container traffic off when missing. */
  network: string;
  /** json-file log size kept by the engine per build (a runaway build cannot fill the disk). */
  logMaxBytes: number;
  /** Seconds between SIGTERM and SIGKILL when a build is stopped. */
  stopGraceSeconds?: number;
  tmpfsMb?: number;
  /** Only for tests: an engine other than the default (DOCKER_HOST or /var/run/docker.sock). */
  docker?: Docker;
}

/** The builder image's unprivileged user (deploy/builder/Dockerfile). */
const BUILDER_UID = 10001;
const LABEL = {
  role: 'io.deploysphere.role',
  deployment: 'io.deploysphere.deployment-id',
  project: 'io.deploysphere.project-id',
  seqBase: 'io.deploysphere.log-seq-base',
  timeout: 'io.deploysphere.timeout-seconds',
} as const;
const ROLE_BUILD = 'build';
const REF_PREFIX = 'docker:';

const containerName = (deploymentId: string) => `ds-build-${deploymentId}`;
const workVolumeName = (deploymentId: string) => `ds-build-${deploymentId}`;
/** One dependency cache per project (npm/pnpm/yarn/corepack caches), kept between builds. */
export const cacheVolumeName = (projectId: string) => `ds-cache-${projectId}`;

const DETACHED = (durationMs: number): BuildOutcome => ({
  status: 'failed',
  exitCode: null,
  failureCode: 'ORCHESTRATOR_RESTARTED',
  failureMessage: 'The orchestrator stopped following this build',
  durationMs,
});

const statusOf = (err: unknown): number | undefined => (err as { statusCode?: number })?.statusCode;
const ignore = (...codes: number[]) => (err: unknown) => {
  if (!codes.includes(statusOf(err) ?? -1)) throw err;
};

/**
 * Each build in a fresh container of the builder image, hardened as docs/builder.md verified:
 * non-root, read-only root with a tmpfs /tmp, no-new-privileges, every capability dropped,
 * memory (no swap) / CPU / pids limits, `--init` so a stop takes effect at once, its own bridge
 * network. The only mounts are two named volumes: the build's own work volume on /workspace (the
 * source goes in and the artifact comes out through the engine's archive API, so the orchestrator
 * may even talk to a remote engine) and the project's cache volume on /cache. No host path, no
 * Docker socket. Env vars are given to the container at creation and never logged. Labels carry
 * the deployment id, log numbering and timeout, so a restarted orchestrator finds and follows it.
 */
export class DockerBuildRunner implements BuildRunner {
  readonly kind = 'docker' as const;
  readonly isolated = true;
  private readonly logger = new Logger('DockerBuildRunner');
  private readonly docker: Docker;
  private imageChecked = 0;
  private networkReady?: Promise<void>;

  constructor(private readonly options: DockerRunnerOptions) {
    this.docker = options.docker ?? new Docker();
  }

  /** True when an engine answers at the default address (what BUILD_RUNNER=auto asks). */
  static async daemonAnswers(docker = new Docker(), timeoutMs = 2_000): Promise<boolean> {
    return Promise.race([
      docker.ping().then(() => true, () => false),
      new Promise<boolean>((r) => setTimeout(() => r(false), timeoutMs).unref()),
    ]);
  }

  async isReady(): Promise<boolean> {
    try {
      await this.ensureImage();
      return true;
    } catch {
      return false;
    }
  }

  async start(spec: BuildSpec, onLine: LineListener): Promise<RunningBuild> {
    await this.ensureImage();
    await this.ensureNetwork();
    // Leftovers of an attempt that died before the build was recorded would clash by name.
    await this.remove(spec.deploymentId, null);

    const work = workVolumeName(spec.deploymentId);
    const labels = {
      [LABEL.role]: ROLE_BUILD,
      [LABEL.deployment]: spec.deploymentId,
      [LABEL.project]: spec.projectId,
      [LABEL.seqBase]: String(spec.logSeqBase),
      [LABEL.timeout]: String(spec.limits.timeoutSeconds),
    };
    let container: Docker.Container;
    try {
      await Promise.all([
        this.docker.createVolume({ Name: work, Labels: labels }),
        this.docker.createVolume({ Name: cacheVolumeName(spec.projectId), Labels: { [LABEL.role]: 'cache', [LABEL.project]: spec.projectId } }),
      ]);
      const memory = spec.limits.memoryMb * 1024 * 1024;
      container = await this.docker.createContainer({
        name: containerName(spec.deploymentId),
        Image: this.options.image,
        User: `${BUILDER_UID}:${BUILDER_UID}`,
        Env: Object.entries(builderEnvironment(spec)).map(([k, v]) => `${k}=${v}`),
        Labels: labels,
        NetworkDisabled: false,
        StopTimeout: this.options.stopGraceSeconds ?? 5,
        HostConfig: {
          Init: true,
          ReadonlyRootfs: true,
          Tmpfs: { '/tmp': `rw,exec,nosuid,nodev,size=${this.options.tmpfsMb ?? 512}m` },
          SecurityOpt: ['no-new-privileges'],
          CapDrop: ['ALL'],
          Memory: memory,
          MemorySwap: memory,
          NanoCpus: Math.round(spec.limits.cpus * 1e9),
          PidsLimit: spec.limits.pids,
          NetworkMode: this.options.network,
          Mounts: [
            { Type: 'volume', Source: work, Target: '/workspace' },
            { Type: 'volume', Source: cacheVolumeName(spec.projectId), Target: '/cache' },
          ],
          LogConfig: { Type: 'json-file', Config: { 'max-size': `${Math.max(1, Math.ceil((this.options.logMaxBytes * 2) / 1024))}k`, 'max-file': '1' } },
          AutoRemove: false,
          Privileged: false,
        },
      });
      await container.putArchive(packDirectory(spec.sourceDir, { prefix: 'src', uid: BUILDER_UID, gid: BUILDER_UID }), { path: '/workspace' });
      await container.start();
    } catch (err) {
      await this.remove(spec.deploymentId, null).catch(() => undefined);
      throw new RunnerUnavailableError(`Docker could not start the build: ${(err as Error).message}`, { cause: err });
    }
    return this.follow(container, {
      deploymentId: spec.deploymentId,
      startedAt: Date.now(),
      timeoutSeconds: spec.limits.timeoutSeconds,
      logSeqBase: spec.logSeqBase,
      outputDir: spec.outputDir,
      outputMaxBytes: spec.limits.outputMaxBytes,
      onLine,
    });
  }

  async reattach(spec: ReattachSpec, onLine: LineListener): Promise<RunningBuild | undefined> {
    const info = await this.inspect(spec);
    if (!info) return undefined;
    const container = this.docker.getContainer(info.Id);
    if (info.State.Status === 'created') {
      // Created but never started: nothing ran, nothing to follow.
      await this.remove(spec.deploymentId, `${REF_PREFIX}${info.Id}`);
      return undefined;
    }
    const labels = info.Config.Labels ?? {};
    const startedAt = Date.parse(info.State.StartedAt);
    return this.follow(container, {
      deploymentId: spec.deploymentId,
      startedAt: Number.isNaN(startedAt) ? Date.now() : startedAt,
      timeoutSeconds: Number(labels[LABEL.timeout]) || 900,
      logSeqBase: Number(labels[LABEL.seqBase]) || 1,
      outputDir: spec.outputDir,
      outputMaxBytes: spec.outputMaxBytes,
      onLine,
    });
  }

  async listBuilds(): Promise<KnownBuild[]> {
    const containers = await this.docker.listContainers({ all: true, filters: { label: [`${LABEL.role}=${ROLE_BUILD}`] } });
    const known = containers.map((c) => ({ deploymentId: c.Labels[LABEL.deployment], runnerRef: `${REF_PREFIX}${c.Id}`, running: c.State === 'running' }));
    // A work volume without its container: the orchestrator died between the two creations.
    const { Volumes } = await this.docker.listVolumes({ filters: { label: [`${LABEL.role}=${ROLE_BUILD}`] } });
    const withContainer = new Set(known.map((k) => k.deploymentId));
    for (const v of Volumes ?? []) {
      const id = v.Labels?.[LABEL.deployment];
      if (id && !withContainer.has(id)) known.push({ deploymentId: id, runnerRef: `${REF_PREFIX}volume:${v.Name}`, running: false });
    }
    return known.filter((k) => k.deploymentId);
  }

  /** Stops and deletes a build's container and work volume (the project's cache volume stays). */
  async remove(deploymentId: string, runnerRef: string | null): Promise<void> {
    const ids = new Set([containerName(deploymentId)]);
    if (runnerRef?.startsWith(REF_PREFIX) && !runnerRef.startsWith(`${REF_PREFIX}volume:`)) ids.add(runnerRef.slice(REF_PREFIX.length));
    await Promise.all([...ids].map((id) => this.docker.getContainer(id).remove({ force: true }).catch(ignore(404, 409))));
    await this.docker.getVolume(workVolumeName(deploymentId)).remove().catch(ignore(404, 409));
  }

  /** Removes the project's cache volume, and first any build container of the project still holding it. */
  async forgetProject(projectId: string): Promise<void> {
    const holders = await this.docker.listContainers({ all: true, filters: { label: [`${LABEL.role}=${ROLE_BUILD}`, `${LABEL.project}=${projectId}`] } });
    for (const c of holders) await this.remove(c.Labels[LABEL.deployment], `${REF_PREFIX}${c.Id}`);
    // A container whose removal is still in progress holds the volume for a moment.
    for (let attempt = 1; ; attempt++) {
      try {
        await this.docker.getVolume(cacheVolumeName(projectId)).remove();
        return;
      } catch (err) {
        if (statusOf(err) === 404) return;
        if (statusOf(err) !== 409 || attempt >= 20) throw err;
        await new Promise((r) => setTimeout(r, 250));
      }
    }
  }

  private async inspect(spec: Pick<ReattachSpec, 'deploymentId' | 'runnerRef'>): Promise<Docker.ContainerInspectInfo | undefined> {
    const candidates = [containerName(spec.deploymentId)];
    if (spec.runnerRef?.startsWith(REF_PREFIX)) candidates.unshift(spec.runnerRef.slice(REF_PREFIX.length));
    for (const id of candidates) {
      try {
        const info = await this.docker.getContainer(id).inspect();
        if (info.Config.Labels?.[LABEL.deployment] === spec.deploymentId) return info;
      } catch (err) {
        if (statusOf(err) !== 404) throw err;
      }
    }
    return undefined;
  }

  private follow(
    container: Docker.Container,
    run: {
      deploymentId: string;
      startedAt: number;
      timeoutSeconds: number;
      logSeqBase: number;
      outputDir: string;
      outputMaxBytes: number;
      onLine: LineListener;
    },
  ): RunningBuild {
    let ended: 'canceled' | 'timed_out' | undefined;
    const detached = new AbortController();
    const stop = () => container.stop({ t: this.options.stopGraceSeconds ?? 5 }).catch(ignore(304, 404));
    const remainingMs = run.startedAt + run.timeoutSeconds * 1000 - Date.now();
    const timer = setTimeout(() => {
      ended ??= 'timed_out';
      void stop().catch((err) => this.logger.warn({ deploymentId: run.deploymentId, err: String(err) }, 'stopping a timed-out build failed'));
    }, Math.max(0, remainingMs));
    timer.unref();

    const outcome = (async (): Promise<BuildOutcome> => {
      const logs = this.streamLogs(container, run.onLine, detached.signal);
      try {
        const waited = (await container.wait({ abortSignal: detached.signal })) as { StatusCode?: number };
        clearTimeout(timer);
        await Promise.race([logs, new Promise((r) => setTimeout(r, 10_000).unref())]);
        const info = await container.inspect();
        const exitCode = info.State.ExitCode ?? waited.StatusCode ?? null;
        const durationMs = Math.max(0, (Date.parse(info.State.FinishedAt) || Date.now()) - run.startedAt);
        if (ended === 'canceled') return { status: 'canceled', exitCode, failureCode: 'CANCELED', failureMessage: 'The build was canceled', durationMs };
        if (ended === 'timed_out') {
          return { status: 'timed_out', exitCode, failureCode: 'TIMED_OUT', failureMessage: `The build exceeded its time limit of ${run.timeoutSeconds} s`, durationMs };
        }
        if (exitCode !== 0 || info.State.OOMKilled) {
          const failure = failureForExit(exitCode, info.State.OOMKilled);
          return { status: 'failed', exitCode, failureCode: failure.code, failureMessage: failure.message, durationMs };
        }
        const [framework, copied] = await Promise.all([
          this.readResult(container),
          container.getArchive({ path: '/workspace/out' }).then((archive) =>
            extractArchive(archive as Readable, run.outputDir, { strip: 'out', maxBytes: run.outputMaxBytes }),
          ),
        ]);
        if (copied.skipped.length > 0) {
          run.onLine({ stream: 'system', ts: new Date().toISOString(), message: `Skipped ${copied.skipped.length} links or special files in the output (only regular files are deployed)` });
        }
        return { status: 'succeeded', exitCode: 0, durationMs, framework };
      } catch (err) {
        clearTimeout(timer);
        if (detached.signal.aborted) return DETACHED(Date.now() - run.startedAt);
        if (err instanceof OutputTooLargeError) return { status: 'failed', exitCode: 0, failureCode: err.code, failureMessage: err.message, durationMs: Date.now() - run.startedAt };
        this.logger.error({ deploymentId: run.deploymentId, err: String(err) }, 'docker build lost');
        return { status: 'failed', exitCode: null, failureCode: 'RUNNER_ERROR', failureMessage: `Docker failed during the build: ${(err as Error).message}`, durationMs: Date.now() - run.startedAt };
      }
    })();

    return {
      runnerRef: `${REF_PREFIX}${container.id}`,
      logSeqBase: run.logSeqBase,
      outcome,
      cancel: async () => {
        ended ??= 'canceled';
        await stop();
      },
      dispose: () => this.remove(run.deploymentId, `${REF_PREFIX}${container.id}`),
      detach: () => {
        clearTimeout(timer);
        detached.abort();
      },
    };
  }

  /** Follows the container's log from its first line (a reattach replays it in the same order). */
  private async streamLogs(container: Docker.Container, onLine: LineListener, signal: AbortSignal): Promise<void> {
    const frames = new DockerLogFrames(onLine);
    let stream: Readable;
    try {
      stream = (await container.logs({ follow: true, stdout: true, stderr: true, timestamps: true, abortSignal: signal })) as unknown as Readable;
    } catch (err) {
      // Detached before the engine answered, or the container is gone: wait() reports the outcome.
      if (!signal.aborted) this.logger.warn({ container: container.id, err: String(err) }, 'reading the build log failed');
      return;
    }
    signal.addEventListener('abort', () => stream.destroy(), { once: true });
    await new Promise<void>((resolve) => {
      stream.on('data', (chunk: Buffer) => frames.push(chunk));
      stream.on('end', resolve);
      stream.on('close', resolve);
      stream.on('error', () => resolve());
    });
    frames.end();
  }

  private async readResult(container: Docker.Container): Promise<string | undefined> {
    try {
      const text = await readFirstFile((await container.getArchive({ path: '/workspace/build-result.json' })) as Readable);
      const result = JSON.parse(text ?? '{}') as { framework?: unknown };
      return typeof result.framework === 'string' && result.framework ? result.framework : undefined;
    } catch {
      return undefined;
    }
  }

  private async ensureImage(): Promise<void> {
    if (Date.now() - this.imageChecked < 30_000) return;
    try {
      await this.docker.getImage(this.options.image).inspect();
    } catch (err) {
      throw new RunnerUnavailableError(
        statusOf(err) === 404
          ? `The builder image ${this.options.image} does not exist: build it with scripts/builder-image.sh (or set BUILDER_IMAGE)`
          : `The Docker engine does not answer: ${(err as Error).message}`,
        { cause: err },
      );
    }
    this.imageChecked = Date.now();
  }

  private ensureNetwork(): Promise<void> {
    this.networkReady ??= (async () => {
      const existing = await this.docker.listNetworks({ filters: { name: [this.options.network] } });
      if (existing.some((n) => n.Name === this.options.network)) return;
      await this.docker
        .createNetwork({ Name: this.options.network, Driver: 'bridge', Options: { 'com.docker.network.bridge.enable_icc': 'false' }, Labels: { [LABEL.role]: 'network' } })
        .catch(ignore(409));
    })().catch((err) => {
      this.networkReady = undefined;
      throw new RunnerUnavailableError(`Could not create the build network ${this.options.network}: ${(err as Error).message}`, { cause: err });
    });
    return this.networkReady;
  }
}
