import { registerAs } from '@nestjs/config';
import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Matches, Max, Min } from 'class-validator';
import { createHash } from 'node:crypto';
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import { emptyToUndefined, readArea, toBool, toInt } from './area.validation';
import { BuildsEnvironment } from './builds.config';
import { DatabaseEnvironment } from './database.config';
import { RuntimeEnvironment } from './runtime.config';

const SECONDS = { message: 'must be an integer (seconds)' };

/** Server apps: where their instances run, and how they are health-checked, drained and watched. */
export class AppRuntimeEnvironment {
  /**
   * auto: Docker when a daemon answers, else the unisolated process runtime (refused in production
   * unless ALLOW_UNISOLATED_BUILDS=true); ecs: a Fargate service per live deployment.
   */
  @IsIn(['auto', 'docker', 'process', 'ecs'], { message: 'must be one of auto, docker, process, ecs' })
  APP_RUNTIME: 'auto' | 'docker' | 'process' | 'ecs' = 'auto';

  /** Bridge network of the app containers (created with inter-container traffic off, behind the build firewall rules). */
  @Matches(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/, { message: 'must be a docker network name' })
  APP_NETWORK = 'deploysphere-apps';

  /** How long a starting deployment's instances have to pass their health check before it FAILS (HEALTH_CHECK_FAILED). */
  @Transform(toInt) @IsInt(SECONDS) @Min(1, SECONDS) @Max(3_600, SECONDS)
  APP_HEALTH_TIMEOUT_SECONDS = 60;

  /** A replaced deployment keeps its instances this long after the alias moved away (requests routed to it finish), then stops. */
  @Transform(toInt) @IsInt(SECONDS) @Min(0, SECONDS) @Max(3_600, SECONDS)
  APP_DRAIN_SECONDS = 10;

  /** Between SIGTERM and SIGKILL when an instance stops. */
  @Transform(toInt) @IsInt(SECONDS) @Min(0, SECONDS) @Max(600, SECONDS)
  APP_STOP_GRACE_SECONDS = 10;

  /** A live app that crashes this many times within APP_CRASH_WINDOW_SECONDS is CRASHED and stopped. */
  @Transform(toInt) @IsInt({ message: 'must be an integer' }) @Min(1) @Max(1_000)
  APP_CRASH_LIMIT = 5;

  @Transform(toInt) @IsInt(SECONDS) @Min(1, SECONDS) @Max(86_400, SECONDS)
  APP_CRASH_WINDOW_SECONDS = 300;

  /** How often the orchestrator looks at the instances (states, restarts, addresses). */
  @Transform(toInt) @IsInt({ message: 'must be an integer (milliseconds)' }) @Min(100) @Max(600_000)
  APP_SUPERVISE_INTERVAL_MS = 2_000;

  /**
   * Labels this installation's app containers, so installations sharing a Docker engine never
   * adopt or stop each other's apps. Empty: derived from DATABASE_URL (else the data directory).
   */
  @Transform(emptyToUndefined) @IsOptional() @Matches(/^[A-Za-z0-9._-]{1,64}$/, { message: 'must be 1–64 characters of [A-Za-z0-9._-]' })
  APP_SCOPE?: string;

  /** Processes (threads included) one instance may run. */
  @Transform(toInt) @IsInt({ message: 'must be an integer' }) @Min(16) @Max(1_000_000)
  APP_PIDS = 512;

  /** ECS cluster of the apps' services (APP_RUNTIME=ecs); empty: ECS_CLUSTER. */
  @Transform(emptyToUndefined) @IsOptional() @Matches(/^[A-Za-z0-9_/:.-]{1,255}$/, { message: 'must be an ECS cluster name or ARN' })
  APP_ECS_CLUSTER?: string;

  /** Subnets of the apps' tasks (awsvpc); empty: ECS_SUBNETS. The orchestrator and the edge must reach them. */
  @Transform(emptyToUndefined) @IsOptional() @Matches(/^\s*subnet-[0-9a-z]+\s*(,\s*subnet-[0-9a-z]+\s*)*$/, { message: 'must be a comma-separated list of subnet ids' })
  APP_ECS_SUBNETS?: string;

