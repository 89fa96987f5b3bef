import { Logger } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { KafkaTransport, type KafkaTransportOptions } from '@deploysphere/messaging';

/**
 * The real broker the messaging tests run against: KAFKA_BROKERS, or the address
 * scripts/services/kafka.sh starts. Unreachable FAILS the suite (CI must start it); tests never
 * skip it. Names are unique per run and removed at the end, so runs sharing a broker do not meet.
 */
export const TEST_KAFKA_BROKERS = (process.env.KAFKA_BROKERS || '127.0.0.1:9092').split(',').map((b) => b.trim());

// Transports and ConsumerHost log every dead letter and retry these tests cause on purpose.
if (!process.env.TEST_LOGS) Logger.overrideLogger(false);

export class KafkaTestBroker {
  readonly runId = `${process.pid}-${randomBytes(3).toString('hex')}`;
  private readonly admin = new Kafka({ clientId: 'ds-test-admin', brokers: TEST_KAFKA_BROKERS, logLevel: logLevel.NOTHING, retry: { retries: 2 } }).admin();

  /** Fails with the command that fixes it when no broker answers. */
  async connect(): Promise<void> {
    for (const broker of TEST_KAFKA_BROKERS) {
      const host = broker.slice(0, broker.lastIndexOf(':'));
      if (!['127.0.0.1', 'localhost', '[::1]'].includes(host)) throw new Error(`KAFKA_BROKERS must be loopback addresses in tests, got ${broker}`);
    }
    try {
      await this.admin.connect();
      await this.admin.describeCluster();
    } catch (err) {
      await this.admin.disconnect().catch(() => undefined);
      throw new Error(
        `test Kafka unreachable at ${TEST_KAFKA_BROKERS.join(',')} (${(err as Error).message}). ` +
          'Start it with `scripts/services/kafka.sh start` or set KAFKA_BROKERS.',
      );
    }
  }

  topic(name: string): string {
    return `test.${this.runId}.${name}.v1`;
  }

  groupPrefix(): string {
    return `test.${this.runId}.`;
  }

  options(overrides: Partial<KafkaTransportOptions> = {}): KafkaTransportOptions {
    return {
      brokers: TEST_KAFKA_BROKERS,
      clientId: 'ds-test',
      groupPrefix: this.groupPrefix(),
      partitions: 6,
      replicationFactor: 1,
      sessionTimeoutMs: 10_000,
      publishTimeoutMs: 5_000,
      topics: [],
      ...overrides,
    };
  }

  async transport(overrides: Partial<KafkaTransportOptions> = {}): Promise<KafkaTransport> {
    const transport = new KafkaTransport(this.options(overrides));
    await transport.start();
    return transport;
  }

  /** Sends bytes as they are, past the transport's encoding (a foreign or broken producer). */
  async produceRaw(topic: string, messages: Array<{ key: string; value: Buffer | string }>): Promise<void> {
    const producer = new Kafka({ clientId: 'ds-test-raw', brokers: TEST_KAFKA_BROKERS, logLevel: logLevel.NOTHING }).producer();
    await producer.connect();
    try {
      await producer.send({ topic, messages });
    } finally {
      await producer.disconnect();
    }
  }

  /** The first record on `topic`, read by a plain kafkajs consumer (what any other client sees). */
  async consumeOne(topic: string): Promise<{ key: string; value: string; headers: Record<string, string> }> {
    const consumer = new Kafka({ clientId: 'ds-test-reader', brokers: TEST_KAFKA_BROKERS, logLevel: logLevel.NOTHING }).consumer({
      groupId: `${this.groupPrefix()}reader-${randomBytes(3).toString('hex')}`,
    });
    await consumer.connect();
    try {
      await consumer.subscribe({ topics: [topic], fromBeginning: true });
      return await new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no record on ${topic} within 20 s`)), 20_000);
        void consumer.run({
          eachMessage: async ({ message }) => {
            clearTimeout(timer);
            const headers = Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)]));
            resolve({ key: message.key?.toString() ?? '', value: message.value?.toString() ?? '', headers });
          },
        });
      });
    } finally {
      await consumer.disconnect();
    }
  }

  /** Partition count of each topic that exists (absent: missing). */
  async partitions(topics: string[]): Promise<Record<string, number>> {
    const existing = new Set(await this.admin.listTopics());
    const present = topics.filter((t) => existing.has(t));
    if (present.length === 0) return {};
    const { topics: meta } = await this.admin.fetchTopicMetadata({ topics: present });
    return Object.fromEntries(meta.map((t) => [t.name, t.partitions.length]));
  }

  async groups(): Promise<string[]> {
    return (await this.admin.listGroups()).groups.map((g) => g.groupId);
  }

  /** Deletes this run's topics and consumer groups (call after every transport is closed). */
  async cleanup(): Promise<void> {
    try {
      const prefix = `test.${this.runId}.`;
      const topics = (await this.admin.listTopics()).filter((t) => t.startsWith(prefix));
      if (topics.length > 0) await this.admin.deleteTopics({ topics });
      const groups = (await this.groups()).filter((g) => g.startsWith(prefix));
      if (groups.length > 0) await this.admin.deleteGroups(groups).catch(() => undefined);
    } finally {
      await this.admin.disconnect();
    }
  }
}

