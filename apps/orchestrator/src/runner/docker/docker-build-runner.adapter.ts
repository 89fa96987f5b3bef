import Docker from 'dockerode';
import { Logger } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { lookup } from 'node:dns/promises';
import { chown, mkdir, mkdtemp, readdir, realpath, rm, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { Readable } from 'node:stream';
import { ID_PATTERN } from '@deploysphere/common';
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
import { BuildNetworkFirewall, hostNameservers } from './build-network.firewall';
import { DockerLogFrames } from './docker-log-frames';
import { collectOutputTree, copySourceTree, mountedNoexec, readSmallFile, type Owner } from './host-workspace';

/**
 * How a build's /workspace reaches its container (BUILD_DOCKER_WORKSPACE):
 * - `bind`: the build's own host directory `<workDir>/docker/<deployment>` (the source copied in on
 *   the host, owned by the builder's uid), bind-mounted; the artifact is read back from it;
 * - `volume`: a named volume, the source put in and the artifact taken out through the engine's
 *   archive API (works with a remote engine);
 * - `auto`: `bind` when the engine is on a local socket, does not remap user ids, this process can
 *   give the directory to the builder's uid, and a probe container sees `workDir`; else `volume`.
 */
export type DockerWorkspaceMode = 'auto' | 'bind' | 'volume';

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
  /** Default: `auto` when `workDir` is set, else `volume`. */
  workspace?: DockerWorkspaceMode;
  /** BUILD_WORK_DIR: bind workspaces live in `<workDir>/docker/` (needed for `bind`). */
  workDir?: string;
  /** Only for tests: an engine other than the default (DOCKER_HOST or /var/run/docker.sock). */
  docker?: Docker;
  /**
   * Keeps builds away from the host and the private ranges with iptables rules on the build
   * network's bridge (BuildNetworkFirewall), installed with the network, removed on shutdown;
   * the id marks this instance's rules. Only on a local engine (a remote engine's host is not this one).
   */
  firewall?: { instanceId: string; iptables?: string };
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
/** runnerRefs of leftovers without a container (listBuilds): a work volume, a host work dir. */
const ORPHAN_REF = /^docker:(volume|dir):/;
const WORKSPACE = '/workspace';

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

/** Where a build's /workspace lives: a host directory bind-mounted, or a named volume. */
type Workspace = { kind: 'bind'; dir: string } | { kind: 'volume' };

/** Milliseconds since `t0` for the debug timeline of a build. */
const since = (t0: number) => Math.round(performance.now() - t0);

/**
 * Each build in a fresh container of the builder image, hardened as docs/builder.md verified:
 * non-root, read-only root with a tmpfs /tmp, no-new-privileges, every capability dropped,
 * memory (no swap) / CPU / pids limits, `--init` so a stop takes effect at once, its own bridge
 * network. Two mounts: the build's own work dir on /workspace and the project's cache volume on
 * /cache. The work dir is, on a local engine, the build's own host directory (bind mount: the
 * source is copied in on the host and the artifact read back from it, no tar through the engine),
 * else a named volume filled and emptied through the engine's archive API (a remote engine);
 * see DockerWorkspaceMode. No other host path, no Docker socket. Env vars are given to the
 * container at creation and never logged. Labels carry the deployment id, log numbering and
 * timeout, so a restarted orchestrator finds and follows it.
 */
export class DockerBuildRunner implements BuildRunner {
  readonly kind = 'docker' as const;
  readonly isolated = true;
  private readonly logger = new Logger('DockerBuildRunner');
  private readonly docker: Docker;
  private imageChecked = 0;
  private networkReady?: Promise<void>;
  private firewall?: BuildNetworkFirewall;
  private mode?: Promise<'bind' | 'volume'>;

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
      await this.workspaceMode();
      return true;
    } catch {
      return false;
    }
  }

  /**
   * How builds get their /workspace, decided once (for `auto`, by asking the engine and running a
   * probe container). A forced `bind` the engine cannot do is RunnerUnavailableError (not ready).
   */
  workspaceMode(): Promise<'bind' | 'volume'> {
    this.mode ??= this.decideWorkspace().catch((err: unknown) => {
      // The engine did not answer, or a forced bind is not possible: ask again, but not on every readiness check.
      setTimeout(() => (this.mode = undefined), 10_000).unref();
      throw err;
    });
    return this.mode;
  }

  async start(spec: BuildSpec, onLine: LineListener): Promise<RunningBuild> {
    const t0 = performance.now();
    await this.ensureImage();
    await this.ensureNetwork();
    const mode = await this.workspaceMode();
    const timeline: Record<string, number> = { checked: since(t0) };

    const labels = {
      [LABEL.role]: ROLE_BUILD,
      [LABEL.deployment]: spec.deploymentId,
      [LABEL.project]: spec.projectId,
      [LABEL.seqBase]: String(spec.logSeqBase),
      [LABEL.timeout]: String(spec.limits.timeoutSeconds),
    };
    const work = workVolumeName(spec.deploymentId);
    const workspace: Workspace = mode === 'bind' ? { kind: 'bind', dir: this.hostDirOf(spec.deploymentId) } : { kind: 'volume' };
    const memory = spec.limits.memoryMb * 1024 * 1024;
    const config: Docker.ContainerCreateOptions = {
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
          workspace.kind === 'bind'
            ? { Type: 'bind', Source: workspace.dir, Target: WORKSPACE, BindOptions: { Propagation: 'rprivate' } }
            : { Type: 'volume', Source: work, Target: WORKSPACE },
          { Type: 'volume', Source: cacheVolumeName(spec.projectId), Target: '/cache' },
        ],
        LogConfig: { Type: 'json-file', Config: { 'max-size': `${Math.max(1, Math.ceil((this.options.logMaxBytes * 2) / 1024))}k`, 'max-file': '1' } },
        AutoRemove: false,
        Privileged: false,
      },
    };
    const cacheVolume = () =>
      this.docker.createVolume({ Name: cacheVolumeName(spec.projectId), Labels: { [LABEL.role]: 'cache', [LABEL.project]: spec.projectId } });

    let container: Docker.Container;
    try {
      if (workspace.kind === 'bind') {
        // Leftovers of an attempt that died before the build was recorded: its container would
        // clash by name (removed first: it may still be writing to the directory), its directory is
        // replaced. The engine wants the directory to exist at creation; copying the source into it
        // overlaps the creation.
        await Promise.all([this.removeContainers(spec.deploymentId, null), cacheVolume()]);
        const owner = await this.freshHostDir(workspace.dir);
        const [prepared, created] = await Promise.allSettled([
          copySourceTree(spec.sourceDir, join(workspace.dir, 'src'), owner).then(() => (timeline.copied = since(t0))),
          this.docker.createContainer(config).finally(() => (timeline.created = since(t0))),
        ]);
        if (prepared.status === 'rejected') throw prepared.reason;
        if (created.status === 'rejected') throw created.reason;
        container = created.value;
      } else {
        await this.remove(spec.deploymentId, null);
        await Promise.all([this.docker.createVolume({ Name: work, Labels: labels }), cacheVolume()]);
        container = await this.docker.createContainer(config);
        timeline.created = since(t0);
        await container.putArchive(packDirectory(spec.sourceDir, { prefix: 'src', uid: BUILDER_UID, gid: BUILDER_UID }), { path: WORKSPACE });
        timeline.copied = since(t0);
      }
      await container.start();
      timeline.started = since(t0);
    } catch (err) {
      await this.remove(spec.deploymentId, null).catch(() => undefined);
      throw new RunnerUnavailableError(`Docker could not start the build: ${(err as Error).message}`, { cause: err });
    }
    this.logger.debug({ deploymentId: spec.deploymentId, workspace: mode, ms: timeline }, 'docker build started');
    return this.follow(container, {
      deploymentId: spec.deploymentId,
      startedAt: Date.now(),
      timeoutSeconds: spec.limits.timeoutSeconds,
      logSeqBase: spec.logSeqBase,
      outputDir: spec.outputDir,
      outputMaxBytes: spec.limits.outputMaxBytes,
      workspace,
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
    // The work dir the container really has (an instance with another BUILD_WORK_DIR may have started it).
    const bind = info.Mounts.find((m) => m.Destination === WORKSPACE && m.Type === 'bind');
    return this.follow(container, {
      deploymentId: spec.deploymentId,
      startedAt: Number.isNaN(startedAt) ? Date.now() : startedAt,
      timeoutSeconds: Number(labels[LABEL.timeout]) || 900,
      logSeqBase: Number(labels[LABEL.seqBase]) || 1,
      outputDir: spec.outputDir,
      outputMaxBytes: spec.outputMaxBytes,
      workspace: bind ? { kind: 'bind', dir: bind.Source } : { kind: 'volume' },
      onLine,
    });
  }

  async listBuilds(): Promise<KnownBuild[]> {
    const containers = await this.docker.listContainers({ all: true, filters: { label: [`${LABEL.role}=${ROLE_BUILD}`] } });
    const known = containers.map((c) => ({ deploymentId: c.Labels[LABEL.deployment], runnerRef: `${REF_PREFIX}${c.Id}`, running: c.State === 'running' }));
    // A work volume or host work dir without its container: the orchestrator died between the creations.
    const withContainer = new Set(known.map((k) => k.deploymentId));
    const { Volumes } = await this.docker.listVolumes({ filters: { label: [`${LABEL.role}=${ROLE_BUILD}`] } });
    for (const v of Volumes ?? []) {
      const id = v.Labels?.[LABEL.deployment];
      if (id && !withContainer.has(id)) known.push({ deploymentId: id, runnerRef: `${REF_PREFIX}volume:${v.Name}`, running: false });
    }
    if (this.options.workDir) {
      const dirs = await readdir(this.hostRoot()).catch(() => [] as string[]);
      for (const id of dirs) {
        if (ID_PATTERN.test(id) && !withContainer.has(id)) known.push({ deploymentId: id, runnerRef: `${REF_PREFIX}dir:${id}`, running: false });
      }
    }
    return known.filter((k) => k.deploymentId);
  }

  /** Stops and deletes a build's container and its work volume or host work dir (the project's cache volume stays). */
  async remove(deploymentId: string, runnerRef: string | null): Promise<void> {
    await this.removeContainers(deploymentId, runnerRef);
    await Promise.all([
      this.docker.getVolume(workVolumeName(deploymentId)).remove().catch(ignore(404, 409)),
      this.options.workDir ? rm(this.hostDirOf(deploymentId), { recursive: true, force: true }) : undefined,
    ]);
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

  private async removeContainers(deploymentId: string, runnerRef: string | null): Promise<void> {
    const ids = new Set([containerName(deploymentId)]);
    if (runnerRef?.startsWith(REF_PREFIX) && !ORPHAN_REF.test(runnerRef)) ids.add(runnerRef.slice(REF_PREFIX.length));
    await Promise.all([...ids].map((id) => this.docker.getContainer(id).remove({ force: true }).catch(ignore(404, 409))));
  }

  /** `<workDir>/docker`: only root (this process) may enter; each build's directory in it belongs to the builder's uid. */
  private hostRoot(): string {
    return join(this.options.workDir!, 'docker');
  }

  private hostDirOf(deploymentId: string): string {
    return join(this.hostRoot(), deploymentId);
  }

  /** The build's own host work dir, empty: mode 0700, owned by the builder's uid (returned: the owner to give its files; none when this process is that uid). */
  private async freshHostDir(dir: string): Promise<Owner | undefined> {
    const owner = process.getuid?.() === BUILDER_UID ? undefined : { uid: BUILDER_UID, gid: BUILDER_UID };
    await rm(dir, { recursive: true, force: true, maxRetries: 3 });
    await mkdir(this.hostRoot(), { recursive: true, mode: 0o700 });
    await mkdir(dir, { mode: 0o700 });
    if (owner) await chown(dir, owner.uid, owner.gid);
    return owner;
  }

  private async decideWorkspace(): Promise<'bind' | 'volume'> {
    const wanted = this.options.workspace ?? (this.options.workDir ? 'auto' : 'volume');
    if (wanted === 'volume') return 'volume';
    const reason = await this.whyNoBind();
    if (reason === undefined) {
      this.logger.log({ workDir: this.hostRoot() }, 'docker builds bind-mount their own host work dir (local engine)');
      return 'bind';
    }
    if (wanted === 'bind') throw new RunnerUnavailableError(`BUILD_DOCKER_WORKSPACE=bind is not possible: ${reason}`);
    this.logger.log({ reason }, "docker builds exchange their workspace through the engine's archive API");
    return 'volume';
  }

  /** Why this engine cannot bind-mount a host work dir of this process; undefined when it can. */
  private async whyNoBind(): Promise<string | undefined> {
    if (!this.options.workDir) return 'no BUILD_WORK_DIR';
    if (!(this.docker.modem as { socketPath?: string }).socketPath) return 'the engine is not on a local socket (DOCKER_HOST names a remote engine)';
    const uid = process.getuid?.();
    if (uid !== 0 && uid !== BUILDER_UID) return `this process runs as uid ${uid ?? '?'} and cannot hand a directory to the builder's uid ${BUILDER_UID}`;
    const info = (await this.docker.info()) as { SecurityOptions?: string[] };
    if ((info.SecurityOptions ?? []).some((o) => /name=(rootless|userns)/.test(o))) return 'the engine remaps user ids (rootless or userns-remap)';
    await mkdir(this.hostRoot(), { recursive: true, mode: 0o700 });
    if (await mountedNoexec(await realpath(this.hostRoot()))) return `${this.hostRoot()} is on a noexec mount (builds could not run their dependencies' programs)`;
    await this.ensureImage();
    // Does the engine see this directory? A container (created, never started) with it mounted read-only, asked through the archive API.
    const probe = await mkdtemp(join(this.hostRoot(), '.probe-'));
    const token = randomBytes(16).toString('hex');
    let container: Docker.Container | undefined;
    try {
      await writeFile(join(probe, 'token'), token);
      container = await this.docker.createContainer({
        Image: this.options.image,
        Labels: { [LABEL.role]: 'probe' },
        NetworkDisabled: true,
        HostConfig: { NetworkMode: 'none', Mounts: [{ Type: 'bind', Source: probe, Target: '/probe', ReadOnly: true }] },
      });
      const seen = await readFirstFile((await container.getArchive({ path: '/probe/token' })) as Readable);
      return seen === token ? undefined : `the engine does not see ${this.hostRoot()} (another host or file-system namespace)`;
    } catch (err) {
      return `the engine could not mount ${this.hostRoot()}: ${(err as Error).message}`;
    } finally {
      await container?.remove({ force: true }).catch(() => undefined);
      await rm(probe, { recursive: true, force: true });
    }
  }

  private async inspect(spec: Pick<ReattachSpec, 'deploymentId' | 'runnerRef'>): Promise<Docker.ContainerInspectInfo | undefined> {
    const candidates = [containerName(spec.deploymentId)];
    if (spec.runnerRef?.startsWith(REF_PREFIX) && !ORPHAN_REF.test(spec.runnerRef)) candidates.unshift(spec.runnerRef.slice(REF_PREFIX.length));
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
      workspace: Workspace;
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
        const t0 = performance.now();
        clearTimeout(timer);
        const [info] = await Promise.all([container.inspect(), Promise.race([logs, new Promise((r) => setTimeout(r, 10_000).unref())])]);
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
        const inspected = since(t0);
        let collected;
        try {
          collected = await this.collect(container, run);
        } catch (err) {
          if (err instanceof OutputTooLargeError) return { status: 'failed', exitCode: 0, failureCode: err.code, failureMessage: err.message, durationMs };
          if (run.workspace.kind === 'volume') throw err;
          return { status: 'failed', exitCode: 0, failureCode: 'OUTPUT_COPY_FAILED', failureMessage: `The build output could not be copied: ${(err as Error).message}`, durationMs };
        }
        const { framework, skipped } = collected;
        if (skipped > 0) {
          run.onLine({ stream: 'system', ts: new Date().toISOString(), message: `Skipped ${skipped} links or special files in the output (only regular files are deployed)` });
        }
        this.logger.debug({ deploymentId: run.deploymentId, workspace: run.workspace.kind, ms: { inspectedAndLogsDrained: inspected, collected: since(t0) } }, 'docker build collected');
        return { status: 'succeeded', exitCode: 0, durationMs, framework };
      } catch (err) {
        clearTimeout(timer);
        if (detached.signal.aborted) return DETACHED(Date.now() - run.startedAt);
        this.logger.error({ deploymentId: run.deploymentId, err: String(err) }, 'docker build lost');
        return { status: 'failed', exitCode: null, failureCode: 'RUNNER_ERROR', failureMessage: `Docker failed during the build: ${(err as Error).message}`, durationMs: Date.now() - run.startedAt };
      }
    })();

    const ref = `${REF_PREFIX}${container.id}`;
    return {
      runnerRef: ref,
      logSeqBase: run.logSeqBase,
      outcome,
      cancel: async () => {
        ended ??= 'canceled';
        await stop();
      },
      dispose: async () => {
        await this.remove(run.deploymentId, ref);
        // A reattached build's dir may sit under another instance's BUILD_WORK_DIR; it is named by the deployment all the same.
        const { workspace } = run;
        if (workspace.kind === 'bind' && basename(workspace.dir) === run.deploymentId) await rm(workspace.dir, { recursive: true, force: true });
      },
      detach: () => {
        clearTimeout(timer);
        detached.abort();
      },
    };
  }

  /** The artifact into `outputDir` and the framework from build-result.json, from the host dir or through the archive API. */
  private async collect(container: Docker.Container, run: { outputDir: string; outputMaxBytes: number; workspace: Workspace }): Promise<{ framework?: string; skipped: number }> {
    if (run.workspace.kind === 'bind') {
      const { dir } = run.workspace;
      const [result, copied] = await Promise.all([
        readSmallFile(join(dir, 'build-result.json')).catch(() => undefined),
        collectOutputTree(join(dir, 'out'), run.outputDir, { maxBytes: run.outputMaxBytes }),
      ]);
      return { framework: frameworkOf(result), skipped: copied.skipped.length };
    }
    const [framework, copied] = await Promise.all([
      this.readResult(container),
      container.getArchive({ path: `${WORKSPACE}/out` }).then((archive) =>
        extractArchive(archive as Readable, run.outputDir, { strip: 'out', maxBytes: run.outputMaxBytes }),
      ),
    ]);
    return { framework, skipped: copied.skipped.length };
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
      return frameworkOf(await readFirstFile((await container.getArchive({ path: `${WORKSPACE}/build-result.json` })) as Readable));
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

  /** The build network, created (inter-container traffic off) with its firewall when missing: image builds use it too. */
  async buildNetwork(): Promise<string> {
    await this.ensureNetwork();
    return this.options.network;
  }

  private ensureNetwork(): Promise<void> {
    this.networkReady ??= (async () => {
      const existing = await this.docker.listNetworks({ filters: { name: [this.options.network] } });
      if (!existing.some((n) => n.Name === this.options.network)) {
        await this.docker
          .createNetwork({ Name: this.options.network, Driver: 'bridge', Options: { 'com.docker.network.bridge.enable_icc': 'false' }, Labels: { [LABEL.role]: 'network' } })
          .catch(ignore(409));
      }
      await this.installFirewall();
    })().catch((err) => {
      this.networkReady = undefined;
      throw new RunnerUnavailableError(`Could not prepare the build network ${this.options.network}: ${(err as Error).message}`, { cause: err });
    });
    return this.networkReady;
  }

  /** The build network's Linux bridge. */
  async bridgeOf(): Promise<string> {
    const info = (await this.docker.getNetwork(this.options.network).inspect()) as { Id: string; Options?: Record<string, string> };
    return info.Options?.['com.docker.network.bridge.name'] || `br-${info.Id.slice(0, 12)}`;
  }

  private async installFirewall(): Promise<void> {
    const wanted = this.options.firewall;
    if (!wanted) return;
    if (!(this.docker.modem as { socketPath?: string }).socketPath) {
      this.logger.warn({ network: this.options.network }, "the engine is remote: the build network's firewall must be set on its host (docs/builder.md)");
      return;
    }
    // A build may only start behind the rules: a failure here makes the runner unavailable.
    this.firewall ??= new BuildNetworkFirewall({
      bridge: await this.bridgeOf(),
      instanceId: wanted.instanceId,
      iptables: wanted.iptables,
      allow: { dns: await hostNameservers(), registry: await addressesOf(REGISTRY_HOST) },
    });
    await this.firewall.install();
  }

  /**
   * Deletes this instance's firewall jumps (the chain stays for other orchestrators of the host),
   * for whoever removes the build network itself. Shutdown leaves the rules in place: a build keeps
   * running across an orchestrator restart (the next instance reattaches to it), and orchestrators
   * of one host with the same instance id share the jumps.
   */
  async removeFirewall(): Promise<void> {
    await this.firewall?.remove();
  }
}

/** The registry the builder's npm uses (deploy/builder: npm's default). */
const REGISTRY_HOST = 'registry.npmjs.org';


async function addressesOf(host: string): Promise<string[]> {
  const found = await lookup(host, { all: true, family: 4 }).catch(() => []);
  return [...new Set(found.map((a) => a.address))];
}

/** The framework build-result.json names, if any. */
function frameworkOf(text: string | undefined): string | undefined {
  try {
    const result = JSON.parse(text ?? '{}') as { framework?: unknown };
    return typeof result.framework === 'string' && result.framework ? result.framework : undefined;
  } catch {
    return undefined;
  }
}
