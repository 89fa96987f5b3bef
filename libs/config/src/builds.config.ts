import { registerAs } from '@nestjs/config';
import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsNumber, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import { emptyToUndefined, readArea, toBool, toInt, toNumber } from './area.validation';
import { RuntimeEnvironment } from './runtime.config';
import { readStorage, type StorageEnvironment } from './storage.config';

const BUILDS = { message: 'must be an integer from 0 to 1000' };
/** Builds one orchestrator runs at once when neither limit is set. */
const DEFAULT_INSTANCE_BUILDS = 2;

/** Builds: which runner, its limits and queue, and the ECS runner's AWS resources. */
export class BuildsEnvironment {
  /** auto: Docker when a daemon answers, else the unisolated process runner (with a warning). */
  @IsIn(['auto', 'docker', 'process', 'ecs'], { message: 'must be one of auto, docker, process, ecs' })
  BUILD_RUNNER: 'auto' | 'docker' | 'process' | 'ecs' = 'auto';

  /** The process runner gives builds no isolation; with NODE_ENV=production it runs only when this is true. */
  @Transform(toBool) @IsIn([true, false], { message: 'must be true or false' })
  ALLOW_UNISOLATED_BUILDS = false;

  /** Builds running at once across every orchestrator instance (counted in the database); 0 pauses building, queued deployments wait. Empty: no global cap (each instance's own limit adds up). */
  @Transform(toInt) @IsOptional() @IsInt(BUILDS) @Min(0, BUILDS) @Max(1000, BUILDS)
  BUILD_CONCURRENCY?: number;

  /** Builds one orchestrator instance runs at once (within BUILD_CONCURRENCY); empty: BUILD_CONCURRENCY if set, else 2. Each added instance adds its share; 0 makes a standby that only recovers. */
  @Transform(toInt) @IsOptional() @IsInt(BUILDS) @Min(0, BUILDS) @Max(1000, BUILDS)
  BUILD_CONCURRENCY_PER_INSTANCE?: number;

  /** Wall-clock limit of one build; a project may set its own, up to BUILD_TIMEOUT_MAX_SECONDS. */
  @Transform(toInt) @IsInt({ message: 'must be an integer (seconds)' }) @Min(1) @Max(86_400)
  BUILD_TIMEOUT_SECONDS = 900;

  @Transform(toInt) @IsInt({ message: 'must be an integer (seconds)' }) @Min(1) @Max(86_400)
  BUILD_TIMEOUT_MAX_SECONDS = 2_700;

  @Transform(toInt) @IsInt({ message: 'must be an integer (MiB)' }) @Min(64) @Max(262_144)
  BUILD_MEMORY_MB = 2_048;

  @Transform(toNumber) @IsNumber({ allowNaN: false, allowInfinity: false }, { message: 'must be a number of CPUs such as 1 or 0.5' }) @Min(0.1) @Max(64)
  BUILD_CPUS = 1;

  @Transform(toInt) @IsInt({ message: 'must be an integer' }) @Min(32) @Max(1_000_000)
  BUILD_PIDS = 1_024;

  /** Log bytes kept per build; later output is dropped with one notice (the build goes on). */
  @Transform(toInt) @IsInt({ message: 'must be an integer (bytes)' }) @Min(1_024) @Max(1_073_741_824)
  BUILD_LOG_MAX_BYTES = 4_194_304;

  /** Largest artifact a build may produce (bytes copied out of the build). */
  @Transform(toInt) @IsInt({ message: 'must be an integer (bytes)' }) @Min(1_024) @Max(Number.MAX_SAFE_INTEGER)
  BUILD_OUTPUT_MAX_BYTES = 1_073_741_824;

  /** Image the docker runner starts (scripts/builder-image.sh makes it). */
  @IsString() @Matches(/^[a-z0-9][a-z0-9._\/:@-]{0,254}$/i, { message: 'must be an image reference such as deploysphere/builder:latest' })
  BUILDER_IMAGE = 'deploysphere/builder:latest';

  /** Bridge network for docker builds (created with inter-container traffic off when missing). */
  @Matches(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/, { message: 'must be a docker network name' })
  BUILD_NETWORK = 'deploysphere-builds';

  /** Where builds are staged on the orchestrator's host; empty: <DEPLOYSPHERE_DATA_DIR>/builds. */
  @IsOptional() @IsString()
  BUILD_WORK_DIR?: string;

  /** Docker builds' /workspace: bind (their own dir under BUILD_WORK_DIR, bind-mounted), volume (archive API; remote engines), auto: bind when the engine is local and sees BUILD_WORK_DIR. */
  @IsIn(['auto', 'bind', 'volume'], { message: 'must be one of auto, bind, volume' })
  BUILD_DOCKER_WORKSPACE: 'auto' | 'bind' | 'volume' = 'auto';

