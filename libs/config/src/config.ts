import { registerAs } from '@nestjs/config';
import { hostname } from 'node:os';
import { resolve } from 'node:path';

// Each area is a `registerAs` factory, injected typed with
// `@Inject(httpConfig.KEY) cfg: ConfigType<typeof httpConfig>`. The factories run after
// `validateEnvironment`, which has checked every value and written defaults back to
// process.env, so they only shape values; defaults live in EnvironmentVariables alone.
const env = (name: string): string => process.env[name] ?? '';
const int = (name: string): number => Number(env(name));

export const httpConfig = registerAs('http', () => ({
  host: env('BIND_HOST'),
  apiPort: int('API_PORT'),
  gatewayPort: int('GATEWAY_PORT'),
  edgePort: int('EDGE_PORT'),
  orchestratorPort: int('ORCHESTRATOR_PORT'),
  logIngestPort: int('LOG_INGEST_PORT'),
  jsonBodyLimit: env('API_JSON_BODY_LIMIT'),
  webhookBodyLimit: env('API_WEBHOOK_BODY_LIMIT'),
  rootDomain: env('ROOT_DOMAIN'),
}));

export const dataConfig = registerAs('data', () => ({
  dataDir: resolve(env('DEPLOYSPHERE_DATA_DIR')),
}));

export const databaseConfig = registerAs('database', () => {
  const url = env('DATABASE_URL') || undefined;
  const migrate = env('DATABASE_MIGRATE_ON_START');
  return {
    url,
    embedded: url === undefined,
    poolSize: int('DATABASE_POOL_SIZE'),
    migrateOnStart: migrate === '' ? url === undefined : migrate === 'true' || migrate === '1',
  };
});

export const securityConfig = registerAs('security', () => ({
  adminToken: env('DEPLOYSPHERE_ADMIN_TOKEN') || undefined,
  encryptionKey: env('DEPLOYSPHERE_ENCRYPTION_KEY') || undefined,
  production: env('NODE_ENV') === 'production',
}));

export const loggingConfig = registerAs('logging', () => ({
  level: env('LOG_LEVEL'),
  pretty: process.stdout.isTTY === true && env('NODE_ENV') !== 'production',
}));

export const kafkaConfig = registerAs('kafka', () => ({
  /** Empty: embedded mode, events stay in process. */
  brokers: env('KAFKA_BROKERS')
    .split(',')
    .map((b) => b.trim())
    .filter(Boolean),
  clientId: env('KAFKA_CLIENT_ID'),
  groupPrefix: env('KAFKA_GROUP_PREFIX'),
  /** Prepended to every topic on the wire (contract names stay as they are in the code). */
  topicPrefix: env('KAFKA_TOPIC_PREFIX'),
  partitions: int('KAFKA_PARTITIONS'),
  replicationFactor: int('KAFKA_REPLICATION_FACTOR'),
  sessionTimeoutMs: int('KAFKA_SESSION_TIMEOUT_MS'),
  publishTimeoutMs: int('KAFKA_PUBLISH_TIMEOUT_MS'),
}));

export const logsConfig = registerAs('logs', () => ({
  /** Undefined: the in-process live channel (embedded mode). */
  redisUrl: env('REDIS_URL') || undefined,
  /** Undefined: logs are stored in the metadata database (embedded mode). */
  clickhouse: env('CLICKHOUSE_URL')
    ? { url: env('CLICKHOUSE_URL'), database: env('CLICKHOUSE_DATABASE'), username: env('CLICKHOUSE_USER'), password: env('CLICKHOUSE_PASSWORD') }
    : undefined,
  batchMaxRows: int('LOG_BATCH_MAX_ROWS'),
  batchMaxAgeMs: int('LOG_BATCH_MAX_AGE_MS'),
  retentionDays: int('LOG_RETENTION_DAYS'),
  liveBufferLines: int('LOG_LIVE_BUFFER_LINES'),
  liveBufferTtlSeconds: int('LOG_LIVE_BUFFER_TTL_SECONDS'),
  socketBufferMax: int('GATEWAY_SOCKET_BUFFER_MAX'),
}));

