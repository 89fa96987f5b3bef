import type { BuildFailureCode } from './build-failure';

export type BuildRunnerKind = 'docker' | 'process' | 'ecs';

/** The project's build settings (the builder contract's env: docs/builder.md). Empty means "detect". */
export interface BuildSettings {
  rootDirectory?: string | null;
  installCommand?: string | null;
  buildCommand?: string | null;
  outputDirectory?: string | null;
  framework?: string | null;
}

export interface BuildLimits {
  /** Wall-clock limit of the build itself (the runner stops it and reports `timed_out`). */
  timeoutSeconds: number;
  memoryMb: number;
  cpus: number;
  pids: number;
  /** Largest artifact copied out of the build; more fails the build with OUTPUT_TOO_LARGE. */
  outputMaxBytes: number;
}

export interface BuildSpec {
  deploymentId: string;
  projectId: string;
  /** Host directory holding the project source. The runner copies it and never changes it. */
  sourceDir: string;
  /** Empty host directory where the runner leaves the artifact when the build succeeds. */
  outputDir: string;
  settings: BuildSettings;
  /** The project's variables for the deployment's target, decrypted: injected at run time only, never logged. */
  env: Record<string, string>;
  limits: BuildLimits;
  /**
   * Sequence number of the build's first output line (the lines before it are the orchestrator's).
   * Stored with the build (container label, task tag) so a reattached build numbers its lines the same way.
   */
  logSeqBase: number;
}

/** One line of the build's output, in order. The runner reads it; seq is assigned by the caller. */
export interface RunnerLine {
  stream: 'stdout' | 'stderr' | 'system';
  message: string;
  /** ISO-8601, when the build produced it (the engine's timestamp when it has one). */
  ts: string;
  /** The line goes on in the next line of the same stream: the runner cut a line too long to pass at once. */
  continues?: boolean;
}

export type LineListener = (line: RunnerLine) => void;

export type BuildOutcomeStatus = 'succeeded' | 'failed' | 'timed_out' | 'canceled';

export interface BuildOutcome {
  status: BuildOutcomeStatus;
  /** The build's exit status; null when it never ran or was lost. */
  exitCode: number | null;
  /** Set for every status but `succeeded`. */
  failureCode?: BuildFailureCode;
  failureMessage?: string;
  durationMs: number;
  /** From the builder's build-result.json when it wrote one. */
  framework?: string;
}

/** A started (or reattached) build. */
export interface RunningBuild {
  /** What the orchestrator stores in deployments.runner_ref to find the build again. */
  readonly runnerRef: string;
  readonly logSeqBase: number;
  /**
   * Settles once the build ended and, on success, its artifact is in `outputDir`, with every line
   * already handed to the listener. Never rejects: an engine error is a `failed` outcome (RUNNER_ERROR).
   */
  readonly outcome: Promise<BuildOutcome>;
  /** Stops the build; the outcome becomes `canceled` (unless it already ended). */
  cancel(): Promise<void>;
  /** Removes what the build left behind (container, work volume, transfer objects). Idempotent. */
  dispose(): Promise<void>;
  /**
   * Stops following the build without stopping it (orchestrator shutdown): a later `reattach`
   * picks it up. The outcome then settles as `failed` ORCHESTRATOR_RESTARTED. The process runner,
   * whose builds cannot be reattached, stops the build instead.
   */
  detach(): void;
}

export interface ReattachSpec {
  deploymentId: string;
  /** deployments.runner_ref; null when the orchestrator died before storing it (the runner then looks by deployment id). */
  runnerRef: string | null;
  outputDir: string;
  outputMaxBytes: number;
}

/** A build the runner can see, running or finished but not yet disposed. */
export interface KnownBuild {
  deploymentId: string;
  runnerRef: string;
  running: boolean;
}

/**
 * Runs one build of the builder contract (docs/builder.md) somewhere isolated: a Docker container,
 * an ECS task, or (embedded fallback, not isolated) a child process.
 */
export interface BuildRunner {
  readonly kind: BuildRunnerKind;
  /** False only for the process runner: builds run with the orchestrator's privileges. */
  readonly isolated: boolean;
  /** Whether builds can start now (engine answers, image present, API reachable). */
  isReady(): Promise<boolean>;
  /** Starts a build; rejects (RunnerUnavailableError) only when it could not be started at all. */
  start(spec: BuildSpec, onLine: LineListener): Promise<RunningBuild>;
  /**
   * Finds a build another (or a previous) orchestrator process started and follows it to its end,
   * replaying its output from the first line (same order, so the same sequence numbers).
   * Undefined when the build no longer exists.
   */
  reattach(spec: ReattachSpec, onLine: LineListener): Promise<RunningBuild | undefined>;
  /** Builds this runner still holds resources for (to clean up after deployments that ended elsewhere). */
  listBuilds(): Promise<KnownBuild[]>;
  /** Stops a build wherever it runs (any orchestrator's) and frees its resources. Idempotent. */
  remove(deploymentId: string, runnerRef: string | null): Promise<void>;
  /** Drops what the runner keeps for a project between builds (its dependency cache). Idempotent. */
  forgetProject(projectId: string): Promise<void>;
}

export const BUILD_RUNNER = Symbol('BUILD_RUNNER');
