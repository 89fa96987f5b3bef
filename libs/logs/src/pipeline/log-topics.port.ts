import type { AccessLogBatchV1, AccessLogRecordV1, BuildLogBatchV1 } from '@deploysphere/contracts';
import type { BuildLogLine } from '../build-log';

/** Producer side of `logs.build.v1` / `logs.access.v1`: one message per batch. */
export interface LogTopicPublisher {
  readonly name: string;
  /** Resolves once the broker has the batches (or, in process, the ingestor accepted them). */
  publishBuild(batches: readonly BuildLogBatchV1[]): Promise<void>;
  publishAccess(batches: readonly AccessLogBatchV1[]): Promise<void>;
}

/**
 * Records taken off the log topics. `ack` is called once they are stored; only then may the
 * transport consider them consumed (Kafka: commit the offset), so a crash before that
 * redelivers them and nothing is lost.
 */
export interface LogDelivery {
  build: BuildLogLine[];
  access: AccessLogRecordV1[];
  ack: () => void;
}

/** Consumer side: hands deliveries to `handler`, which resolves when it accepted them (it may wait: backpressure). */
export interface LogTopicConsumer {
  readonly name: string;
  start(handler: (delivery: LogDelivery) => Promise<void>): Promise<void>;
  /** Stops taking new records but keeps the connection, so acks of what is in flight still commit. */
  pause(): Promise<void>;
  stop(): Promise<void>;
  isReady(): Promise<boolean>;
}

export const LOG_TOPIC_PUBLISHER = Symbol('LOG_TOPIC_PUBLISHER');
export const LOG_TOPIC_CONSUMER = Symbol('LOG_TOPIC_CONSUMER');
