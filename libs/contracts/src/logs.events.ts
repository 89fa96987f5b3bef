// class-transformer's @Type reads design-time metadata: load the polyfill wherever contracts load.
import 'reflect-metadata';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsInt,
  IsNumber,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { Topics } from './topics';
import { ENTITY_ID } from './ids';

// Log records travel in batches: one Kafka message per batch keeps the per-message overhead
// (envelope, headers, offsets) negligible next to the lines themselves. These classes are the
// contract; `logs.parse.ts` holds the equivalent hand-written checks the ingest hot path uses.

export const LOG_STREAMS = ['stdout', 'stderr', 'system'] as const;
export type LogStreamName = (typeof LOG_STREAMS)[number];

/** Lines longer than this are cut by the producer (the runner splits them first). */
export const MAX_LOG_MESSAGE_LENGTH = 16_384;
export const MAX_LOG_BATCH_LINES = 5_000;
export const MAX_ACCESS_BATCH_RECORDS = 5_000;

/** An instant with a time zone, as `Date.toISOString()` writes it (other offsets allowed). */
export const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;
/** Producer-assigned record id: unique per record, stable across redelivery (dedupe key). */
export const RECORD_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** One line of build output; `seq` is per deployment, from 1, gap-free, assigned by the runner. */
export class BuildLogLineV1 {
  @IsInt() @Min(1) @Max(Number.MAX_SAFE_INTEGER) seq!: number;
  @IsString() @Matches(ISO_INSTANT) ts!: string;
  @IsIn(LOG_STREAMS) stream!: LogStreamName;
  @IsString() @MaxLength(MAX_LOG_MESSAGE_LENGTH) message!: string;
}

/** Consecutive lines of one deployment, in `seq` order. Key: the deployment id. */
export class BuildLogBatchV1 {
  static readonly topic = Topics.LogsBuild;
  static readonly type = 'BuildLogBatch.v1';

  @Matches(ENTITY_ID) deploymentId!: string;
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(MAX_LOG_BATCH_LINES)
  @ValidateNested({ each: true }) @Type(() => BuildLogLineV1)
  lines!: BuildLogLineV1[];
}

/** One request the edge router served (or refused). */
export class AccessLogRecordV1 {
  @Matches(RECORD_ID) id!: string;
  /** Epoch milliseconds when the request arrived. */
  @IsInt() @Min(0) @Max(Number.MAX_SAFE_INTEGER) time!: number;
  @IsString() @MaxLength(255) host!: string;
  @IsOptional() @Matches(ENTITY_ID) deploymentId!: string | null;
  @IsOptional() @Matches(ENTITY_ID) projectId!: string | null;
  @IsString() @MaxLength(16) method!: string;
  @IsString() @MaxLength(2048) path!: string;
  @IsInt() @Min(0) @Max(999) status!: number;
  @IsInt() @Min(0) @Max(Number.MAX_SAFE_INTEGER) bytes!: number;
  @IsNumber({ allowNaN: false, allowInfinity: false }) @Min(0) durationMs!: number;
  @IsOptional() @IsString() @MaxLength(512) userAgent!: string | null;
  @IsOptional() @IsString() @MaxLength(64) clientIp!: string | null;
}

/** A batch of access records from one edge instance. Key: the batch id (no ordering needed). */
export class AccessLogBatchV1 {
  static readonly topic = Topics.LogsAccess;
  static readonly type = 'AccessLogBatch.v1';

  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(MAX_ACCESS_BATCH_RECORDS)
  @ValidateNested({ each: true }) @Type(() => AccessLogRecordV1)
  records!: AccessLogRecordV1[];
}
