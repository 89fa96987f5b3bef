import { Inject, Injectable } from '@nestjs/common';
import { buildsConfig, type ConfigType } from '@deploysphere/config';
import { DEPLOYMENT_REPOSITORY, type AppRuntimeName, type BuildContext, type DeploymentRepository, type FinalStatus } from '@deploysphere/deployments';

export type { BuildContext, FinalStatus } from '@deploysphere/deployments';

/**
 * The status changes a build makes, as this orchestrator instance (the owner the repository
 * checks on every change out of an active status). The rules and the SQL are the deployment
 * lib's (deployment-lifecycle.ts, the repository); a change that no longer applies returns false
 * (or undefined) and changes nothing.
 */
@Injectable()
export class DeploymentTransitions {
  constructor(
    @Inject(DEPLOYMENT_REPOSITORY) private readonly deployments: DeploymentRepository,
    @Inject(buildsConfig.KEY) private readonly cfg: ConfigType<typeof buildsConfig>,
  ) {}

  /** Records where the build runs (container id / task ARN) so a restarted orchestrator finds it. */
  setRunnerRef(ctx: BuildContext, runnerRef: string): Promise<boolean> {
    return this.deployments.setRunnerRef(this.cfg.instanceId, ctx.id, runnerRef);
  }

  /** The commit a git fetch resolved (not a status change). */
  recordCommit(deploymentId: string, commit: { sha?: string; message?: string }): Promise<void> {
    return this.deployments.recordCommit(deploymentId, commit);
  }

  /** How the deployment is served (the project's setting, else detected from its source). */
  recordRuntime(deploymentId: string, runtime: AppRuntimeName): Promise<void> {
    return this.deployments.recordRuntime(deploymentId, runtime);
  }

  /** UPLOADING → STARTING with DeploymentImageStored.v1: the image is pushed, the app runtime starts it. */
  imageStored(ctx: BuildContext, image: { imageRef: string; imageDigest: string }): Promise<boolean> {
    return this.deployments.imageStored(this.cfg.instanceId, ctx, image);
  }

  /** BUILDING → UPLOADING, with BuildSucceeded.v1. */
  buildSucceeded(ctx: BuildContext, build: { runner: string; durationMs: number; framework?: string }): Promise<boolean> {
    return this.deployments.buildSucceeded(this.cfg.instanceId, ctx, build);
  }

  /**
   * UPLOADING → READY with DeploymentReady.v1; for production also moves the project's alias in
   * the same transaction (AliasMoved.v1), unless a newer deployment is already live there.
   * Returns whether the alias moved (undefined when the transition did not apply).
   */
  ready(ctx: BuildContext, manifestKey: string): Promise<{ aliasMoved: boolean } | undefined> {
    return this.deployments.ready(this.cfg.instanceId, ctx, manifestKey);
  }

  /**
   * A server app's STARTING → READY once every instance is healthy (DeploymentReady.v1 with the
   * instances' addresses); production goes live as in `ready`. Returns the deployment it replaced.
   */
  appReady(ctx: BuildContext, upstreams: string[]): Promise<{ aliasMoved: boolean; previousDeploymentId: string | null } | undefined> {
    return this.deployments.appReady(this.cfg.instanceId, ctx, upstreams);
  }

  /** BUILDING/UPLOADING/STARTING (or QUEUED, for a deployment that never started) → FAILED | TIMED_OUT | CANCELED. */
  finish(ctx: BuildContext, to: FinalStatus, failureCode: string, failureMessage: string, causationId?: string): Promise<boolean> {
    return this.deployments.finish(this.cfg.instanceId, ctx, to, { code: failureCode, message: failureMessage, causationId });
  }
}