const list = (name: string): string[] =>
  env(name)
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean);

/** Source intake: upload limits (applied again on extraction) and the git fetch timeout. */
export const sourceConfig = registerAs('source', () => ({
  upload: {
    maxCompressedBytes: int('UPLOAD_MAX_COMPRESSED_BYTES'),
    maxUncompressedBytes: int('UPLOAD_MAX_UNCOMPRESSED_BYTES'),
    maxFiles: int('UPLOAD_MAX_FILES'),
    maxFileBytes: int('UPLOAD_MAX_FILE_BYTES'),
    maxCompressionRatio: int('UPLOAD_MAX_COMPRESSION_RATIO'),
  },
  gitTimeoutMs: int('GIT_CLONE_TIMEOUT_SECONDS') * 1000,
}));

export const buildsConfig = registerAs('builds', () => ({
  runner: env('BUILD_RUNNER') as 'auto' | 'docker' | 'process' | 'ecs',
  allowUnisolated: env('ALLOW_UNISOLATED_BUILDS') === 'true' || env('ALLOW_UNISOLATED_BUILDS') === '1',
  production: env('NODE_ENV') === 'production',
  concurrency: int('BUILD_CONCURRENCY'),
  /** This instance's own cap (BUILD_CONCURRENCY_PER_INSTANCE), within the global one. */
  instanceConcurrency: env('BUILD_CONCURRENCY_PER_INSTANCE') === '' ? int('BUILD_CONCURRENCY') : int('BUILD_CONCURRENCY_PER_INSTANCE'),
  timeoutSeconds: int('BUILD_TIMEOUT_SECONDS'),
  timeoutMaxSeconds: int('BUILD_TIMEOUT_MAX_SECONDS'),
  memoryMb: int('BUILD_MEMORY_MB'),
  cpus: Number(env('BUILD_CPUS')),
  pids: int('BUILD_PIDS'),
  logMaxBytes: int('BUILD_LOG_MAX_BYTES'),
  outputMaxBytes: int('BUILD_OUTPUT_MAX_BYTES'),
  builderImage: env('BUILDER_IMAGE'),
  network: env('BUILD_NETWORK'),
  workDir: resolve(env('BUILD_WORK_DIR') || `${env('DEPLOYSPHERE_DATA_DIR')}/builds`),
  dockerWorkspace: env('BUILD_DOCKER_WORKSPACE') as 'auto' | 'bind' | 'volume',
  leaseSeconds: int('BUILD_LEASE_SECONDS'),
  queuePollMs: int('BUILD_QUEUE_POLL_MS'),
  instanceId: env('ORCHESTRATOR_INSTANCE_ID') || hostname(),
  ecs: {
    cluster: env('ECS_CLUSTER'),
    taskDefinition: env('ECS_TASK_DEFINITION'),
    subnets: list('ECS_SUBNETS'),
    securityGroups: list('ECS_SECURITY_GROUPS'),
    assignPublicIp: env('ECS_ASSIGN_PUBLIC_IP') === 'true' || env('ECS_ASSIGN_PUBLIC_IP') === '1',
    containerName: env('ECS_CONTAINER_NAME'),
    logGroup: env('ECS_LOG_GROUP') || undefined,
    logStreamPrefix: env('ECS_LOG_STREAM_PREFIX'),
    transferBucket: env('ECS_TRANSFER_BUCKET') || env('S3_BUCKET'),
    ecrRepository: env('ECR_REPOSITORY') || undefined,
  },
}));

export const ALL_CONFIG = [httpConfig, dataConfig, databaseConfig, securityConfig, loggingConfig, kafkaConfig, logsConfig, sourceConfig, buildsConfig];
