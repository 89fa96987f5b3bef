import { plainToInstance, Transform } from 'class-transformer';
import {
  IsBase64,
  IsIn,
  IsInt,
  IsNumber,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  validateSync,
  type ValidationError,
} from 'class-validator';

const toInt = ({ value }: { value: unknown }) => (value === undefined || value === '' ? undefined : Number(value));
const toBool = ({ value }: { value: unknown }) => {
  if (value === undefined || value === '') return undefined;
  if (value === 'true' || value === '1') return true;
  if (value === 'false' || value === '0') return false;
  return value;
};
const PORT = { message: 'must be an integer port number (0–65535; 0 picks a free port)' };
const POOL = { message: 'must be an integer from 1 to 200' };
const toNumber = ({ value }: { value: unknown }) => (value === undefined || value === '' ? undefined : Number(value));
const UPLOAD_BYTES = { message: 'must be an integer number of bytes, from 1024 (1 KiB) to 100 GiB' };
const UPLOAD_FILES = { message: 'must be an integer from 1 to 10000000' };
const RATIO = { message: 'must be an integer from 2 to 100000' };
const GIT_TIMEOUT = { message: 'must be an integer number of seconds from 5 to 3600' };
const EDGE_CACHE = { message: 'must be an integer from 1 to 65536' };
const EDGE_MANIFESTS = { message: 'must be an integer from 1000 to 10000000' };
const EDGE_BUFFER = { message: 'must be an integer from 100 to 1000000' };
const EDGE_FLUSH = { message: 'must be an integer from 10 to 60000' };
const EDGE_GRACE = { message: 'must be an integer from 0 to 300000' };
const BUILDS = { message: 'must be an integer from 0 to 1000' };
const emptyToUndefined = ({ value }: { value: unknown }) => (value === '' ? undefined : value);

/**
 * Every environment variable the platform reads. Each one is documented in `.env.example`
 * and in the README's configuration table; keep the three in step.
 */
export class EnvironmentVariables {
  @IsIn(['development', 'production', 'test'], { message: 'must be one of development, production, test' })
  NODE_ENV: 'development' | 'production' | 'test' = 'development';

