import Docker from 'dockerode';
import ignore from 'ignore';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { packDirectory } from '../../runner/archive';
import { RunnerUnavailableError } from '../../runner/build-failure';
import type { LineListener } from '../../runner/build-runner.port';
import { LineSplitter } from '../../runner/line-splitter';
import { BuildPidsCgroup } from '../build-pids-cgroup';
import { checkDockerfile, checkPullHosts, DockerfileRefusedError } from '../dockerfile-policy';
import type { ImageBuilder, ImageBuildOutcome, ImageBuildSpec, RegistryAuth, RunningImageBuild } from '../image-builder.port';

export interface DockerImageBuilderOptions {
  /** Ensures the build network (inter-container traffic off) and its firewall; returns its name. */
  buildNetwork: () => Promise<string>;
  /** Only for tests: an engine other than the default. */
  docker?: Docker;
  /** The cgroup (v1) hierarchy root; default /sys/fs/cgroup. */
  cgroupRoot?: string;
}

const LABEL = { role: 'io.deploysphere.role', deployment: 'io.deploysphere.deployment-id', project: 'io.deploysphere.project-id' } as const;
export const ROLE_APP_IMAGE = 'app-image';
const REF_PREFIX = 'image:';

/** What the engine's /build stream says, one JSON object per message. */
interface BuildMessage {
  stream?: string;
  status?: string;
  id?: string;
  progress?: string;
  error?: string;
  errorDetail?: { code?: number; message?: string };
  aux?: { ID?: string; Digest?: string; Tag?: string };
}

const nowIso = () => new Date().toISOString();

/** A RUN step's exit status in the classic builder's error ("returned a non-zero code: 137"). */
const exitCodeOf = (message: string): number | undefined => {
  const m = /returned a non-zero code: (\d+)/.exec(message);
  return m ? Number(m[1]) : undefined;
};

/**
 * Image builds on the local engine's build API (the classic builder: this engine has no
 * buildx/BuildKit session support, and only the classic builder runs RUN steps on a named network).
 * Every RUN step's container is on the build network (`networkmode`) with its firewall, so it
 * reaches the internet and the package registries but not the host, its loopback services, the
 * metadata address or other tenants; it gets no Docker socket and no host mount. Limits per RUN
 * container: memory (= memory+swap) and CPU quota; the pids cap is a parent cgroup all of them
 * share (`cgroupparent`, cgroup v1). The layer cache is the project's own: `cachefrom` names its
 * previous image, which makes the engine use no other cached layer. Timeout and cancel abort the
 * API request, which makes the engine stop the step and remove its container (`forcerm`).
 */
export class DockerImageBuilder implements ImageBuilder {
  private readonly docker: Docker;
  private readonly pids: BuildPidsCgroup;

  constructor(private readonly options: DockerImageBuilderOptions) {
    this.docker = options.docker ?? new Docker();
    this.pids = new BuildPidsCgroup(options.cgroupRoot);
  }

  async isReady(): Promise<boolean> {
    try {
      await this.docker.ping();
      await this.options.buildNetwork();
      return true;
    } catch {
      return false;
    }
  }