  /** Image builds of container deployments: auto (the engine's build API with the docker runner, else none), docker, buildah (daemonless), none. */
  @IsIn(['auto', 'docker', 'buildah', 'none'], { message: 'must be one of auto, docker, buildah, none' })
  IMAGE_BUILDER: 'auto' | 'docker' | 'buildah' | 'none' = 'auto';

  /** An orchestrator renews its claim on running builds this often (×1/3); an expired claim is recovered by another instance. */
  @Transform(toInt) @IsInt({ message: 'must be an integer (seconds)' }) @Min(3) @Max(3_600)
  BUILD_LEASE_SECONDS = 30;

  /** How often the queue is polled besides the nudges (new requests, finished builds). */
  @Transform(toInt) @IsInt({ message: 'must be an integer (milliseconds)' }) @Min(50) @Max(600_000)
  BUILD_QUEUE_POLL_MS = 2_000;

  /** Names this orchestrator in deployments.orchestrator_id; empty: the host name. Unique per running instance. */
  @IsOptional() @Matches(/^[A-Za-z0-9._:-]{1,128}$/, { message: 'must be 1–128 characters of [A-Za-z0-9._:-]' })
  ORCHESTRATOR_INSTANCE_ID?: string;

  /** Region of the ECS runner's clients (ECS, CloudWatch Logs, the transfer bucket); empty: the artifact store's S3_REGION, else us-east-1. */
  @Transform(emptyToUndefined) @IsOptional() @Matches(/^[a-z0-9]+(-[a-z0-9]+)*$/, { message: 'must be a region name such as eu-west-1' })
  AWS_REGION?: string;

  @Transform(emptyToUndefined) @IsOptional() @Matches(/^[A-Za-z0-9_/:.-]{1,255}$/, { message: 'must be an ECS cluster name or ARN' })
  ECS_CLUSTER?: string;

  /** family, family:revision or ARN of the builder task definition (deploy/ecs/builder-task-definition.json). */
  @Transform(emptyToUndefined) @IsOptional() @Matches(/^[A-Za-z0-9_/:.-]{1,255}$/, { message: 'must be a task definition family[:revision] or ARN' })
  ECS_TASK_DEFINITION?: string;

  @Transform(emptyToUndefined) @IsOptional() @Matches(/^\s*subnet-[0-9a-z]+\s*(,\s*subnet-[0-9a-z]+\s*)*$/, { message: 'must be a comma-separated list of subnet ids' })
  ECS_SUBNETS?: string;

  @Transform(emptyToUndefined) @IsOptional() @Matches(/^\s*sg-[0-9a-z]+\s*(,\s*sg-[0-9a-z]+\s*)*$/, { message: 'must be a comma-separated list of security group ids' })
  ECS_SECURITY_GROUPS?: string;

  @Transform(toBool) @IsIn([true, false], { message: 'must be true or false' })
  ECS_ASSIGN_PUBLIC_IP = false;

  /** Container name of the builder in the task definition. */
  @Matches(/^[A-Za-z0-9_-]{1,255}$/, { message: 'must be a container name' })
  ECS_CONTAINER_NAME = 'builder';