  @IsIn(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'], {
    message: 'must be one of trace, debug, info, warn, error, fatal, silent',
  })
  LOG_LEVEL = 'info';

  @IsString()
  BIND_HOST = '0.0.0.0';

  @Transform(toInt) @IsInt(PORT) @Min(0, PORT) @Max(65535, PORT)
  API_PORT = 3000;

  @Transform(toInt) @IsInt(PORT) @Min(0, PORT) @Max(65535, PORT)
  GATEWAY_PORT = 3001;

  @Transform(toInt) @IsInt(PORT) @Min(0, PORT) @Max(65535, PORT)
  EDGE_PORT = 8080;

  @Transform(toInt) @IsInt(PORT) @Min(0, PORT) @Max(65535, PORT)
  ORCHESTRATOR_PORT = 3002;

  @Transform(toInt) @IsInt(PORT) @Min(0, PORT) @Max(65535, PORT)
  LOG_INGEST_PORT = 3003;

  @IsString() @MinLength(1)
  DEPLOYSPHERE_DATA_DIR = './.deploysphere';

  @Transform(emptyToUndefined) @IsOptional()
  @Matches(/^postgres(ql)?:\/\/\S+$/, { message: 'must be a postgresql:// connection URL' })
  DATABASE_URL?: string;

  @Transform(toInt) @IsInt(POOL) @Min(1, POOL) @Max(200, POOL)
  DATABASE_POOL_SIZE = 10;

  /** Defaults to true in embedded mode (no DATABASE_URL) and false otherwise. */
  @Transform(toBool) @IsOptional() @IsIn([true, false], { message: 'must be true or false' })
  DATABASE_MIGRATE_ON_START?: boolean;

  @Transform(emptyToUndefined) @IsOptional()
  @Matches(/^[A-Za-z0-9_\-.]{32,200}$/, { message: 'must be 32–200 characters of [A-Za-z0-9_-.]' })
  DEPLOYSPHERE_ADMIN_TOKEN?: string;

  /** 32 random bytes, base64. Required in production; generated into the data dir otherwise. */
  @Transform(emptyToUndefined) @IsOptional() @IsBase64(undefined, { message: 'must be 32 bytes encoded as base64' })
  DEPLOYSPHERE_ENCRYPTION_KEY?: string;

  @IsString() @Matches(/^(?=.{1,200}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/, {
    message: 'must be a lower-case DNS name such as localhost or apps.example.com',
  })
  ROOT_DOMAIN = 'localhost';

  /** Edge router: bytes of file content (and compressed variants) kept in memory, in MiB. */
  @Transform(toInt) @IsInt(EDGE_CACHE) @Min(1, EDGE_CACHE) @Max(65_536, EDGE_CACHE)
  EDGE_CACHE_MB = 256;

  /** Edge router: manifest entries (files) kept in memory across cached deployments. */
  @Transform(toInt) @IsInt(EDGE_MANIFESTS) @Min(1_000, EDGE_MANIFESTS) @Max(10_000_000, EDGE_MANIFESTS)
  EDGE_MANIFEST_CACHE_FILES = 200_000;

  /** Edge router instance name (its own consumer group: every instance sees every route event). Default `<hostname>-<pid>`; set it to the pod name. */
  @Transform(emptyToUndefined) @IsOptional() @Matches(/^[A-Za-z0-9._-]{1,100}$/, { message: 'must be 1–100 characters of [A-Za-z0-9._-]' })
  EDGE_INSTANCE_ID?: string;

  /** Access records buffered before the edge drops (and counts) new ones. */
  @Transform(toInt) @IsInt(EDGE_BUFFER) @Min(100, EDGE_BUFFER) @Max(1_000_000, EDGE_BUFFER)
  EDGE_ACCESS_LOG_BUFFER = 10_000;

  @Transform(toInt) @IsInt(EDGE_FLUSH) @Min(10, EDGE_FLUSH) @Max(60_000, EDGE_FLUSH)
  EDGE_ACCESS_LOG_FLUSH_MS = 1_000;

  /** How long in-flight requests may finish after SIGTERM. */
  @Transform(toInt) @IsInt(EDGE_GRACE) @Min(0, EDGE_GRACE) @Max(300_000, EDGE_GRACE)
  EDGE_SHUTDOWN_GRACE_MS = 10_000;

  @Matches(/^\d+(b|kb|mb)$/i, { message: 'must be a size such as 512kb or 1mb' }) @MaxLength(10)
  API_JSON_BODY_LIMIT = '1mb';

  /** Largest git webhook body (GitHub caps its payloads at 25 MB); read raw for the signature check. */
  @Matches(/^\d+(b|kb|mb)$/i, { message: 'must be a size such as 512kb or 25mb' }) @MaxLength(10)
  API_WEBHOOK_BODY_LIMIT = '25mb';

  /** Set: app-to-app events go through Kafka (distributed mode). Unset: the in-process transport. */
  @Transform(emptyToUndefined) @IsOptional()
  @Matches(/^\s*[^\s,]+:\d{1,5}\s*(,\s*[^\s,]+:\d{1,5}\s*)*$/, { message: 'must be a comma-separated list of host:port' })
  KAFKA_BROKERS?: string;

  @Matches(/^[A-Za-z0-9._-]{1,100}$/, { message: 'must be 1–100 characters of [A-Za-z0-9._-]' })
  KAFKA_CLIENT_ID = 'deploysphere';

  /** Prepended to every consumer group name (e.g. `deploysphere.orchestrator`), so several installations can share a cluster. */
  @Matches(/^[A-Za-z0-9._-]{0,100}$/, { message: 'must be 0–100 characters of [A-Za-z0-9._-]' })
  KAFKA_GROUP_PREFIX = 'deploysphere.';

  /** Prepended to every topic name on the wire (`staging.deployments.requested.v1`): installations sharing a cluster then never see each other's events. */
  @Matches(/^[A-Za-z0-9._-]{0,100}$/, { message: 'must be 0–100 characters of [A-Za-z0-9._-]' })
  KAFKA_TOPIC_PREFIX = '';

  /** Partitions of each topic the platform creates at start-up (existing topics are left as they are). */
  @Transform(toInt) @IsInt({ message: 'must be an integer' }) @Min(1) @Max(1000)
  KAFKA_PARTITIONS = 6;

  @Transform(toInt) @IsInt({ message: 'must be an integer' }) @Min(1) @Max(10)
  KAFKA_REPLICATION_FACTOR = 1;

  /** A consumer that sends no heartbeat for this long is evicted and its partitions move to another instance. */
  @Transform(toInt) @IsInt({ message: 'must be an integer (milliseconds)' }) @Min(6_000) @Max(300_000)
  KAFKA_SESSION_TIMEOUT_MS = 30_000;

  /** Upper bound on one publish while the broker is down, so the outbox relay backs off instead of hanging. */
  @Transform(toInt) @IsInt({ message: 'must be an integer (milliseconds)' }) @Min(500) @Max(120_000)
  KAFKA_PUBLISH_TIMEOUT_MS = 10_000;

  // ---- logs (docs/logs.md) ----

  /** Set: live log fan-out through Redis pub/sub and the Socket.IO Redis adapter. Unset: in process. */
  @Transform(emptyToUndefined) @IsOptional()
  @Matches(/^rediss?:\/\/\S+$/, { message: 'must be a redis:// or rediss:// URL' })
  REDIS_URL?: string;

  /** Set: build and access logs are stored in ClickHouse. Unset: in the metadata database. */
  @Transform(emptyToUndefined) @IsOptional()
  @Matches(/^https?:\/\/\S+$/, { message: 'must be an http:// or https:// URL of the ClickHouse HTTP interface' })
  CLICKHOUSE_URL?: string;

  @Matches(/^[A-Za-z_][A-Za-z0-9_]{0,62}$/, { message: 'must be a database name of [A-Za-z0-9_] starting with a letter or _' })
  CLICKHOUSE_DATABASE = 'deploysphere';

  @IsString() @MinLength(1)
  CLICKHOUSE_USER = 'default';

  @Transform(emptyToUndefined) @IsOptional() @IsString()
  CLICKHOUSE_PASSWORD?: string;

  /** log-ingest inserts a batch once it holds this many rows… */
  @Transform(toInt) @IsInt({ message: 'must be an integer' }) @Min(1) @Max(1_000_000)
  LOG_BATCH_MAX_ROWS = 20_000;

  /** …or once its oldest row waited this long. */
  @Transform(toInt) @IsInt({ message: 'must be an integer (milliseconds)' }) @Min(10) @Max(600_000)
  LOG_BATCH_MAX_AGE_MS = 1_000;

  /** Build and access logs older than this many days are dropped (whole daily partitions on ClickHouse). */
  @Transform(toInt) @IsInt({ message: 'must be an integer (days)' }) @Min(1) @Max(3650)
  LOG_RETENTION_DAYS = 30;

  /** Most recent lines per deployment kept on the live channel for late subscribers. */
  @Transform(toInt) @IsInt({ message: 'must be an integer' }) @Min(100) @Max(10_000_000)
  LOG_LIVE_BUFFER_LINES = 50_000;

  /** The live buffer of a deployment expires this long after its last line. */
  @Transform(toInt) @IsInt({ message: 'must be an integer (seconds)' }) @Min(60) @Max(30 * 86_400)
  LOG_LIVE_BUFFER_TTL_SECONDS = 86_400;

  /** Bytes a gateway client may have waiting to be sent; beyond it the client is disconnected (SLOW_CONSUMER). */
  @Transform(toInt) @IsInt({ message: 'must be an integer (bytes)' }) @Min(16_384) @Max(1_073_741_824)
  GATEWAY_SOCKET_BUFFER_MAX = 4_194_304;

  // ---- source intake (docs/source-intake.md) ----

  /** Largest uploaded source archive (the gzip bytes). */
  @Transform(toInt) @IsInt(UPLOAD_BYTES) @Min(1_024, UPLOAD_BYTES) @Max(10 * 1_073_741_824, UPLOAD_BYTES)
  UPLOAD_MAX_COMPRESSED_BYTES = 104_857_600;

  /** Most bytes an upload may expand to (tar stream and extracted files, hard-link copies included). */
  @Transform(toInt) @IsInt(UPLOAD_BYTES) @Min(1_024, UPLOAD_BYTES) @Max(100 * 1_073_741_824, UPLOAD_BYTES)
  UPLOAD_MAX_UNCOMPRESSED_BYTES = 524_288_000;

  /** Most entries (files, directories, links) in an upload. */
  @Transform(toInt) @IsInt(UPLOAD_FILES) @Min(1, UPLOAD_FILES) @Max(10_000_000, UPLOAD_FILES)
  UPLOAD_MAX_FILES = 50_000;

  /** Largest single file in an upload. */
  @Transform(toInt) @IsInt(UPLOAD_BYTES) @Min(1_024, UPLOAD_BYTES) @Max(100 * 1_073_741_824, UPLOAD_BYTES)
  UPLOAD_MAX_FILE_BYTES = 104_857_600;

  /** An upload expanding more than this many times (past its first 8 MiB) is refused as an archive bomb. */
  @Transform(toInt) @IsInt(RATIO) @Min(2, RATIO) @Max(100_000, RATIO)
  UPLOAD_MAX_COMPRESSION_RATIO = 200;

  /** Wall-clock limit of one shallow git fetch of a deployment's source. */
  @Transform(toInt) @IsInt(GIT_TIMEOUT) @Min(5, GIT_TIMEOUT) @Max(3_600, GIT_TIMEOUT)
  GIT_CLONE_TIMEOUT_SECONDS = 120;

  // ---- builds (docs/builds.md) ----

  /** auto: Docker when a daemon answers, else the unisolated process runner (with a warning). */
  @IsIn(['auto', 'docker', 'process', 'ecs'], { message: 'must be one of auto, docker, process, ecs' })
  BUILD_RUNNER: 'auto' | 'docker' | 'process' | 'ecs' = 'auto';

  /** The process runner gives builds no isolation; with NODE_ENV=production it runs only when this is true. */
  @Transform(toBool) @IsIn([true, false], { message: 'must be true or false' })
  ALLOW_UNISOLATED_BUILDS = false;

  /** Builds running at once across every orchestrator instance (counted in the database); 0 pauses building, queued deployments wait. */
  @Transform(toInt) @IsInt(BUILDS) @Min(0, BUILDS) @Max(1000, BUILDS)
  BUILD_CONCURRENCY = 2;

  /** Builds one orchestrator instance runs at once (within BUILD_CONCURRENCY); empty: BUILD_CONCURRENCY. Spreads the load over instances; 0 makes a standby that only recovers. */
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

  /** An orchestrator renews its claim on running builds this often (×1/3); an expired claim is recovered by another instance. */
  @Transform(toInt) @IsInt({ message: 'must be an integer (seconds)' }) @Min(3) @Max(3_600)
  BUILD_LEASE_SECONDS = 30;

  /** How often the queue is polled besides the nudges (new requests, finished builds). */
  @Transform(toInt) @IsInt({ message: 'must be an integer (milliseconds)' }) @Min(50) @Max(600_000)
  BUILD_QUEUE_POLL_MS = 2_000;

  /** Names this orchestrator in deployments.orchestrator_id; empty: the host name. Unique per running instance. */
  @IsOptional() @Matches(/^[A-Za-z0-9._:-]{1,128}$/, { message: 'must be 1–128 characters of [A-Za-z0-9._:-]' })
  ORCHESTRATOR_INSTANCE_ID?: string;

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

/** One line per bad variable, quoting what was given (never a converted NaN). */
function describe(errors: ValidationError[], raw: Record<string, unknown>): string[] {
  return errors.map((e) => {
    const given = raw[e.property];
    const got = given === undefined ? 'unset' : JSON.stringify(String(given)).slice(0, 60);
    return `  - ${e.property}: ${Object.values(e.constraints ?? {})[0]} (got ${got})`;
  });
}

/** The `validate` hook for `ConfigModule.forRoot`: returns typed values or throws one message naming every bad variable. */
export function validateEnvironment(raw: Record<string, unknown>): EnvironmentVariables {
  const env = plainToInstance(EnvironmentVariables, raw, { exposeDefaultValues: true });
  const errors = validateSync(env, { skipMissingProperties: false, forbidUnknownValues: false, stopAtFirstError: true });
  if (errors.length > 0) {
    throw new Error(`Invalid configuration:\n${describe(errors, raw).join('\n')}\nSee .env.example for every variable and its default.`);
  }
  if (env.NODE_ENV === 'production' && !env.DEPLOYSPHERE_ENCRYPTION_KEY) {
    throw new Error(
      'Invalid configuration:\n  - DEPLOYSPHERE_ENCRYPTION_KEY: is required when NODE_ENV=production (32 random bytes, base64: `openssl rand -base64 32`)',
    );
  }
  const builds = buildProblems(env);
  if (builds.length > 0) throw new Error(`Invalid configuration:\n${builds.join('\n')}`);
  if (env.DEPLOYSPHERE_ENCRYPTION_KEY && Buffer.from(env.DEPLOYSPHERE_ENCRYPTION_KEY, 'base64').length !== 32) {
    throw new Error('Invalid configuration:\n  - DEPLOYSPHERE_ENCRYPTION_KEY: must decode to exactly 32 bytes');
  }
  return env;
}

/** Rules that involve several build variables (each one alone was checked above). */
function buildProblems(env: EnvironmentVariables): string[] {
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
    if (!env.ECS_TRANSFER_BUCKET && !process.env.S3_BUCKET) {
      problems.push('  - ECS_TRANSFER_BUCKET: BUILD_RUNNER=ecs needs a bucket for sources and outputs (set ECS_TRANSFER_BUCKET or S3_BUCKET)');
    }
  }
  return problems;
}
