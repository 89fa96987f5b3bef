import { registerAs } from '@nestjs/config';
import { Transform } from 'class-transformer';
import { IsInt, IsOptional, Matches, Max, Min } from 'class-validator';
import { emptyToUndefined, readArea, toInt } from './area.validation';

/** The message transport: Kafka when KAFKA_BROKERS is set, in process otherwise. */
export class KafkaEnvironment {
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

  /** How often consumer lag is sampled for /metrics (admin offset calls), not on every scrape. */
  @Transform(toInt) @IsInt({ message: 'must be an integer number of seconds (1–3600)' }) @Min(1, { message: 'must be an integer number of seconds (1–3600)' }) @Max(3600, { message: 'must be an integer number of seconds (1–3600)' })
  KAFKA_LAG_SAMPLE_SECONDS = 15;
}

export const kafkaConfig = registerAs('kafka', () => {
  const env = readArea(KafkaEnvironment);
  return {
    /** Empty: embedded mode, events stay in process. */
    brokers: (env.KAFKA_BROKERS ?? '')
      .split(',')
      .map((b) => b.trim())
      .filter(Boolean),
    clientId: env.KAFKA_CLIENT_ID,
    groupPrefix: env.KAFKA_GROUP_PREFIX,
    /** Prepended to every topic on the wire (contract names stay as they are in the code). */
    topicPrefix: env.KAFKA_TOPIC_PREFIX,
    partitions: env.KAFKA_PARTITIONS,
    replicationFactor: env.KAFKA_REPLICATION_FACTOR,
    sessionTimeoutMs: env.KAFKA_SESSION_TIMEOUT_MS,
    publishTimeoutMs: env.KAFKA_PUBLISH_TIMEOUT_MS,
    lagSampleMs: env.KAFKA_LAG_SAMPLE_SECONDS * 1000,
  };
});
