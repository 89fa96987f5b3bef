import { Logger } from '@nestjs/common';
import { newId } from '@deploysphere/common';
import {
  AccessLogBatchV1,
  BuildLogBatchV1,
  ContractViolation,
  deadLetterTopic,
  parseAccessLogBatch,
  parseBuildLogBatch,
  type AccessLogRecordV1,
  type EventEnvelope,
} from '@deploysphere/contracts';
import { Kafka, logLevel, Partitioners, type Consumer, type EachBatchPayload, type KafkaMessage, type Message, type Producer } from 'kafkajs';
import type { BuildLogLine } from '../build-log';
import type { LogDelivery, LogTopicConsumer, LogTopicPublisher } from './log-topics.port';

export interface KafkaLogTopicsOptions {
  brokers: string[];
  clientId: string;
  /** Consumer group of log-ingest (only the consumer side uses it). */
  groupId: string;
  topics?: { build: string; access: string };
  /** Partitions and replication of the topics created at start when missing. */
  partitions: number;
  replicationFactor: number;
  sessionTimeoutMs?: number;
}

// Wire format as the platform's other topics: the value is the JSON envelope, the key the
// aggregate (deployment id for build logs; the batch id for access logs, which need no order),
// headers repeat the type. One message carries a whole batch.

const HEADER_TYPE = 'event-type';
/**
 * Bytes of message values per produce request and per message. Brokers refuse record batches
 * over `message.max.bytes` (1 MiB by default), and one request's messages for a partition form
 * one batch; this leaves room for headers and framing.
 */
const MAX_MESSAGE_BYTES = 900 * 1024;
const HEADER_REASON = 'dead-letter-reason';

/**
 * A producer and a batch consumer dedicated to the log topics. The platform's MessageTransport
 * hands a consumer one message at a time and commits when its handler returns, which cannot
 * express "commit once the batch this message joined is in the store". Here `eachBatch` takes
 * whole fetches, the ingestor batches across them, and offsets are committed only from
 * `ack` (after the insert): a crash before it redelivers, the store drops the duplicates.
 */
export class KafkaLogTopics implements LogTopicPublisher, LogTopicConsumer {
  readonly name = 'kafka';
  private readonly logger = new Logger('LogTopics');
  private readonly kafka: Kafka;
  private readonly topics: { build: string; access: string };
  private producer?: Promise<Producer>;
  private consumer?: Consumer;
  private topicsReady?: Promise<void>;
  /** Next offset to commit per `topic:partition` (the last acked offset + 1). */
  private readonly committable = new Map<string, { topic: string; partition: number; offset: bigint }>();
  private committing?: Promise<void>;
  private running = false;

  constructor(private readonly options: KafkaLogTopicsOptions) {
    this.topics = options.topics ?? { build: BuildLogBatchV1.topic, access: AccessLogBatchV1.topic };
    this.kafka = new Kafka({
      clientId: options.clientId,
      brokers: options.brokers,
      logLevel: logLevel.WARN,
      // kafkajs reports what it retries by itself at ERROR; those are warnings here.
      logCreator: () => ({ namespace, level, log }) => {
        const { message, timestamp: _t, logger: _l, ...extra } = log as { message: string; [key: string]: unknown };
        if (level <= logLevel.WARN) this.logger.warn({ namespace, ...extra }, message);
      },
    });
  }

  async publishBuild(batches: readonly BuildLogBatchV1[]): Promise<void> {
    const messages = batches.flatMap((b) =>
      this.sized(b.lines, (lines) => this.message(BuildLogBatchV1.type, b.deploymentId, { deploymentId: b.deploymentId, lines })),
    );
    await this.send(this.topics.build, messages);
  }

  async publishAccess(batches: readonly AccessLogBatchV1[]): Promise<void> {
    const messages = batches.flatMap((b) => this.sized(b.records, (records) => this.message(AccessLogBatchV1.type, newId('alb'), { records })));
    await this.send(this.topics.access, messages);
  }

