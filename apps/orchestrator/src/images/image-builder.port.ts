import type { BuildOutcome, LineListener, RunningBuild } from '../runner/build-runner.port';

/** Credentials of a registry as the engine takes them (X-Registry-Auth / X-Registry-Config). */
export interface RegistryAuth {
  username: string;
  password: string;
  /** host[:port] of the registry. */
  serveraddress: string;
}

export interface ImageBuildSpec {
  deploymentId: string;
  projectId: string;
  /** The build context on this host (the source's root directory). Never changed. */
  contextDir: string;
  /** The Dockerfile, relative to the context. */
  dockerfile: string;
  /** The reference the image gets in the engine: `<repository>:<deployment id>`. */
  tag: string;
  /** The project's previous image: the only layer cache this build may use (none yet: no cache). */
  cacheFrom: string;
  limits: { timeoutSeconds: number; memoryMb: number; cpus: number; pids: number };
  /** The platform registry's credentials, for a `FROM` image kept there. */
  registryAuth?: RegistryAuth;
  /** host[:port] of the platform's registry: a FROM there is allowed whatever its address. */
  registryHost?: string;
}

export interface ImageBuildOutcome extends BuildOutcome {
  /** The built image's id (sha256:…), when it succeeded. */
  imageId?: string;
}

/** A running image build; `outcome` never rejects. */
export interface RunningImageBuild extends RunningBuild {
  readonly outcome: Promise<ImageBuildOutcome>;
}

/**
 * Builds a deployment's image from a Dockerfile and pushes it. The docker adapter uses the
 * engine's own build API (docs/builds.md, "Image builds": why this one).
 */
export interface ImageBuilder {
  /** Whether image builds can run now (engine answers, build network and its firewall in place). */
  isReady(): Promise<boolean>;
  /** Starts the build; rejects (RunnerUnavailableError) only when it could not start at all. */
  build(spec: ImageBuildSpec, onLine: LineListener): Promise<RunningImageBuild>;
  /** Pushes `ref` and returns the manifest digest the registry answered (sha256:…). */
  push(ref: string, auth: RegistryAuth | undefined, onLine: LineListener, signal?: AbortSignal): Promise<string>;
  /** The local image id of `ref`, or undefined when the engine has no such image. */
  imageId(ref: string): Promise<string | undefined>;
  /** Points `target` at the image `source` names. */
  tag(source: string, target: string): Promise<void>;
  /** Removes a reference (the image goes when nothing else names it). Idempotent. */
  untag(ref: string): Promise<void>;
  /** Removes every image of the project built here (deleted project). */
  forgetProject(projectId: string): Promise<void>;
}

export const IMAGE_BUILDER = Symbol('IMAGE_BUILDER');