  async build(spec: ImageBuildSpec, onLine: LineListener): Promise<RunningImageBuild> {
    const started = Date.now();
    const runnerRef = REF_PREFIX + spec.deploymentId;
    const failed = (failureCode: ImageBuildOutcome['failureCode'], failureMessage: string): ImageBuildOutcome => ({
      status: 'failed',
      exitCode: null,
      failureCode,
      failureMessage,
      durationMs: Date.now() - started,
    });
    const settled = (outcome: ImageBuildOutcome): RunningImageBuild => ({
      runnerRef,
      logSeqBase: 1,
      outcome: Promise.resolve(outcome),
      cancel: async () => undefined,
      dispose: async () => this.untag(spec.tag),
      detach: () => undefined,
    });

    let dockerfile: string;
    try {
      dockerfile = await readFile(join(spec.contextDir, spec.dockerfile), 'utf8');
      checkDockerfile(dockerfile, { registryHost: spec.registryHost });
      await checkPullHosts(dockerfile, spec.registryHost);
    } catch (err) {
      if (err instanceof DockerfileRefusedError) return settled(failed('INVALID_CONFIGURATION', err.message));
      return settled(failed('INVALID_CONFIGURATION', `The Dockerfile could not be read: ${(err as Error).message}`));
    }
    let network: string;
    try {
      network = await this.options.buildNetwork();
    } catch (err) {
      throw err instanceof RunnerUnavailableError ? err : new RunnerUnavailableError(`The build network is not ready: ${(err as Error).message}`, { cause: err });
    }

    const abort = new AbortController();
    let ended: 'canceled' | 'timed_out' | 'detached' | undefined;
    const stop = (why: 'canceled' | 'timed_out' | 'detached') => {
      ended ??= why;
      abort.abort(new Error(why));
    };
    const cgroupParent = await this.pids.create(spec.deploymentId, spec.limits.pids);
    const memory = spec.limits.memoryMb * 1024 * 1024;
    const context = await this.context(spec.contextDir, spec.dockerfile);
    let stream: Readable;
    try {
      stream = (await this.docker.buildImage(context as unknown as NodeJS.ReadableStream, {
        t: spec.tag,
        dockerfile: spec.dockerfile,
        networkmode: network,
        memory,
        memswap: memory,
        cpuperiod: 100_000,
        cpuquota: Math.max(1_000, Math.round(spec.limits.cpus * 100_000)),
        ...(cgroupParent ? { cgroupparent: cgroupParent } : {}),
        labels: { [LABEL.role]: ROLE_APP_IMAGE, [LABEL.deployment]: spec.deploymentId, [LABEL.project]: spec.projectId },
        cachefrom: [spec.cacheFrom],
        rm: true,
        forcerm: true,
        pull: false,
        ...(spec.registryAuth ? { registryconfig: { [spec.registryAuth.serveraddress]: { username: spec.registryAuth.username, password: spec.registryAuth.password } } } : {}),
        abortSignal: abort.signal,
      } as unknown as Docker.ImageBuildOptions)) as unknown as Readable;
    } catch (err) {
      await this.pids.release(spec.deploymentId);
      throw new RunnerUnavailableError(`The engine refused the image build: ${(err as Error).message}`, { cause: err });
    }
    const timer = setTimeout(() => stop('timed_out'), spec.limits.timeoutSeconds * 1000);
    timer.unref();

    const outcome = new Promise<ImageBuildOutcome>((resolve) => {
      let imageId: string | undefined;
      let error: string | undefined;
      const text = new LineSplitter((message) => onLine({ stream: 'stdout', message, ts: nowIso() }));
      const messages = new LineSplitter((raw) => {
        if (!raw.trim()) return;
        let msg: BuildMessage;
        try {
          msg = JSON.parse(raw) as BuildMessage;
        } catch {
          text.push(raw + '\n');
          return;
        }
        if (msg.stream) text.push(msg.stream);
        else if (msg.status) onLine({ stream: 'stdout', message: [msg.id, msg.status, msg.progress].filter(Boolean).join(' '), ts: nowIso() });
        if (msg.aux?.ID) imageId = msg.aux.ID;
        if (msg.error) {
          error = msg.errorDetail?.message ?? msg.error;
          onLine({ stream: 'stderr', message: error, ts: nowIso() });
        }
      });
      const finish = () => {
        clearTimeout(timer);
        text.end();
        const durationMs = Date.now() - started;
        if (ended === 'timed_out') return resolve({ status: 'timed_out', exitCode: null, failureCode: 'TIMED_OUT', failureMessage: `The image build exceeded its time limit of ${spec.limits.timeoutSeconds} s`, durationMs });
        if (ended === 'canceled') return resolve({ status: 'canceled', exitCode: null, failureCode: 'CANCELED', failureMessage: 'Canceled', durationMs });
        if (ended === 'detached') return resolve({ status: 'failed', exitCode: null, failureCode: 'ORCHESTRATOR_RESTARTED', failureMessage: 'The orchestrator stopped following this image build', durationMs });
        if (error !== undefined) {
          const exit = exitCodeOf(error);
          if (exit === 137) return resolve({ status: 'failed', exitCode: exit, failureCode: 'OUT_OF_MEMORY', failureMessage: `A RUN step was killed (exit 137): most likely it exceeded the memory limit of ${spec.limits.memoryMb} MiB`, durationMs });
          return resolve({ status: 'failed', exitCode: exit ?? null, failureCode: 'BUILD_FAILED', failureMessage: `The image build failed: ${error}`, durationMs });
        }
        if (!imageId) return resolve({ status: 'failed', exitCode: null, failureCode: 'RUNNER_ERROR', failureMessage: 'The engine ended the image build without an image', durationMs });
        resolve({ status: 'succeeded', exitCode: 0, durationMs, imageId });
      };
      stream.on('data', (chunk: Buffer) => messages.push(chunk));
      stream.on('end', () => {
        messages.end();
        finish();
      });
      stream.on('error', (err: Error) => {
        messages.end();
        error ??= err.message;
        finish();
      });
    }).finally(() => this.pids.release(spec.deploymentId));

    return {
      runnerRef,
      logSeqBase: 1,
      outcome,
      cancel: async () => {
        stop('canceled');
        await outcome;
      },
      dispose: async () => this.untag(spec.tag),
      detach: () => stop('detached'),
    };
  }

