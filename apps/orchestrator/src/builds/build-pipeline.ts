import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { realpath, rm, writeFile } from 'node:fs/promises';
import { join, sep } from 'node:path';
import { DomainError, removeTree, SecretMask } from '@deploysphere/common';
import { appsConfig, buildsConfig, type ConfigType } from '@deploysphere/config';
import type { OwnedDeployment } from '@deploysphere/deployments';
import { LOG_SINK, type LogSink } from '@deploysphere/logs';
import {
  BUILD_RUNNER,
  BuildLogWriter,
  RunnerUnavailableError,
  type BuildOutcome,
  type BuildRunner,
  type RunnerLine,
  type RunningBuild,
} from '../runner';
import { SOURCE_FETCHER, type SourceFetcher } from '@deploysphere/source';
import { ARTIFACT_STORE, type ArtifactStore } from '@deploysphere/storage';
import { BlobReferences } from '../artifacts/blob-references.repository';
import { IMAGE_BUILDER, type ImageBuilder, type RegistryAuth } from '../images/image-builder.port';
import { GENERATED_DOCKERFILE, nodeDockerfile } from '../images/node-dockerfile';
import { detectRuntime, RuntimeDetectionError } from '../images/runtime-detection';
import { IMAGE_REGISTRY, type ImageRegistry } from '../registry/image-registry.port';
import { BuildEnvironment, EnvDecryptionError } from './build-environment';
import { recordBuild } from './build-metrics';
import { deploymentTraces } from './deployment-traces';
import { BuildProjects, type BuildProject } from './build-projects.repository';
import { DeploymentTransitions, type BuildContext, type FinalStatus } from './deployment-transitions';
import { WorkspacePool, type Workspace } from './workspaces';
import { inSpan } from '@deploysphere/observability';

/** A container deployment's image: its reference in the engine, and the project's layer-cache tag. */
interface ImageTarget {
  tag: string;
  cacheTag: string;
}

/** The build log's line about a build followed to its end by an orchestrator other than the one that started it. */
export function recoveryNote(previousOwner: string | null, instanceId: string): string {
  if (previousOwner === instanceId) return `The orchestrator restarted during this build (instance ${instanceId}); it was found again and followed to its end`;
  return `Orchestrator ${previousOwner ?? '(unknown)'} stopped during this build; orchestrator ${instanceId} took it over; it was found again and followed to its end`;
}

/** runner_ref of an image build (the engine's build API: nothing to reattach to). */
const IMAGE_REF = 'image:';

/** A deployment this instance owns (just claimed, or taken over after a restart). */
export type { OwnedDeployment };

interface ActiveBuild {
  projectId: string;
  abort: AbortController;
  running?: RunningBuild;
  canceled: boolean;
  /** Shutdown: stop following, change nothing (the next owner reattaches). */
  detached: boolean;
  /** The instance no longer owns the row: stop the build, change nothing. */
  lost: boolean;
  /** Its project was deleted: nobody will take the build over, so its runner's leftovers are removed here. */
  dropped: boolean;
  /** Its final transition is done (only clean-up remains): no lease to renew. */
  settled: boolean;
  /** Set when it is a container deployment whose image is being built. */
  image?: ImageTarget;
  /**
   * The project's secret values in every form: applied to the build log and to every failure
   * message and logged error of this build, since a runner or engine error may quote the env.
   */
  mask: SecretMask;
  done: Promise<void>;
}

/** An error as one log field: its stack (or message), secrets masked. */
const errorText = (err: unknown, mask: SecretMask): string => mask.apply(err instanceof Error ? (err.stack ?? err.message) : String(err));

