import { IsIn, IsInt, IsISO8601, IsOptional, IsString, Length, Matches, MaxLength, Min } from 'class-validator';
import { Topics } from './topics';
import { ENTITY_ID } from './ids';

export const DEPLOYMENT_STATUSES = ['QUEUED', 'BUILDING', 'UPLOADING', 'STARTING', 'READY', 'FAILED', 'CANCELED', 'TIMED_OUT', 'CRASHED'] as const;
export type DeploymentStatusName = (typeof DEPLOYMENT_STATUSES)[number];
export const TERMINAL_STATUSES: readonly DeploymentStatusName[] = ['READY', 'FAILED', 'CANCELED', 'TIMED_OUT', 'CRASHED'];

export const DEPLOYMENT_TARGETS = ['PREVIEW', 'PRODUCTION'] as const;
export type DeploymentTargetName = (typeof DEPLOYMENT_TARGETS)[number];


/** A deployment was requested and stored QUEUED; the orchestrator schedules its build. */
export class DeploymentRequestedV1 {
  static readonly topic = Topics.DeploymentRequested;
  static readonly type = 'DeploymentRequested.v1';

  @Matches(ENTITY_ID) deploymentId!: string;
  @Matches(ENTITY_ID) projectId!: string;
  @Matches(ENTITY_ID) teamId!: string;
  @IsIn(DEPLOYMENT_TARGETS) target!: DeploymentTargetName;
  @IsIn(['UPLOAD', 'GIT']) source!: 'UPLOAD' | 'GIT';
  @IsOptional() @IsString() @MaxLength(255) gitRef?: string;
  @IsOptional() @IsString() @Length(7, 64) commitSha?: string;
  @IsISO8601() requestedAt!: string;
}

/** A user asked to stop a deployment that was already building. */
export class DeploymentCancelRequestedV1 {
  static readonly topic = Topics.DeploymentCancelRequested;
  static readonly type = 'DeploymentCancelRequested.v1';

  @Matches(ENTITY_ID) deploymentId!: string;
  @Matches(ENTITY_ID) projectId!: string;
  @IsISO8601() requestedAt!: string;
}

/** Any transition of a deployment's status (the gateway relays these to subscribers). */
export class DeploymentStatusChangedV1 {
  static readonly topic = Topics.DeploymentStatusChanged;
  static readonly type = 'DeploymentStatusChanged.v1';

  @Matches(ENTITY_ID) deploymentId!: string;
  @Matches(ENTITY_ID) projectId!: string;
  @IsIn(DEPLOYMENT_STATUSES) from!: DeploymentStatusName;
  @IsIn(DEPLOYMENT_STATUSES) to!: DeploymentStatusName;
  @IsOptional() @IsString() @MaxLength(64) failureCode?: string;
  @IsISO8601() at!: string;
}

/** The build finished successfully; its output is being stored (the deployment is UPLOADING). */
export class BuildSucceededV1 {
  static readonly topic = Topics.BuildSucceeded;
  static readonly type = 'BuildSucceeded.v1';

  @Matches(ENTITY_ID) deploymentId!: string;
  @Matches(ENTITY_ID) projectId!: string;
  /** docker | process | ecs */
  @IsString() @MaxLength(32) runner!: string;
  @IsInt() @Min(0) durationMs!: number;
  @IsOptional() @IsString() @MaxLength(64) framework?: string;
  @IsISO8601() at!: string;
}

/**
 * A container deployment's image is built and stored by digest (the deployment is STARTING): the
 * app runtime starts it from `imageRef`.
 */
export class DeploymentImageStoredV1 {
  static readonly topic = Topics.DeploymentImageStored;
  static readonly type = 'DeploymentImageStored.v1';

  @Matches(ENTITY_ID) deploymentId!: string;
  @Matches(ENTITY_ID) projectId!: string;
  @IsIn(DEPLOYMENT_TARGETS) target!: DeploymentTargetName;
  /** `<registry>/<repository>@sha256:…`; without a registry the local engine's image id. */
  @IsString() @MaxLength(512) imageRef!: string;
  @Matches(/^sha256:[0-9a-f]{64}$/) imageDigest!: string;
  @IsISO8601() at!: string;
}

/** The deployment ended FAILED or TIMED_OUT (CANCELED is a status change only). Nothing live changed. */
export class DeploymentFailedV1 {
  static readonly topic = Topics.DeploymentFailed;
  static readonly type = 'DeploymentFailed.v1';

  @Matches(ENTITY_ID) deploymentId!: string;
  @Matches(ENTITY_ID) projectId!: string;
  @IsIn(['FAILED', 'TIMED_OUT', 'CRASHED']) status!: 'FAILED' | 'TIMED_OUT' | 'CRASHED';
  /** A stable code from docs/builds.md or docs/apps.md, e.g. BUILD_FAILED, OUT_OF_MEMORY, TIMED_OUT, HEALTH_CHECK_FAILED, CRASH_LOOP. */
  @IsString() @MaxLength(64) failureCode!: string;
  @IsString() @MaxLength(2000) failureMessage!: string;
  @IsISO8601() at!: string;
}
