import { plainToInstance, Transform } from 'class-transformer';
import {
  IsBase64,
  IsIn,
  IsInt,
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
const PORT = { message: 'must be an integer port number (1–65535)' };
const POOL = { message: 'must be an integer from 1 to 200' };
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

  @Transform(toInt) @IsInt(PORT) @Min(1, PORT) @Max(65535, PORT)
  API_PORT = 3000;

  @Transform(toInt) @IsInt(PORT) @Min(1, PORT) @Max(65535, PORT)
  GATEWAY_PORT = 3001;

  @Transform(toInt) @IsInt(PORT) @Min(1, PORT) @Max(65535, PORT)
  EDGE_PORT = 8080;

  @Transform(toInt) @IsInt(PORT) @Min(1, PORT) @Max(65535, PORT)
  ORCHESTRATOR_PORT = 3002;

  @Transform(toInt) @IsInt(PORT) @Min(1, PORT) @Max(65535, PORT)
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

  @Matches(/^\d+(b|kb|mb)$/i, { message: 'must be a size such as 512kb or 1mb' }) @MaxLength(10)
  API_JSON_BODY_LIMIT = '1mb';

  /** Set: app-to-app events go through Kafka (distributed mode). Unset: the in-process transport. */
  @Transform(emptyToUndefined) @IsOptional()
  @Matches(/^\s*[^\s,]+:\d{1,5}\s*(,\s*[^\s,]+:\d{1,5}\s*)*$/, { message: 'must be a comma-separated list of host:port' })
  KAFKA_BROKERS?: string;

  @Matches(/^[A-Za-z0-9._-]{1,100}$/, { message: 'must be 1–100 characters of [A-Za-z0-9._-]' })
  KAFKA_CLIENT_ID = 'deploysphere';

  /** Prepended to every consumer group name (e.g. `deploysphere.orchestrator`), so several installations can share a cluster. */
  @Matches(/^[A-Za-z0-9._-]{0,100}$/, { message: 'must be 0–100 characters of [A-Za-z0-9._-]' })
  KAFKA_GROUP_PREFIX = 'deploysphere.';

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
  if (env.DEPLOYSPHERE_ENCRYPTION_KEY && Buffer.from(env.DEPLOYSPHERE_ENCRYPTION_KEY, 'base64').length !== 32) {
    throw new Error('Invalid configuration:\n  - DEPLOYSPHERE_ENCRYPTION_KEY: must decode to exactly 32 bytes');
  }
  return env;
}
