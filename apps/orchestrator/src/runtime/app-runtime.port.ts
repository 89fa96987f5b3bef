export type AppRuntimeKind = 'docker' | 'process' | 'ecs';

/** What a server app runs: an image (docker), or a directory holding the built app (process). */
export type AppArtifact = { kind: 'image'; ref: string } | { kind: 'directory'; path: string };

export interface AppLimits {
  memoryMb: number;
  cpus: number;
  pids: number;
}

export interface AppSpec {
  deploymentId: string;
  projectId: string;
  artifact: AppArtifact;
  /** The port the app listens on; it also gets it as `PORT`. */
  port: number;
  /** Replaces the image's command (`sh -c`); null: the image's own (process runtime: `npm start`). */
  startCommand?: string | null;
  replicas: number;
  /** The project's variables for the deployment's target, decrypted: given to the app only, never logged. */
  env: Record<string, string>;
  limits: AppLimits;
}

/** starting: created, not yet running; restarting: crashed, the runtime restarts it (with backoff). */
export type InstanceState = 'starting' | 'running' | 'restarting' | 'exited' | 'stopped';

export interface AppInstance {
  /** Stable for the instance's life (container id; `process:<deployment>:<replica>`; `ecs:<service>:<replica>`). */
  id: string;
  deploymentId: string;
  projectId: string;
  replica: number;
  /** `ip:port` reachable from the orchestrator and the edge; null while it has none. */
  address: string | null;
  state: InstanceState;
  /** Crashes the runtime restarted it after, since it was created. */
  restarts: number;
  startedAt: Date | null;
}

/**
 * Runs server apps: N instances of a deployment's image (or directory), each with the app's env,
 * `PORT`, and limits, restarted with backoff when they crash. Instances carry their deployment in
 * labels (or the runtime's own table), so a restarted orchestrator finds and adopts them: apps do
 * not restart when the platform does.
 */
export interface AppRuntime {
  readonly kind: AppRuntimeKind;
  /** False only for the process runtime: apps run with the orchestrator's privileges. */
  readonly isolated: boolean;
  /**
   * Starts the deployment's instances; those already running (an earlier start, a restart of the
   * orchestrator) are kept and returned as they are: a start is idempotent. Rejects
   * (AppStartError) when an instance cannot be created at all.
   */
  start(spec: AppSpec): Promise<AppInstance[]>;
  /** Every instance this runtime holds, or those of one deployment. */
  instances(deploymentId?: string): Promise<AppInstance[]>;
  /** SIGTERM, then SIGKILL after `graceSeconds` (requests in flight finish within it), then removes the instances. Idempotent. */
  stop(deploymentId: string, graceSeconds: number): Promise<void>;
  /** Stops and removes every instance of a deleted project at once (nothing is routed to it any more). */
  stopProject(projectId: string): Promise<void>;
  /** The last lines the deployment's instances printed (stdout and stderr), oldest first. */
  logTail(deploymentId: string, lines: number): Promise<string[]>;
}

export const APP_RUNTIME = Symbol('APP_RUNTIME');

/** An instance could not be created or started (bad image, engine error): the deployment fails. */
export class AppStartError extends Error {
  readonly code = 'APP_START_FAILED';
}