  async start(handler: (delivery: LogDelivery) => Promise<void>): Promise<void> {
    await this.ensureTopics();
    const consumer = this.kafka.consumer({
      groupId: this.options.groupId,
      sessionTimeout: this.options.sessionTimeoutMs ?? 30_000,
      maxBytesPerPartition: 4 * 1024 * 1024,
      maxBytes: 32 * 1024 * 1024,
    });
    this.consumer = consumer;
    await consumer.connect();
    await consumer.subscribe({ topics: [this.topics.build, this.topics.access], fromBeginning: true });
    this.running = true;
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: 4,
      eachBatch: (payload) => this.onBatch(payload, handler),
    });
  }

  async pause(): Promise<void> {
    this.consumer?.pause([{ topic: this.topics.build }, { topic: this.topics.access }]);
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.consumer?.disconnect().catch(() => undefined);
    await this.committing;
    const producer = await this.producer?.catch(() => undefined);
    await producer?.disconnect().catch(() => undefined);
  }

  async isReady(): Promise<boolean> {
    if (this.consumer) return this.running;
    const admin = this.kafka.admin();
    try {
      await admin.connect();
      await admin.describeCluster();
      return true;
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  }

  private async onBatch({ batch, resolveOffset, heartbeat }: EachBatchPayload, handler: (delivery: LogDelivery) => Promise<void>): Promise<void> {
    const build: BuildLogLine[] = [];
    const access: AccessLogRecordV1[] = [];
    const poison: { message: KafkaMessage; reason: string }[] = [];
    for (const message of batch.messages) {
      try {
        const envelope = decode(message);
        if (batch.topic === this.topics.build) {
          if (envelope.type !== BuildLogBatchV1.type) throw new ContractViolation(`unexpected type ${JSON.stringify(envelope.type)} on ${batch.topic}`);
          const b = parseBuildLogBatch(envelope.payload);
          for (const l of b.lines) build.push({ deploymentId: b.deploymentId, seq: l.seq, ts: l.ts, stream: l.stream, message: l.message });
        } else {
          if (envelope.type !== AccessLogBatchV1.type) throw new ContractViolation(`unexpected type ${JSON.stringify(envelope.type)} on ${batch.topic}`);
          for (const r of parseAccessLogBatch(envelope.payload).records) access.push(r);
        }
      } catch (err) {
        poison.push({ message, reason: err instanceof Error ? `${err.name}: ${err.message}` : String(err) });
      }
    }
    // A malformed message is parked on the dead-letter topic at once (retrying cannot fix it);
    // the rest of the batch goes on.
    if (poison.length > 0) await this.deadLetter(batch.topic, poison);
    const last = batch.lastOffset();
    const { topic, partition } = batch;
    await handler({ build, access, ack: () => this.markCommittable(topic, partition, last) });
    resolveOffset(last);
    await heartbeat();
  }

  private markCommittable(topic: string, partition: number, lastOffset: string): void {
    const key = `${topic}:${partition}`;
    const offset = BigInt(lastOffset) + 1n;
    const current = this.committable.get(key);
    if (!current || current.offset < offset) this.committable.set(key, { topic, partition, offset });
    this.committing ??= this.commitLoop().finally(() => (this.committing = undefined));
  }

  /** One commit in flight at a time, carrying the highest acked offset of every partition. */
  private async commitLoop(): Promise<void> {
    while (this.committable.size > 0 && this.consumer) {
      const offsets = [...this.committable.values()].map((o) => ({ topic: o.topic, partition: o.partition, offset: o.offset.toString() }));
      this.committable.clear();
      try {
        await this.consumer.commitOffsets(offsets);
      } catch (err) {
        // Usually a rebalance: the partition moved, its new owner re-reads from the last
        // commit and the store drops the rows it already has.
        this.logger.warn({ err: String(err), offsets }, 'log offsets not committed; records will be redelivered');
      }
    }
  }

  private async deadLetter(topic: string, poison: { message: KafkaMessage; reason: string }[]): Promise<void> {
    this.logger.error({ topic, count: poison.length, reason: poison[0].reason }, 'malformed log messages dead-lettered');
    await this.send(
      deadLetterTopic(topic),
      poison.map(({ message, reason }) => ({
        key: message.key,
        value: message.value,
        headers: { ...message.headers, [HEADER_REASON]: reason.slice(0, 1000) },
      })),
    );
  }

  private message(type: string, key: string, payload: object): Message {
    const envelope: EventEnvelope = {
      id: newId('evt'),
      type,
      key,
      occurredAt: new Date().toISOString(),
      correlationId: key,
      payload,
    };
    return { key, value: JSON.stringify(envelope), headers: { [HEADER_TYPE]: type, 'content-type': 'application/json' } };
  }

  /** Messages for `items`, halving the batch until each message fits MAX_MESSAGE_BYTES. */
  private sized<T>(items: readonly T[], encode: (items: T[]) => Message): Message[] {
    const message = encode([...items]);
    if (items.length <= 1 || Buffer.byteLength(message.value as string) <= MAX_MESSAGE_BYTES) return [message];
    const half = Math.ceil(items.length / 2);
    return [...this.sized(items.slice(0, half), encode), ...this.sized(items.slice(half), encode)];
  }

  /** One produce request per MAX_MESSAGE_BYTES of messages, in order (a broker refuses larger record batches). */
  private async send(topic: string, messages: Message[]): Promise<void> {
    if (messages.length === 0) return;
    const producer = await this.connectProducer();
    let chunk: Message[] = [];
    let bytes = 0;
    for (const m of messages) {
      const size = m.value ? Buffer.byteLength(m.value) : 0;
      if (chunk.length > 0 && bytes + size > MAX_MESSAGE_BYTES) {
        await producer.send({ topic, messages: chunk, acks: -1 });
        chunk = [];
        bytes = 0;
      }
      chunk.push(m);
      bytes += size;
    }
    await producer.send({ topic, messages: chunk, acks: -1 });
  }

  private connectProducer(): Promise<Producer> {
    this.producer ??= (async () => {
      await this.ensureTopics();
      const producer = this.kafka.producer({ allowAutoTopicCreation: false, createPartitioner: Partitioners.DefaultPartitioner });
      await producer.connect();
      return producer;
    })().catch((err) => {
      this.producer = undefined;
      throw err;
    });
    return this.producer;
  }

  /** Creates the log topics and their dead-letter topics when missing (existing ones are left alone). */
  private ensureTopics(): Promise<void> {
    this.topicsReady ??= (async () => {
      const admin = this.kafka.admin();
      await admin.connect();
      try {
        const existing = new Set(await admin.listTopics());
        const wanted = [this.topics.build, this.topics.access].flatMap((t) => [t, deadLetterTopic(t)]).filter((t) => !existing.has(t));
        if (wanted.length > 0) {
          await admin.createTopics({
            waitForLeaders: true,
            topics: wanted.map((topic) => ({ topic, numPartitions: this.options.partitions, replicationFactor: this.options.replicationFactor })),
          });
        }
      } finally {
        await admin.disconnect().catch(() => undefined);
      }
    })().catch((err) => {
      this.topicsReady = undefined;
      throw err;
    });
    return this.topicsReady;
  }
}

function decode(message: KafkaMessage): EventEnvelope {
  if (!message.value || message.value.length === 0) throw new ContractViolation('empty message value');
  let value: unknown;
  try {
    value = JSON.parse(message.value.toString('utf8'));
  } catch (err) {
    throw new ContractViolation(`value is not JSON (${(err as Error).message})`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ContractViolation('value is not a JSON object');
  return value as EventEnvelope;
}