  /** Security groups of the apps' tasks; empty: ECS_SECURITY_GROUPS. */
  @Transform(emptyToUndefined) @IsOptional() @Matches(/^\s*sg-[0-9a-z]+\s*(,\s*sg-[0-9a-z]+\s*)*$/, { message: 'must be a comma-separated list of security group ids' })
  APP_ECS_SECURITY_GROUPS?: string;

  @Transform(toBool) @IsIn([true, false], { message: 'must be true or false' })
  APP_ECS_ASSIGN_PUBLIC_IP = false;

  /** Role ECS pulls the image from ECR and writes the awslogs stream with (required with APP_RUNTIME=ecs). */
  @Transform(emptyToUndefined) @IsOptional() @Matches(/^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/, { message: 'must be an IAM role ARN' })
  APP_ECS_EXECUTION_ROLE_ARN?: string;

  /** Role the app itself gets; empty: none (the app has no AWS rights). */
  @Transform(emptyToUndefined) @IsOptional() @Matches(/^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/, { message: 'must be an IAM role ARN' })
  APP_ECS_TASK_ROLE_ARN?: string;

  /** CloudWatch log group of the apps' containers (awslogs, created by ECS when missing). */
  @Matches(/^[A-Za-z0-9_/.#-]{1,512}$/, { message: 'must be a CloudWatch log group name' })
  APP_ECS_LOG_GROUP = '/deploysphere/apps';
}

/** Rules that involve several variables. */
export function appRuntimeProblems(env: AppRuntimeEnvironment & BuildsEnvironment): string[] {
  if (env.APP_RUNTIME !== 'ecs') return [];
  const problems: string[] = [];
  if (!env.APP_ECS_CLUSTER && !env.ECS_CLUSTER) problems.push('  - APP_ECS_CLUSTER: is required when APP_RUNTIME=ecs (or set ECS_CLUSTER)');
  if (!env.APP_ECS_SUBNETS && !env.ECS_SUBNETS) problems.push('  - APP_ECS_SUBNETS: is required when APP_RUNTIME=ecs (or set ECS_SUBNETS)');
  if (!env.APP_ECS_EXECUTION_ROLE_ARN) problems.push('  - APP_ECS_EXECUTION_ROLE_ARN: is required when APP_RUNTIME=ecs (ECS pulls the image from ECR and writes the logs with it)');
  return problems;
}

const list = (value?: string) => (value ?? '').split(',').map((s) => s.trim()).filter(Boolean);

export const appRuntimeConfig = registerAs('appRuntime', () => {
  const env = readArea(AppRuntimeEnvironment);
  const runtime = readArea(RuntimeEnvironment);
  const builds = readArea(BuildsEnvironment);
  const database = readArea(DatabaseEnvironment);
  const identity = database.DATABASE_URL ?? `embedded:${resolve(runtime.DEPLOYSPHERE_DATA_DIR)}`;
  return {
    runtime: env.APP_RUNTIME,
    production: runtime.NODE_ENV === 'production',
    allowUnisolated: builds.ALLOW_UNISOLATED_BUILDS,
    network: env.APP_NETWORK,
    healthTimeoutSeconds: env.APP_HEALTH_TIMEOUT_SECONDS,
    drainSeconds: env.APP_DRAIN_SECONDS,
    stopGraceSeconds: env.APP_STOP_GRACE_SECONDS,
    crashLimit: env.APP_CRASH_LIMIT,
    crashWindowSeconds: env.APP_CRASH_WINDOW_SECONDS,
    superviseIntervalMs: env.APP_SUPERVISE_INTERVAL_MS,
    pids: env.APP_PIDS,
    scope: env.APP_SCOPE ?? createHash('sha256').update(identity).digest('hex').slice(0, 16),
    instanceId: builds.ORCHESTRATOR_INSTANCE_ID || hostname(),
    ecs: {
      cluster: env.APP_ECS_CLUSTER ?? builds.ECS_CLUSTER ?? '',
      subnets: list(env.APP_ECS_SUBNETS ?? builds.ECS_SUBNETS),
      securityGroups: list(env.APP_ECS_SECURITY_GROUPS ?? builds.ECS_SECURITY_GROUPS),
      assignPublicIp: env.APP_ECS_ASSIGN_PUBLIC_IP,
      executionRoleArn: env.APP_ECS_EXECUTION_ROLE_ARN ?? '',
      taskRoleArn: env.APP_ECS_TASK_ROLE_ARN,
      logGroup: env.APP_ECS_LOG_GROUP,
    },
  };
});
