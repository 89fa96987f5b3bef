import { registerAs } from '@nestjs/config';
import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Matches, Max, Min } from 'class-validator';
import { createHash } from 'node:crypto';
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import { emptyToUndefined, readArea, toInt } from './area.validation';
import { BuildsEnvironment } from './builds.config';
import { DatabaseEnvironment } from './database.config';
import { RuntimeEnvironment } from './runtime.config';

const SECONDS = { message: 'must be an integer (seconds)' };

/** Server apps: where their instances run, and how they are health-checked, drained and watched. */
export class AppRuntimeEnvironment {
  /** auto: Docker when a daemon answers, else the unisolated process runtime (refused in production unless ALLOW_UNISOLATED_BUILDS=true). */
  @IsIn(['auto', 'docker', 'process'], { message: 'must be one of auto, docker, process' })
  APP_RUNTIME: 'auto' | 'docker' | 'process' = 'auto';

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
}

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
  };
});
