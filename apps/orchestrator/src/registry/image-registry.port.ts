import type { RegistryAuth } from '../images/image-builder.port';

export type ImageRegistryKind = 'none' | 'oci' | 'ecr';

/**
 * Where deployment images are stored by digest (docs/builds.md, "Registry"): an OCI registry
 * (the local distribution server), ECR, or none (the local engine's image store).
 */
export interface ImageRegistry {
  readonly kind: ImageRegistryKind;
  /** host[:port] the engine pushes to and pulls from; undefined without a registry. */
  host(): Promise<string | undefined>;
  /** The project's repository, with the registry host (created first where the registry needs it). */
  repository(projectId: string): Promise<string>;
  /** Credentials the engine pushes and pulls with; undefined when none are needed. Never logged. */
  auth(): Promise<RegistryAuth | undefined>;
  /** Removes the project's repository and the images in it (deleted project). Idempotent. */
  forgetProject(projectId: string): Promise<void>;
}

export const IMAGE_REGISTRY = Symbol('IMAGE_REGISTRY');