  async push(ref: string, auth: RegistryAuth | undefined, onLine: LineListener, signal?: AbortSignal): Promise<string> {
    const stream = (await this.docker.getImage(ref).push({ ...(auth ? { authconfig: auth } : {}), abortSignal: signal } as never)) as unknown as Readable;
    return new Promise<string>((resolve, reject) => {
      let digest: string | undefined;
      let error: string | undefined;
      const messages = new LineSplitter((raw) => {
        if (!raw.trim()) return;
        let msg: BuildMessage;
        try {
          msg = JSON.parse(raw) as BuildMessage;
        } catch {
          return;
        }
        if (msg.aux?.Digest) digest = msg.aux.Digest;
        if (msg.error) error = msg.errorDetail?.message ?? msg.error;
        // Per-layer progress bars would flood the log: only the layer states.
        else if (msg.status && !msg.progress) onLine({ stream: 'stdout', message: [msg.id, msg.status].filter(Boolean).join(': '), ts: nowIso() });
      });
      stream.on('data', (chunk: Buffer) => messages.push(chunk));
      stream.on('error', (err: Error) => reject(err));
      stream.on('end', () => {
        messages.end();
        if (error !== undefined) return reject(new Error(error));
        if (!digest || !/^sha256:[0-9a-f]{64}$/.test(digest)) return reject(new Error('The registry answered the push without a manifest digest'));
        resolve(digest);
      });
    });
  }

  async imageId(ref: string): Promise<string | undefined> {
    try {
      return (await this.docker.getImage(ref).inspect()).Id;
    } catch (err) {
      if ((err as { statusCode?: number }).statusCode === 404) return undefined;
      throw err;
    }
  }

  async tag(source: string, target: string): Promise<void> {
    const colon = target.lastIndexOf(':');
    const slash = target.lastIndexOf('/');
    const [repo, tag] = colon > slash ? [target.slice(0, colon), target.slice(colon + 1)] : [target, 'latest'];
    await this.docker.getImage(source).tag({ repo, tag });
  }

  async untag(ref: string): Promise<void> {
    await this.docker
      .getImage(ref)
      .remove({ noprune: false })
      .catch((err: { statusCode?: number }) => {
        // 404: gone already; 409: a container still uses it (the app runtime removes it with its containers).
        if (err.statusCode !== 404 && err.statusCode !== 409) throw err;
      });
  }

  async forgetProject(projectId: string): Promise<void> {
    const images = await this.docker.listImages({ filters: { label: [`${LABEL.role}=${ROLE_APP_IMAGE}`, `${LABEL.project}=${projectId}`] } });
    for (const image of images) {
      for (const ref of image.RepoTags ?? []) if (ref !== '<none>:<none>') await this.untag(ref);
      await this.untag(image.Id);
    }
  }

  /** The context as a tar: `.git` and what `.dockerignore` names (gitignore-style patterns) left out; the Dockerfile always in. */
  private async context(dir: string, dockerfile: string): Promise<Readable> {
    const ig = ignore();
    const ignoreFile = join(dir, '.dockerignore');
    if (existsSync(ignoreFile)) ig.add((await readFile(ignoreFile, 'utf8')).split('\n').map((l) => l.trim().replace(/^\.?\//, '')));
    return packDirectory(dir, {
      prefix: '',
      skip: (rel, isDir) => rel === '.git' || (rel !== dockerfile && rel !== '.dockerignore' && ig.ignores(isDir ? `${rel}/` : rel)),
    });
  }

  /**
   * The pids cap of every RUN container of one build: a parent cgroup with pids.max, which the
   * engine (cgroupfs driver) puts the step containers under. Needs cgroup v1 with the pids
   * controller and this process allowed to write there (root next to the engine); otherwise
   * builds run without the cap, with one warning.
   */
}
