import { registerAs } from '@nestjs/config';
import type { EnvironmentVariables } from '@deploysphere/config';
import { hostname } from 'node:os';

export interface EdgeSettings {
  /** Bytes of file content (and compressed variants) kept in memory. */
  cacheBytes: number;
  /** Manifest entries (files) kept in memory across every cached deployment. */
  manifestCacheFiles: number;
  /** Distinguishes this instance's consumer group: every edge instance must see every route event. */
  instanceId: string;
  accessLogBuffer: number;
  accessLogFlushMs: number;
  shutdownGraceMs: number;
}

type EdgeEnvironment = Pick<
  EnvironmentVariables,
  'EDGE_CACHE_MB' | 'EDGE_MANIFEST_CACHE_FILES' | 'EDGE_INSTANCE_ID' | 'EDGE_ACCESS_LOG_BUFFER' | 'EDGE_ACCESS_LOG_FLUSH_MS' | 'EDGE_SHUTDOWN_GRACE_MS'
>;

/** The EDGE_* variables are validated and defaulted with the rest by libs/config's validateEnvironment. */
export function edgeSettingsFrom(env: EdgeEnvironment): EdgeSettings {
  return {
    cacheBytes: Number(env.EDGE_CACHE_MB) * 1024 * 1024,
    manifestCacheFiles: Number(env.EDGE_MANIFEST_CACHE_FILES),
    instanceId: env.EDGE_INSTANCE_ID || `${hostname()}-${process.pid}`,
    accessLogBuffer: Number(env.EDGE_ACCESS_LOG_BUFFER),
    accessLogFlushMs: Number(env.EDGE_ACCESS_LOG_FLUSH_MS),
    shutdownGraceMs: Number(env.EDGE_SHUTDOWN_GRACE_MS),
  };
}

// ConfigModule has written the validated values (defaults included) back to process.env.
export const edgeConfig = registerAs('edge', () => edgeSettingsFrom(process.env as unknown as EdgeEnvironment));
