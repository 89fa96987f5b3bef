import { registerAs } from '@nestjs/config';
import { Transform } from 'class-transformer';
import { IsInt, IsOptional, IsString, Matches, Max, Min, MinLength } from 'class-validator';
import { emptyToUndefined, readArea, toInt } from './area.validation';

/** Build and access logs: where they are stored, how they are batched and kept, and the live channel's limits. */
export class LogsEnvironment {
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

export const logsConfig = registerAs('logs', () => {
  const env = readArea(LogsEnvironment);
  return {
    /** Undefined: logs are stored in the metadata database (embedded mode). */
    clickhouse: env.CLICKHOUSE_URL
      ? { url: env.CLICKHOUSE_URL, database: env.CLICKHOUSE_DATABASE, username: env.CLICKHOUSE_USER, password: env.CLICKHOUSE_PASSWORD ?? '' }
      : undefined,
    batchMaxRows: env.LOG_BATCH_MAX_ROWS,
    batchMaxAgeMs: env.LOG_BATCH_MAX_AGE_MS,
    retentionDays: env.LOG_RETENTION_DAYS,
    liveBufferLines: env.LOG_LIVE_BUFFER_LINES,
    liveBufferTtlSeconds: env.LOG_LIVE_BUFFER_TTL_SECONDS,
    socketBufferMax: env.GATEWAY_SOCKET_BUFFER_MAX,
  };
});
