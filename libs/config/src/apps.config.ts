import { registerAs } from '@nestjs/config';
import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsNumber, IsOptional, IsString, Matches, Max, Min, MinLength } from 'class-validator';
import { emptyToUndefined, readArea, toInt, toNumber } from './area.validation';

/**
 * Server apps (container deployments): the platform's maxima and defaults for a project's
 * runtime settings, the runtime base image, and the image registry their images are pushed to.
 */
export class AppsEnvironment {
  /** The port an app listens on when its project sets none (it gets PORT either way). */
  @Transform(toInt) @IsInt({ message: 'must be a port number' }) @Min(1) @Max(65_535)
  APP_DEFAULT_PORT = 3_000;

  @Matches(/^\/[^\s?#]{0,999}$/, { message: 'must be a path starting with /' })
  APP_DEFAULT_HEALTH_CHECK_PATH = '/';

  @Transform(toInt) @IsInt({ message: 'must be an integer (MiB)' }) @Min(32) @Max(262_144)
  APP_DEFAULT_MEMORY_MB = 512;

  /** The most memory a project may give one instance. */
  @Transform(toInt) @IsInt({ message: 'must be an integer (MiB)' }) @Min(32) @Max(262_144)
  APP_MAX_MEMORY_MB = 4_096;

  @Transform(toNumber) @IsNumber({ allowNaN: false, allowInfinity: false }, { message: 'must be a number of CPUs such as 1 or 0.5' }) @Min(0.05) @Max(64)
  APP_DEFAULT_CPUS = 0.5;

  /** The most CPUs a project may give one instance. */
  @Transform(toNumber) @IsNumber({ allowNaN: false, allowInfinity: false }, { message: 'must be a number of CPUs such as 1 or 0.5' }) @Min(0.05) @Max(64)
  APP_MAX_CPUS = 4;

  /** The most instances a project may run per deployment. */
  @Transform(toInt) @IsInt({ message: 'must be an integer' }) @Min(1) @Max(1_000)
  APP_MAX_REPLICAS = 10;

  /** A preview deployment without its own idleTimeoutSeconds stops after this long without a request (0 = never). */
  @Transform(toInt) @IsInt({ message: 'must be an integer (seconds)' }) @Min(0) @Max(2_592_000)
  APP_PREVIEW_IDLE_TIMEOUT_SECONDS = 900;

  /** Repository of the platform's Node runtime images (scripts/runtime-images.sh makes `:22` and `:24`). */
  @Matches(/^[a-z0-9][a-z0-9._\/:-]{0,254}$/, { message: 'must be an image repository such as deploysphere/runtime-node' })
  APP_NODE_IMAGE = 'deploysphere/runtime-node';

  /** Node major of an app without engines.node (22 or 24). */
  @IsIn(['22', '24'], { message: 'must be 22 or 24' })
  APP_NODE_VERSION: '22' | '24' = '24';

  /** Where app images are pushed: auto = oci when REGISTRY_URL is set, else none (the engine's own image store). */
  @IsIn(['auto', 'none', 'oci', 'ecr'], { message: 'must be one of auto, none, oci, ecr' })
  REGISTRY_KIND: 'auto' | 'none' | 'oci' | 'ecr' = 'auto';

  /** host[:port] of an OCI registry (e.g. 127.0.0.1:5050, started by scripts/services/registry.sh). */
  @Transform(emptyToUndefined) @IsOptional() @Matches(/^[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:\d{1,5})?$/i, { message: 'must be host[:port] of a registry' })
  REGISTRY_URL?: string;

  @Transform(emptyToUndefined) @IsOptional() @IsString() @MinLength(1)
  REGISTRY_USERNAME?: string;

  @Transform(emptyToUndefined) @IsOptional() @IsString() @MinLength(1)
  REGISTRY_PASSWORD?: string;

  /** App images go to `<prefix>/<project id>` (a repository per project; ECR: created with a lifecycle rule). */
  @Matches(/^[a-z0-9]+([._-][a-z0-9]+)*(\/[a-z0-9]+([._-][a-z0-9]+)*)*$/, { message: 'must be a repository path such as deploysphere-apps' })
  REGISTRY_REPOSITORY_PREFIX = 'deploysphere-apps';

  /** ECR lifecycle rule: images kept per project repository (older ones expire). */
  @Transform(toInt) @IsInt({ message: 'must be an integer' }) @Min(1) @Max(10_000)
  REGISTRY_KEEP_IMAGES = 100;

  /** ECR lifecycle rule: untagged images (an interrupted push, a tag moved away) expire after this many days. */
  @Transform(toInt) @IsInt({ message: 'must be an integer (days)' }) @Min(1) @Max(3_650)
  REGISTRY_UNTAGGED_EXPIRE_DAYS = 1;
}

/** Rules that involve several variables. */
export function appsProblems(env: AppsEnvironment): string[] {
  const problems: string[] = [];
  if (env.APP_DEFAULT_MEMORY_MB > env.APP_MAX_MEMORY_MB) problems.push(`  - APP_DEFAULT_MEMORY_MB: must not exceed APP_MAX_MEMORY_MB (${env.APP_MAX_MEMORY_MB})`);
  if (env.APP_DEFAULT_CPUS > env.APP_MAX_CPUS) problems.push(`  - APP_DEFAULT_CPUS: must not exceed APP_MAX_CPUS (${env.APP_MAX_CPUS})`);
  if (env.REGISTRY_KIND === 'oci' && !env.REGISTRY_URL) problems.push('  - REGISTRY_URL: is required when REGISTRY_KIND=oci');
  if (Boolean(env.REGISTRY_USERNAME) !== Boolean(env.REGISTRY_PASSWORD)) problems.push('  - REGISTRY_PASSWORD: REGISTRY_USERNAME and REGISTRY_PASSWORD are set together');
  return problems;
}

export const appsConfig = registerAs('apps', () => {
  const env = readArea(AppsEnvironment);
  const kind = env.REGISTRY_KIND === 'auto' ? (env.REGISTRY_URL ? 'oci' : 'none') : env.REGISTRY_KIND;
  return {
    defaults: { port: env.APP_DEFAULT_PORT, healthCheckPath: env.APP_DEFAULT_HEALTH_CHECK_PATH, memoryMb: env.APP_DEFAULT_MEMORY_MB, cpus: env.APP_DEFAULT_CPUS, previewIdleTimeoutSeconds: env.APP_PREVIEW_IDLE_TIMEOUT_SECONDS },
    max: { memoryMb: env.APP_MAX_MEMORY_MB, cpus: env.APP_MAX_CPUS, replicas: env.APP_MAX_REPLICAS },
    nodeImage: env.APP_NODE_IMAGE,
    nodeVersion: env.APP_NODE_VERSION,
    registry: {
      kind,
      url: env.REGISTRY_URL,
      /** Never logged, never in an error message. */
      credentials: env.REGISTRY_USERNAME && env.REGISTRY_PASSWORD ? { username: env.REGISTRY_USERNAME, password: env.REGISTRY_PASSWORD } : undefined,
      repositoryPrefix: env.REGISTRY_REPOSITORY_PREFIX,
      keepImages: env.REGISTRY_KEEP_IMAGES,
      untaggedExpireDays: env.REGISTRY_UNTAGGED_EXPIRE_DAYS,
    },
  };
});
