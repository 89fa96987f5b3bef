import { IsIn, IsISO8601, IsOptional, IsString, Length, Matches, MaxLength } from 'class-validator';
import { Topics } from './topics';

export const DEPLOYMENT_STATUSES = ['QUEUED', 'BUILDING', 'UPLOADING', 'READY', 'FAILED', 'CANCELED', 'TIMED_OUT'] as const;
export type DeploymentStatusName = (typeof DEPLOYMENT_STATUSES)[number];
export const TERMINAL_STATUSES: readonly DeploymentStatusName[] = ['READY', 'FAILED', 'CANCELED', 'TIMED_OUT'];

export const DEPLOYMENT_TARGETS = ['PREVIEW', 'PRODUCTION'] as const;
export type DeploymentTargetName = (typeof DEPLOYMENT_TARGETS)[number];

const ID = /^[a-z]{2,5}_[0-9a-z]{26}$/;

/** A deployment was requested and stored QUEUED; the orchestrator schedules its build. */
export class DeploymentRequestedV1 {
  static readonly topic = Topics.DeploymentRequested;
  static readonly type = 'DeploymentRequested.v1';

  @Matches(ID) deploymentId!: string;
  @Matches(ID) projectId!: string;
  @Matches(ID) teamId!: string;
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

  @Matches(ID) deploymentId!: string;
  @Matches(ID) projectId!: string;
  @IsISO8601() requestedAt!: string;
}

/** Any transition of a deployment's status (the gateway relays these to subscribers). */
export class DeploymentStatusChangedV1 {
  static readonly topic = Topics.DeploymentStatusChanged;
  static readonly type = 'DeploymentStatusChanged.v1';

  @Matches(ID) deploymentId!: string;
  @Matches(ID) projectId!: string;
  @IsIn(DEPLOYMENT_STATUSES) from!: DeploymentStatusName;
  @IsIn(DEPLOYMENT_STATUSES) to!: DeploymentStatusName;
  @IsOptional() @IsString() @MaxLength(64) failureCode?: string;
  @IsISO8601() at!: string;
}