/** A build ended before READY: how, and why. */
class BuildEnded extends Error {
  constructor(
    readonly status: FinalStatus,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const FETCH_ATTEMPTS = 2;

/**
 * Runs one owned deployment through the pipeline: fetch the source (SourceFetcher) → build
 * (BuildRunner, with the decrypted env of the deployment's target) → UPLOADING: store the
 * artifact (ArtifactStore.putDeployment) → READY (and, for production, the alias). Or resumes one
 * after a restart by reattaching to its build. Each status change goes through
 * DeploymentTransitions (row + outbox events in one transaction). Builds of this process are
 * tracked here so they can be canceled, counted and detached at shutdown.
 */
@Injectable()
export class BuildPipeline {
  private readonly logger = new Logger('BuildPipeline');
  private readonly active = new Map<string, ActiveBuild>();
  private onFinished?: () => void;
  private readonly workspaces: WorkspacePool;
  constructor(
    private readonly projects: BuildProjects,
    private readonly transitions: DeploymentTransitions,
    private readonly environment: BuildEnvironment,
    @Inject(BUILD_RUNNER) private readonly runner: BuildRunner,
    @Inject(SOURCE_FETCHER) private readonly sources: SourceFetcher,
    @Inject(ARTIFACT_STORE) private readonly store: ArtifactStore,
    private readonly references: BlobReferences,
    @Inject(LOG_SINK) private readonly sink: LogSink,
    @Inject(buildsConfig.KEY) private readonly cfg: ConfigType<typeof buildsConfig>,
    @Inject(appsConfig.KEY) private readonly apps: ConfigType<typeof appsConfig>,
    @Inject(IMAGE_REGISTRY) private readonly registry: ImageRegistry,
    @Optional() @Inject(IMAGE_BUILDER) private readonly images: ImageBuilder | null,
  ) {
    this.workspaces = new WorkspacePool(cfg.workDir, cfg.instanceId);
  }

  /** Called after each build ends (the scheduler looks at the queue again). */
  whenFinished(listener: () => void): void {
    this.onFinished = listener;
  }

  activeIds(): string[] {
    return [...this.active.keys()];
  }

  /** Builds that still hold their deployment (BUILDING/UPLOADING), whose lease must be renewed. */
  leasedIds(): string[] {
    return [...this.active].filter(([, b]) => !b.settled).map(([id]) => id);
  }

  get activeCount(): number {
    return this.active.size;
  }

  /**
   * Starts an owned deployment in the background, or resumes one taken over (`recovered`: whose
   * lease it was). Registers it synchronously.
   */
  run(d: OwnedDeployment, recovered?: { previousOwner: string | null }): void {
    if (this.active.has(d.id)) return;
    const build: ActiveBuild = {
      projectId: d.projectId,
      abort: new AbortController(),
      canceled: false,
      detached: false,
      lost: false,
      dropped: false,
      settled: false,
      mask: SecretMask.NONE,
      done: Promise.resolve(),
    };
    this.active.set(d.id, build);
    // With tracing on, the build is a span of the trace its request started (deployment-traces.ts).
    build.done = inSpan(`build ${d.id}`, 'internal', deploymentTraces.take(d.id), { 'deploysphere.deployment_id': d.id, 'deploysphere.project_id': d.projectId }, () =>
      this.execute(d, build, recovered),
    )
      .catch((err) => this.logger.error({ deploymentId: d.id, err: errorText(err, build.mask) }, 'build pipeline failed'))
      .finally(() => {
        this.active.delete(d.id);
        this.onFinished?.();
      });
  }

  /** Cancels a build of this process; false when it does not run here. */
  cancel(deploymentId: string): boolean {
    const build = this.active.get(deploymentId);
    if (!build) return false;
    if (!build.canceled) {
      build.canceled = true;
      build.abort.abort(new Error('canceled'));
      void build.running?.cancel().catch((err) => this.logger.warn({ deploymentId, err: build.mask.apply(String(err)) }, 'stopping the build failed'));
    }
    return true;
  }

  /** Another instance owns the row now: stop the build here without touching the row. */
  lose(deploymentId: string): void {
    const build = this.active.get(deploymentId);
    // A settled build made its final transition (the lease renewal that saw the row leave
    // BUILDING/UPLOADING raced with it): nothing is lost, only clean-up remains.
    if (!build || build.lost || build.settled) return;
    this.logger.warn({ deploymentId }, 'this orchestrator no longer owns the deployment; stopping its build here');
    build.lost = true;
    build.abort.abort(new Error('lost'));
    void build.running?.cancel().catch(() => undefined);
  }

  /** The project was deleted (its rows with it): stop its builds here. */
  loseProject(projectId: string): void {
    for (const [id, build] of this.active) {
      if (build.projectId !== projectId) continue;
      build.dropped = true;
      this.lose(id);
    }
  }

  /** Shutdown: stop following every build and leave them to be reattached by the next owner. */
  async detachAll(timeoutMs = 10_000): Promise<void> {
    for (const build of this.active.values()) {
      build.detached = true;
      build.abort.abort(new Error('detached'));
      build.running?.detach();
    }
    const all = Promise.allSettled([...this.active.values()].map((b) => b.done));
    await Promise.race([all, new Promise((r) => setTimeout(r, timeoutMs).unref())]);
  }

  private async execute(d: OwnedDeployment, build: ActiveBuild, recovered: { previousOwner: string | null } | undefined): Promise<void> {
    const resume = recovered !== undefined;
    const [project, env] = await Promise.all([
      this.projects.find(d.projectId),
      this.environment.load(d.projectId, d.target).catch((err: unknown) => err as Error),
    ]);
    if (!project) return; // deleted with its deployments
    if (!(env instanceof Error)) build.mask = new SecretMask(env.secrets);
    const { mask } = build;
    const ctx: BuildContext = { id: d.id, projectId: d.projectId, slug: project.slug, target: d.target, createdAt: d.createdAt, correlationId: d.correlationId };
    let workspace: Workspace | undefined;
    /** The runner's build has ended (nothing writes into the workspace any more). */
    let runnerDone = false;
    let writer: BuildLogWriter | undefined;
    const started = Date.now();
    try {
      if (d.cancelRequested) {
        await this.runner.remove(d.id, d.runnerRef);
        throw new BuildEnded('CANCELED', 'CANCELED', 'Canceled by the user');
      }
      if (env instanceof EnvDecryptionError) throw new BuildEnded('FAILED', env.code, env.message);
      if (env instanceof Error) throw env;
      workspace = await this.workspaces.acquire();
      const { srcDir, outDir } = workspace;
      const newWriter = (startSeq: number) =>
        new BuildLogWriter(this.sink, d.id, {
          startSeq,
          maxBytes: this.cfg.logMaxBytes,
          secrets: mask,
          onError: (err) => this.logger.warn({ deploymentId: d.id, err: mask.apply(String(err)) }, 'writing build log lines failed'),
        });

      let running: RunningBuild;
      if (resume && d.runnerRef?.startsWith(IMAGE_REF)) {
        // The engine stops an image build whose client went away, and its log cannot be replayed.
        throw new BuildEnded('FAILED', 'ORCHESTRATOR_RESTARTED', 'The orchestrator running this image build stopped, which stops the build: deploy again (its layer cache is kept)');
      } else if (resume) {
        // Lines replayed before the writer exists (it needs the build's log numbering) wait here.
        const early: RunnerLine[] = [];
        const found = await this.runner.reattach({ deploymentId: d.id, runnerRef: d.runnerRef, outputDir: outDir, outputMaxBytes: this.cfg.outputMaxBytes }, (l) =>
          writer ? writer.line(l) : early.push(l),
        );
        if (!found) {
          throw new BuildEnded(
            'FAILED',
            'ORCHESTRATOR_RESTARTED',
            'The orchestrator running this build stopped, and the build could not be found again: deploy again',
          );
        }
        running = found;
        writer = newWriter(found.logSeqBase);
        for (const l of early.splice(0)) writer.line(l);
        build.running = found;
        if (found.runnerRef !== d.runnerRef) await this.transitions.setRunnerRef(ctx, found.runnerRef);
        this.logger.log({ deploymentId: d.id, runnerRef: found.runnerRef, status: d.status, previousOwner: recovered.previousOwner }, 'reattached to a build after a restart');
      } else {
        writer = newWriter(1);
        running = await this.startBuild(d, ctx, build, writer, env, srcDir, outDir, project);
      }

      const outcome: BuildOutcome = await running.outcome;
      runnerDone = true;
      if (build.detached || build.lost) return;
      if (recovered) writer.system(recoveryNote(recovered.previousOwner, this.cfg.instanceId));
      if (build.canceled || outcome.status === 'canceled') throw new BuildEnded('CANCELED', 'CANCELED', 'Canceled by the user');
      if (outcome.status === 'timed_out') throw new BuildEnded('TIMED_OUT', 'TIMED_OUT', outcome.failureMessage ?? 'The build exceeded its time limit');
      if (outcome.status === 'failed') throw new BuildEnded('FAILED', outcome.failureCode ?? 'BUILD_FAILED', outcome.failureMessage ?? 'The build failed');

      if (d.status === 'BUILDING') {
        if (!(await this.transitions.buildSucceeded(ctx, { runner: this.runner.kind, durationMs: outcome.durationMs, framework: outcome.framework }))) return this.abandon(build);
      }
      if (build.image) return await this.storeImage(d, ctx, build, build.image, writer, outcome.durationMs, started);
      writer.system(`Build completed in ${(outcome.durationMs / 1000).toFixed(1)} s; storing the output`);
      let stored;
      try {
        stored = await this.store.putDeployment(d.id, outDir, { reserve: (digests) => this.references.reserve(d.id, digests) });
      } catch (err) {
        throw new BuildEnded('FAILED', 'UPLOAD_FAILED', `Storing the build output failed: ${(err as Error).message}`);
      } finally {
        // Deleted while storing: what was stored after the deployment's purge is purged again.
        await this.references.purgeIfGone(d.id).catch((err) => this.logger.warn({ deploymentId: d.id, err: mask.apply(String(err)) }, 'checking for a deleted deployment failed'));
      }
      if (build.canceled) throw new BuildEnded('CANCELED', 'CANCELED', 'Canceled by the user');
      writer.system(`Stored ${stored.manifest.files.length} files (${stored.uploadedBytes} bytes uploaded, ${stored.reusedBlobs} unchanged files reused)`);
      writer.system(d.target === 'PRODUCTION' ? `Deployment ready; going live as ${project.slug} (production)` : 'Deployment ready');
      // Every line is in the sink before the status says the deployment ended.
      await writer.flush();
      const ready = await this.transitions.ready(ctx, stored.manifestKey);
      if (!ready) return this.abandon(build);
      build.settled = true;
      recordBuild('ready', started);
      // Live subscribers get their end-of-stream now rather than after the gateway's fallback delay.
      await this.sink.end?.(d.id, 'READY');
      this.logger.log({ deploymentId: d.id, projectId: d.projectId, ms: Date.now() - started, files: stored.manifest.files.length, aliasMoved: ready.aliasMoved }, 'deployment ready');
      await running.dispose().catch((err) => this.logger.warn({ deploymentId: d.id, err: mask.apply(String(err)) }, 'removing the build failed'));
    } catch (err) {
      if (build.detached || build.lost) return;
      const ended = err instanceof BuildEnded ? err : new BuildEnded('FAILED', 'RUNNER_ERROR', `The build could not be run: ${(err as Error).message}`);
      if (!(err instanceof BuildEnded)) this.logger.error({ deploymentId: d.id, err: errorText(err, mask) }, 'build failed unexpectedly');
      // Runner and engine errors may quote the build's env (Docker and Node both echo a value they refuse).
      const message = mask.apply(ended.message);
      writer?.system(ended.status === 'CANCELED' ? 'Build canceled' : `${ended.status === 'TIMED_OUT' ? 'Build timed out' : 'Build failed'}: ${message} (${ended.code})`);
      await writer?.flush();
      await this.transitions.finish(ctx, ended.status, ended.code, message);
      build.settled = true;
      recordBuild(ended.status.toLowerCase(), started);
      await this.sink.end?.(d.id, ended.status);
      this.logger.log({ deploymentId: d.id, status: ended.status, code: ended.code, ms: Date.now() - started }, 'deployment ended');
      // A build whose runner never started (or failed to start) may still have left a work dir.
      await (build.running ? build.running.dispose() : this.runner.remove(d.id, d.runnerRef)).catch((e) =>
        this.logger.warn({ deploymentId: d.id, err: mask.apply(String(e)) }, 'removing the build failed'),
      );
    } finally {
      await writer?.flush();
      if (build.dropped) {
        await this.runner.remove(d.id, build.running?.runnerRef ?? d.runnerRef).catch((e) => this.logger.warn({ deploymentId: d.id, err: build.mask.apply(String(e)) }, 'removing the build failed'));
      }
      if (workspace && !build.detached) {
        // Handed to the next build only when nothing can still write into it: no runner was
        // started, or its build ended. Otherwise removed.
        const quiet = !build.lost && (!build.running || runnerDone);
        await (quiet ? this.workspaces.release(workspace) : removeTree(workspace.dir)).catch(() => undefined);
      }
    }
  }

  /** Fresh build: fetch the source into the workspace, then start the runner. */
  private async startBuild(
    d: OwnedDeployment,
    ctx: BuildContext,
    build: ActiveBuild,
    writer: BuildLogWriter,
    env: { env: Record<string, string>; reserved: string[] },
    srcDir: string,
    outDir: string,
    project: BuildProject,
  ): Promise<RunningBuild> {
    const timeoutSeconds = Math.min(project.buildTimeoutSeconds ?? this.cfg.timeoutSeconds, this.cfg.timeoutMaxSeconds);
    const deadline = d.buildingAt.getTime() + timeoutSeconds * 1000;
    writer.system(`Building on ${this.cfg.instanceId} with the ${this.runner.kind} runner${this.runner.isolated ? '' : ' (NOT isolated)'}`);
    writer.system(d.source === 'GIT' ? `Fetching source: git ${d.gitRef ?? ''}${d.commitSha ? ` @ ${d.commitSha.slice(0, 12)}` : ''}` : 'Fetching source: uploaded archive');

    const fetchStarted = Date.now();
    for (let attempt = 1; ; attempt++) {
      const signal = AbortSignal.any([build.abort.signal, AbortSignal.timeout(Math.max(1, deadline - Date.now()))]);
      try {
        const fetched = await this.sources.fetch(
          { deploymentId: d.id, projectId: d.projectId, source: d.source, sourceKey: d.sourceKey, gitRepositoryUrl: project.gitRepositoryUrl, gitRef: d.gitRef, commitSha: d.commitSha },
          srcDir,
          signal,
        );
        if (fetched.commitSha || fetched.commitMessage) {
          await this.transitions.recordCommit(d.id, { sha: fetched.commitSha ?? undefined, message: fetched.commitMessage ?? undefined });
        }
        break;
      } catch (err) {
        if (build.canceled) throw new BuildEnded('CANCELED', 'CANCELED', 'Canceled by the user');
        if (build.detached || build.lost) throw err;
        if (Date.now() >= deadline) throw new BuildEnded('TIMED_OUT', 'TIMED_OUT', `Fetching the source exceeded the build's time limit of ${timeoutSeconds} s`);
        if (err instanceof DomainError) throw new BuildEnded('FAILED', err.code, err.message);
        this.logger.warn({ deploymentId: d.id, attempt, err: String(err) }, 'fetching the source failed');
        if (attempt >= FETCH_ATTEMPTS) throw new BuildEnded('FAILED', 'SOURCE_FETCH_FAILED', 'The source could not be fetched');
        await removeTree(srcDir);
        await new Promise((r) => setTimeout(r, 1_000));
      }
    }
    writer.system(`Source ready in ${((Date.now() - fetchStarted) / 1000).toFixed(1)} s`);
    for (const key of env.reserved) writer.system(`The project variable ${key} is reserved for the builder's settings and was not passed to the build`);
    if (build.canceled) throw new BuildEnded('CANCELED', 'CANCELED', 'Canceled by the user');

    const remaining = Math.ceil((deadline - Date.now()) / 1000);
    if (remaining <= 0) throw new BuildEnded('TIMED_OUT', 'TIMED_OUT', `The build exceeded its time limit of ${timeoutSeconds} s`);
    let decision;
    try {
      decision = detectRuntime(srcDir, project, this.apps.nodeVersion);
    } catch (err) {
      if (err instanceof RuntimeDetectionError) throw new BuildEnded('FAILED', err.code, err.message);
      throw err;
    }
    await this.transitions.recordRuntime(d.id, decision.runtime);
    if (decision.runtime === 'container') {
      writer.system(`Server app (${decision.reason}): building its image`);
      return this.startImageBuild(d, ctx, build, writer, srcDir, project, decision.image === 'node' ? `${this.apps.nodeImage}:${decision.nodeMajor}` : undefined, remaining);
    }
    writer.system(`Running the build (limits: ${this.cfg.memoryMb} MiB memory, ${this.cfg.cpus} CPU, ${timeoutSeconds} s)`);
    let running: RunningBuild;
    try {
      running = await this.runner.start(
        {
          deploymentId: d.id,
          projectId: d.projectId,
          sourceDir: srcDir,
          outputDir: outDir,
          settings: project,
          env: env.env,
          limits: { timeoutSeconds: remaining, memoryMb: this.cfg.memoryMb, cpus: this.cfg.cpus, pids: this.cfg.pids, outputMaxBytes: this.cfg.outputMaxBytes },
          logSeqBase: writer.nextSeq,
        },
        (line) => writer.line(line),
      );
    } catch (err) {
      if (err instanceof RunnerUnavailableError) throw new BuildEnded('FAILED', err.code, err.message);
      throw err;
    }
    build.running = running;
    // A cancel that arrived while the container was being created.
    if (build.canceled || build.lost) await running.cancel();
    if (build.detached) running.detach();
    await this.transitions.setRunnerRef(ctx, running.runnerRef);
    return running;
  }

  /**
   * A container deployment's image build on the engine (ImageBuilder), with the same limits and
   * time left as a static build, on the build network. The context is the root directory; a
   * package.json app without a Dockerfile gets the platform's (FROM the Node runtime image).
   */
  private async startImageBuild(
    d: OwnedDeployment,
    ctx: BuildContext,
    build: ActiveBuild,
    writer: BuildLogWriter,
    srcDir: string,
    project: BuildProject,
    nodeImage: string | undefined,
    remaining: number,
  ): Promise<RunningBuild> {
    if (!this.images) {
      throw new BuildEnded('FAILED', 'RUNNER_UNAVAILABLE', `Server apps are built by the Docker engine; this orchestrator runs ${this.runner.kind} builds, which cannot build images`);
    }
    const contextDir = join(srcDir, project.rootDirectory ?? '.');
    // A root directory that is a link could take the context (sent to the engine) out of the source.
    const [realSrc, realContext] = await Promise.all([realpath(srcDir), realpath(contextDir).catch(() => '')]);
    if (realContext !== realSrc && !realContext.startsWith(realSrc + sep)) {
      throw new BuildEnded('FAILED', 'INVALID_CONFIGURATION', `The root directory ${project.rootDirectory ?? '.'} is missing or leads out of the source`);
    }
    let dockerfile = 'Dockerfile';
    if (nodeImage) {
      dockerfile = GENERATED_DOCKERFILE;
      // Never through a link the source may hold under that name.
      await rm(join(contextDir, dockerfile), { force: true, recursive: true });
      await writeFile(join(contextDir, dockerfile), nodeDockerfile(contextDir, nodeImage), { flag: 'wx' });
      writer.system(`No Dockerfile: building FROM ${nodeImage} (npm install, then \`npm start\`)`);
    }
    let repository: string;
    let auth: RegistryAuth | undefined;
    let registryHost: string | undefined;
    try {
      [repository, auth, registryHost] = await Promise.all([this.registry.repository(d.projectId), this.registry.auth(), this.registry.host()]);
    } catch (err) {
      throw new BuildEnded('FAILED', 'RUNNER_UNAVAILABLE', `The image registry is not available: ${(err as Error).message}`);
    }
    const image: ImageTarget = { tag: `${repository}:${d.id}`, cacheTag: `${repository}:build-cache` };
    writer.system(`Building the image (limits: ${this.cfg.memoryMb} MiB memory, ${this.cfg.cpus} CPU, ${this.cfg.pids} processes, ${remaining} s)`);
    let running: RunningBuild;
    try {
      running = await this.images.build(
        {
          deploymentId: d.id,
          projectId: d.projectId,
          contextDir,
          dockerfile,
          tag: image.tag,
          cacheFrom: image.cacheTag,
          limits: { timeoutSeconds: remaining, memoryMb: this.cfg.memoryMb, cpus: this.cfg.cpus, pids: this.cfg.pids },
          registryAuth: auth,
          registryHost,
        },
        (line) => writer.line(line),
      );
    } catch (err) {
      if (err instanceof RunnerUnavailableError) throw new BuildEnded('FAILED', err.code, err.message);
      throw err;
    }
    build.running = running;
    build.image = image;
    if (build.canceled || build.lost) await running.cancel();
    if (build.detached) running.detach();
    await this.transitions.setRunnerRef(ctx, running.runnerRef);
    return running;
  }

  /**
   * UPLOADING → STARTING: the image pushed to the registry and referenced by the digest the
   * registry answered (without a registry: the local image id), the project's layer-cache tag
   * moved to it, then DeploymentImageStored.v1 with the transition. A rebuild is a new deployment
   * with its own tag: an image is never changed.
   */
  private async storeImage(d: OwnedDeployment, ctx: BuildContext, build: ActiveBuild, image: ImageTarget, writer: BuildLogWriter, durationMs: number, started: number): Promise<void> {
    const images = this.images!;
    writer.system(`Image built in ${(durationMs / 1000).toFixed(1)} s`);
    let imageRef: string;
    let imageDigest: string;
    try {
      if (this.registry.kind === 'none') {
        imageDigest = (await images.imageId(image.tag)) ?? '';
        if (!/^sha256:[0-9a-f]{64}$/.test(imageDigest)) throw new Error('the built image is missing from the engine');
        imageRef = imageDigest;
        writer.system('No image registry configured: the image stays in the local engine');
      } else {
        writer.system(`Pushing the image to ${await this.registry.host()}`);
        const signal = AbortSignal.any([build.abort.signal, AbortSignal.timeout(this.cfg.timeoutMaxSeconds * 1000)]);
        imageDigest = await images.push(image.tag, await this.registry.auth(), (line) => writer.line(line), signal);
        imageRef = `${image.tag.slice(0, image.tag.lastIndexOf(':'))}@${imageDigest}`;
      }
    } catch (err) {
      if (build.canceled) throw new BuildEnded('CANCELED', 'CANCELED', 'Canceled by the user');
      throw new BuildEnded('FAILED', 'UPLOAD_FAILED', `Storing the image failed: ${(err as Error).message}`);
    }
    if (build.canceled) throw new BuildEnded('CANCELED', 'CANCELED', 'Canceled by the user');
    await images.tag(image.tag, image.cacheTag).catch((err) => this.logger.warn({ deploymentId: d.id, err: build.mask.apply(String(err)) }, 'moving the layer-cache tag failed'));
    writer.system(`Image stored: ${imageRef}`);
    writer.system('Starting the app');
    await writer.flush();
    if (!(await this.transitions.imageStored(ctx, { imageRef, imageDigest }))) return this.abandon(build);
    build.settled = true;
    recordBuild('image_stored', started);
    await this.sink.end?.(d.id, 'STARTING');
    this.logger.log({ deploymentId: d.id, projectId: d.projectId, ms: Date.now() - started, imageRef }, 'deployment image stored');
  }

  private abandon(build: ActiveBuild): void {
    build.lost = true;
  }
}
