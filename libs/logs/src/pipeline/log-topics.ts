import { Logger } from '@nestjs/common';
import { newId } from '@deploysphere/common';
import {
  AccessLogBatchV1,
  BuildLogBatchV1,
  ContractViolation,
  parseAccessLogBatch,
  parseBuildLogBatch,
  type AccessLogRecordV1,
  type EventEnvelope,
} from '@deploysphere/contracts';
import { deadLetterOf, errorReason, type BatchConsumer, type MessageBatch, type MessageTransport, type OutgoingMessage } from '@deploysphere/messaging';
import type { BuildLogLine } from '../build-log';
import type { LogDelivery, LogTopicConsumer, LogTopicPublisher } from './log-topics.port';

/** Consumer group of log-ingest, under KAFKA_GROUP_PREFIX. */
export const LOG_INGEST_GROUP = 'log-ingest';

/**
 * Bytes of one message's JSON. Brokers refuse record batches over `message.max.bytes` (1 MiB by
 * default); this leaves room for headers and framing. The transport keeps each produce request
 * under the same bound.
 */
const MAX_MESSAGE_BYTES = 900 * 1024;

export interface LogTopicsOptions {
  /** Default: the contract topics. */
  topics?: { build: string; access: string };
  /** Default LOG_INGEST_GROUP. */
  group?: string;
}

/**
 * `logs.build.v1` / `logs.access.v1` on the platform's MessageTransport (Kafka or in process).
 * Publishing: one message per batch, the key the deployment (build logs, ordered per deployment)
 * or the batch id (access logs), a batch whose JSON passes MAX_MESSAGE_BYTES split in halves.
 * Consuming: a batch subscription; each payload is validated here, a message that breaks its
 * contract is dead-lettered at once (retrying cannot fix it) and the rest goes on; the delivery's
 * `ack` is the batch's, so offsets are committed only once the ingestor stored the rows.
 */
export class LogTopics implements LogTopicPublisher, LogTopicConsumer {
  readonly name: string;
  private readonly logger = new Logger('LogTopics');
  private readonly topics: { build: string; access: string };
  private readonly group: string;
  private consumer?: BatchConsumer;

  constructor(
    private readonly transport: MessageTransport,
    options: LogTopicsOptions = {},
  ) {
    this.name = transport.name;
    this.topics = options.topics ?? { build: BuildLogBatchV1.topic, access: AccessLogBatchV1.topic };
    this.group = options.group ?? LOG_INGEST_GROUP;
  }

  async publishBuild(batches: readonly BuildLogBatchV1[]): Promise<void> {
    const messages = batches.flatMap((b) =>
      this.sized(b.lines, (lines) => this.message(this.topics.build, BuildLogBatchV1.type, b.deploymentId, { deploymentId: b.deploymentId, lines })),
    );
    if (messages.length > 0) await this.transport.publish(messages);
  }

  async publishAccess(batches: readonly AccessLogBatchV1[]): Promise<void> {
    const messages = batches.flatMap((b) => this.sized(b.records, (records) => this.message(this.topics.access, AccessLogBatchV1.type, newId('alb'), { records })));
    if (messages.length > 0) await this.transport.publish(messages);
  }

  async start(handler: (delivery: LogDelivery) => Promise<void>): Promise<void> {
    this.consumer = await this.transport.subscribeBatch({
      group: this.group,
      topics: [this.topics.build, this.topics.access],
      handler: (batch) => this.onBatch(batch, handler),
    });
  }

  async pause(): Promise<void> {
    await this.consumer?.pause();
  }

  async stop(): Promise<void> {
    await this.consumer?.close();
  }

  async isReady(): Promise<boolean> {
    return this.transport.isReady();
  }

  private async onBatch(batch: MessageBatch, handler: (delivery: LogDelivery) => Promise<void>): Promise<void> {
    const build: BuildLogLine[] = [];
    const access: AccessLogRecordV1[] = [];
    const poison: OutgoingMessage[] = [];
    const reasons: string[] = [];
    for (const message of batch.messages) {
      try {
        const envelope = message.envelope;
        if (batch.topic === this.topics.build) {
          if (envelope.type !== BuildLogBatchV1.type) throw new ContractViolation(`unexpected type ${JSON.stringify(envelope.type)} on ${batch.topic}`);
          const b = parseBuildLogBatch(envelope.payload);
          for (const l of b.lines) build.push({ deploymentId: b.deploymentId, seq: l.seq, ts: l.ts, stream: l.stream, message: l.message });
        } else {
          if (envelope.type !== AccessLogBatchV1.type) throw new ContractViolation(`unexpected type ${JSON.stringify(envelope.type)} on ${batch.topic}`);
          for (const r of parseAccessLogBatch(envelope.payload).records) access.push(r);
        }
      } catch (err) {
        poison.push(deadLetterOf(this.group, message, err));
        reasons.push(errorReason(err));
      }
    }
    if (poison.length > 0) {
      this.logger.error({ topic: batch.topic, count: poison.length, reason: reasons[0] }, 'malformed log messages dead-lettered');
      // If this fails the batch is redelivered, dead letters included.
      await this.transport.publish(poison);
    }
    await handler({ build, access, ack: batch.ack });
  }

  private message(topic: string, type: string, key: string, payload: object): OutgoingMessage {
    const value: EventEnvelope = { id: newId('evt'), type, key, occurredAt: new Date().toISOString(), correlationId: key, payload };
    return { topic, key, value };
  }

  /** Messages for `items`, halving the batch until each message fits MAX_MESSAGE_BYTES. */
  private sized<T>(items: readonly T[], encode: (items: T[]) => OutgoingMessage): OutgoingMessage[] {
    const message = encode([...items]);
    if (items.length <= 1 || Buffer.byteLength(JSON.stringify(message.value)) <= MAX_MESSAGE_BYTES) return [message];
    const half = Math.ceil(items.length / 2);
    return [...this.sized(items.slice(0, half), encode), ...this.sized(items.slice(half), encode)];
  }
}