  /** CloudWatch log group of the builder container (awslogs driver); unset: no live log lines from ECS builds. */
  @Transform(emptyToUndefined) @IsOptional() @Matches(/^[A-Za-z0-9_/.#-]{1,512}$/, { message: 'must be a CloudWatch log group name' })
  ECS_LOG_GROUP?: string;

  @Matches(/^[A-Za-z0-9_/.#-]{1,128}$/, { message: 'must be an awslogs stream prefix' })
  ECS_LOG_STREAM_PREFIX = 'build';

  /** Bucket through which ECS builds receive their source and return their output; default S3_BUCKET. */
  @Transform(emptyToUndefined) @IsOptional() @Matches(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, { message: 'must be an S3 bucket name' })
  ECS_TRANSFER_BUCKET?: string;

  /** ECR repository the ECS builder image is pushed to (scripts/builder-image-ecr.sh). */
  @Transform(emptyToUndefined) @IsOptional() @Matches(/^[a-z0-9][a-z0-9._\/-]{1,255}$/, { message: 'must be an ECR repository name' })
  ECR_REPOSITORY?: string;
}

/** Rules that involve several variables (each one alone was checked by the class). */
export function buildsProblems(env: BuildsEnvironment & RuntimeEnvironment & StorageEnvironment): string[] {
  const problems: string[] = [];
  if (env.BUILD_TIMEOUT_SECONDS > env.BUILD_TIMEOUT_MAX_SECONDS) {
    problems.push(`  - BUILD_TIMEOUT_SECONDS: must not exceed BUILD_TIMEOUT_MAX_SECONDS (${env.BUILD_TIMEOUT_MAX_SECONDS})`);
  }
  if (env.BUILD_RUNNER === 'process' && env.NODE_ENV === 'production' && !env.ALLOW_UNISOLATED_BUILDS) {
    problems.push('  - BUILD_RUNNER: process builds are not isolated and are refused when NODE_ENV=production (use docker or ecs, or set ALLOW_UNISOLATED_BUILDS=true)');
  }
  if (env.BUILD_RUNNER === 'ecs') {
    for (const name of ['ECS_CLUSTER', 'ECS_TASK_DEFINITION', 'ECS_SUBNETS'] as const) {
      if (!env[name]) problems.push(`  - ${name}: is required when BUILD_RUNNER=ecs`);
    }
    if (!env.ECS_TRANSFER_BUCKET && !env.S3_BUCKET) {
      problems.push('  - ECS_TRANSFER_BUCKET: BUILD_RUNNER=ecs needs a bucket for sources and outputs (set ECS_TRANSFER_BUCKET or S3_BUCKET)');
    }
  }
  return problems;
}

const list = (value: string | undefined): string[] =>
  (value ?? '')
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean);

export const buildsConfig = registerAs('builds', () => {
  const env = readArea(BuildsEnvironment);
  const runtime = readArea(RuntimeEnvironment);
  const storage = readStorage();
  const s3: { region?: string; endpoint?: string; forcePathStyle?: boolean; bucket?: string } = storage.driver === 's3' ? storage : {};
  return {
    runner: env.BUILD_RUNNER,
    allowUnisolated: env.ALLOW_UNISOLATED_BUILDS,
    production: runtime.NODE_ENV === 'production',
    /** Across all instances; unset: no cap beyond the instances' own (adding an orchestrator adds builds). */
    concurrency: env.BUILD_CONCURRENCY ?? Number.POSITIVE_INFINITY,
    /** This instance's own cap (BUILD_CONCURRENCY_PER_INSTANCE), within the global one. */
    instanceConcurrency: env.BUILD_CONCURRENCY_PER_INSTANCE ?? env.BUILD_CONCURRENCY ?? DEFAULT_INSTANCE_BUILDS,
    timeoutSeconds: env.BUILD_TIMEOUT_SECONDS,
    timeoutMaxSeconds: env.BUILD_TIMEOUT_MAX_SECONDS,
    memoryMb: env.BUILD_MEMORY_MB,
    cpus: env.BUILD_CPUS,
    pids: env.BUILD_PIDS,
    logMaxBytes: env.BUILD_LOG_MAX_BYTES,
    outputMaxBytes: env.BUILD_OUTPUT_MAX_BYTES,
    builderImage: env.BUILDER_IMAGE,
    network: env.BUILD_NETWORK,
    workDir: resolve(env.BUILD_WORK_DIR || `${runtime.DEPLOYSPHERE_DATA_DIR}/builds`),
    dockerWorkspace: env.BUILD_DOCKER_WORKSPACE,
    imageBuilder: env.IMAGE_BUILDER,
    leaseSeconds: env.BUILD_LEASE_SECONDS,
    queuePollMs: env.BUILD_QUEUE_POLL_MS,
    instanceId: env.ORCHESTRATOR_INSTANCE_ID || hostname(),
    ecs: {
      region: env.AWS_REGION ?? s3.region ?? 'us-east-1',
      cluster: env.ECS_CLUSTER ?? '',
      taskDefinition: env.ECS_TASK_DEFINITION ?? '',
      subnets: list(env.ECS_SUBNETS),
      securityGroups: list(env.ECS_SECURITY_GROUPS),
      assignPublicIp: env.ECS_ASSIGN_PUBLIC_IP,
      containerName: env.ECS_CONTAINER_NAME,
      logGroup: env.ECS_LOG_GROUP,
      logStreamPrefix: env.ECS_LOG_STREAM_PREFIX,
      transferBucket: env.ECS_TRANSFER_BUCKET ?? s3.bucket ?? '',
      ecrRepository: env.ECR_REPOSITORY,
      /** The transfer bucket is reached like the artifact store (moto or MinIO in development). */
      s3Endpoint: s3.endpoint,
      s3ForcePathStyle: s3.forcePathStyle ?? false,
    },
  };
});
