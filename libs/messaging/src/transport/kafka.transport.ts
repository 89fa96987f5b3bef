import { Logger } from '@nestjs/common';
import { deadLetterTopic, Topics, type EventEnvelope } from '@deploysphere/contracts';
import { Kafka, logLevel, Partitioners, type Admin, type Consumer, type ConsumerConfig, type EachBatchPayload, type Message, type Producer } from 'kafkajs';
import { AckedOffsets } from './kafka-acked-offsets';
import { nestKafkaLogCreator } from './kafka-logger';
import { CrashedMemberEviction } from './kafka-member-eviction';
import { decodeMessage, encodeMessage } from './kafka-wire';
import type {
  ConsumerLag,
  BatchConsumer,
  BatchHandler,
  BatchSubscription,
  IncomingMessage,
  MessageHandler,
  MessageTransport,
  OutgoingMessage,
  StartFrom,
  Subscription,
} from './message-transport.port';

export interface KafkaTransportOptions {
  brokers: string[];
  clientId: string;
  /** Prepended to each subscription's group: `deploysphere.` + `orchestrator`. */
  groupPrefix: string;
  /** For topics this transport creates; existing topics keep their settings. */
  partitions: number;
  replicationFactor: number;
  sessionTimeoutMs: number;
  /** Bound on one `publish` (topic creation, connection, retries, acks). */
  publishTimeoutMs: number;
  /** Created with their dead-letter topics by `start()`; default: every topic in the contracts. */
  topics?: string[];
}

/** Bytes of message values per produce request (see send()). */
export const MAX_REQUEST_BYTES = 900 * 1024;

/** Longest a handled record stays uncommitted inside a long batch. */
const COMMIT_INTERVAL_MS = 1_000;

/** How often readiness is re-checked against the broker when nothing was published meanwhile. */
const PROBE_INTERVAL_MS = 5_000;

interface RunningConsumer {
  group: string;
  topics: string[];
  consumer: Consumer;
  /** Crashed with an error kafkajs will not restart from: readiness turns false. */
  dead: boolean;
  /** Its own close() (batch subscriptions) has begun. */
  stopping: boolean;
  beforeStop?: () => Promise<void>;
  stopped?: Promise<void>;
}

/** A record dead-lettered by the transport itself: bytes no handler could be given. */
export interface MalformedDeadLetter {
  deadLetter: { group: string; topic: string; reason: string; at: string; partition: number; offset: string };
  raw: string;
  rawEncoding: 'utf8' | 'base64';
}

/**
 * The distributed adapter of MessageTransport, on kafkajs (docs/messaging.md says why not
 * Nest's ClientKafka/ServerKafka pair):
 *  - one idempotent producer (acks all, one request in flight, so a key's messages keep their
 *    order through retries); `publish` is bounded by `publishTimeoutMs`, so the outbox relay
 *    backs off while the broker is down instead of waiting on kafkajs' unbounded retries;
 *  - topics and their `.dlq` twins created through the admin client, at start for the contract
 *    topics and on first use for any other;
 *  - one kafkajs consumer per subscription, group = prefix + subscription group; an offset is
 *    resolved only after its handler resolved and committed by hand (end of each batch, at most
 *    a second apart, and before stopping); heartbeats continue while a handler runs; a new group
 *    starts at the topics' beginning, or (`startFrom: 'latest'`) at their end, committed first;
 *  - a value that is not a JSON object never reaches the handler: it is dead-lettered here with
 *    its bytes and the reason, and the partition moves on.
 */
export class KafkaTransport implements MessageTransport {
  readonly name = 'kafka';
  private readonly logger = new Logger(KafkaTransport.name);
  private readonly kafka: Kafka;
  private readonly admin: Admin;
  private producer: Producer;
  private producerConnect?: Promise<void>;
  private producerConnected = false;
  private brokerReachable = false;
  private lastContact = 0;
  private readonly topics = new Map<string, Promise<void>>();
  private readonly consumers: RunningConsumer[] = [];
  private readonly inFlight = new Set<Promise<unknown>>();
  private readonly evictions: CrashedMemberEviction;
  private readonly heartbeatIntervalMs: number;
  private probeTimer?: NodeJS.Timeout;
  private probing = false;
  /** Consumers are stopping: no new subscriptions, publishing still allowed (dead letters). */
  private stopping = false;
  private closed = false;
  private closing?: Promise<void>;

  constructor(private readonly options: KafkaTransportOptions) {
    if (options.brokers.length === 0) throw new Error('KafkaTransport needs at least one broker');
    this.heartbeatIntervalMs = Math.max(500, Math.floor(options.sessionTimeoutMs / 10));
    this.kafka = new Kafka({
      clientId: options.clientId,
      brokers: options.brokers,
      connectionTimeout: 3_000,
      retry: { initialRetryTime: 250, maxRetryTime: 5_000, retries: 5 },
      logLevel: logLevel.INFO,
      logCreator: nestKafkaLogCreator,
    });
    this.admin = this.kafka.admin({ retry: { initialRetryTime: 100, maxRetryTime: 1_000, retries: 2 } });
    this.producer = this.createProducer();
    this.evictions = new CrashedMemberEviction(this.kafka);
  }

  /**
   * Creates the contract topics and connects the producer. A broker that does not answer does
   * not stop the app: readiness stays false and publishing keeps trying (the outbox holds the
   * events meanwhile).
   */
  async start(): Promise<void> {
    const topics = this.options.topics ?? Object.values(Topics);
    try {
      await withTimeout(
        Promise.all([this.ensureTopics(topics), this.connectProducer()]),
        this.options.publishTimeoutMs,
        'Kafka start-up',
      );
      this.markContact(true);
    } catch (err) {
      this.markContact(false);
      this.logger.warn({ brokers: this.options.brokers, err: errorText(err) }, 'Kafka is not reachable at start-up; publishing will retry');
    }
    this.probeTimer = setInterval(() => this.track(this.probe()), PROBE_INTERVAL_MS);
    this.probeTimer.unref();
  }

  async publish(messages: OutgoingMessage[]): Promise<void> {
    if (this.closed) throw new Error('transport is closed');
    if (messages.length === 0) return;
    const sending = this.send(messages);
    this.track(sending);
    try {
      await withTimeout(sending, this.options.publishTimeoutMs, `Kafka publish of ${messages.length} message(s)`);
      this.markContact(true);
    } catch (err) {
      if (isBrokerTrouble(err)) {
        this.markContact(false);
        // A send that failed or timed out leaves the idempotent producer's sequence numbers in
        // an unknown state; a fresh producer (new producer id) cannot get stuck on them. The
        // caller retries the whole batch: at least once, and consumers are idempotent.
        this.resetProducer();
      }
      throw err;
    }
  }

  async subscribe({ group, topics, handler, startFrom = 'earliest' }: Subscription): Promise<void> {
    await this.startConsumer(group, topics, startFrom, {
      consumerConfig: {},
      eachBatch: (payload) => this.eachBatch(group, handler, payload),
    });
  }

  async subscribeBatch({ group, topics, handler, startFrom = 'earliest' }: BatchSubscription): Promise<BatchConsumer> {
    let consumer: Consumer | undefined;
    const acks = new AckedOffsets(
      (offsets) => consumer!.commitOffsets(offsets),
      (err, offsets) => this.logger.warn({ group, offsets, err: errorText(err) }, 'acked offsets not committed; those records will be redelivered'),
    );
    const entry = await this.startConsumer(group, topics, startFrom, {
      // Bulk consumers want large fetches (kafkajs' defaults: 1 MiB per partition, 10 MiB per fetch).
      consumerConfig: { maxBytesPerPartition: 4 * 1024 * 1024, maxBytes: 32 * 1024 * 1024 },
      eachBatch: (payload) => this.eachAckedBatch(group, handler, acks, payload),
      onJoin: () => acks.reset(),
      beforeStop: () => acks.flush(),
    });
    consumer = entry.consumer;
    return {
      pause: async () => entry.consumer.pause(topics.map((topic) => ({ topic }))),
      close: () => this.stopConsumer(entry),
    };
  }

  /**
   * One kafkajs consumer for the group (prefixed), joined and positioned (`startFrom`) before this
   * resolves. `onJoin` runs at every join (a rebalance included); `beforeStop` before it leaves.
   */
  private async startConsumer(
    group: string,
    topics: string[],
    startFrom: StartFrom,
    run: { consumerConfig: Partial<ConsumerConfig>; eachBatch: (payload: EachBatchPayload) => Promise<void>; onJoin?: () => void; beforeStop?: () => Promise<void> },
  ): Promise<RunningConsumer> {
    if (this.stopping) throw new Error('transport is closed');
    await this.ensureTopics(topics);
    const groupId = this.options.groupPrefix + group;
    if (startFrom === 'latest') await this.commitEndOffsets(groupId, topics);
    const consumer = this.kafka.consumer({
      groupId,
      sessionTimeout: this.options.sessionTimeoutMs,
      heartbeatInterval: this.heartbeatIntervalMs,
      allowAutoTopicCreation: false,
      // Long-poll bound when idle: also how long close() waits for the fetch in flight.
      maxWaitTimeInMs: 1_000,
      retry: { retries: 5, restartOnFailure: async () => !this.stopping },
      ...run.consumerConfig,
    });
    const entry: RunningConsumer = { group, topics, consumer, dead: false, stopping: false, beforeStop: run.beforeStop };
    this.consumers.push(entry);
    // This consumer's current membership, for the eviction below.
    let memberId: string | undefined;
    const joined = new Promise<void>((resolve, reject) => {
      consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
        memberId = payload.memberId;
        run.onJoin?.();
        this.logger.debug({ groupId, memberId: payload.memberId, assignment: payload.memberAssignment }, 'consumer joined its group');
        resolve();
      });
      consumer.on(consumer.events.CRASH, ({ payload }) => {
        if (payload.restart) {
          this.logger.warn({ groupId, err: errorText(payload.error) }, 'consumer crashed; kafkajs restarts it');
          // It restarts as a new member; the old one would hold the group's rebalance until its
          // session expires (kafka-member-eviction.ts).
          if (memberId) this.evictions.evict(groupId, memberId);
          memberId = undefined;
          return;
        }
        entry.dead = !this.stopping && !entry.stopping;
        if (entry.dead) this.logger.error({ groupId, err: errorText(payload.error) }, 'consumer stopped for good; readiness is now down');
        reject(payload.error);
      });
    });
    joined.catch(() => undefined);
    try {
      await consumer.connect();
      // Partitions without a commit: a new `earliest` group reads from the start of the topic
      // (nothing published before the first deployment of a consumer is skipped). A `latest`
      // group has its commits from commitEndOffsets() by now; `fromBeginning: false` is the
      // fallback if they could not be written. Existing groups resume from their commits.
      await consumer.subscribe({ topics, fromBeginning: startFrom === 'earliest' });
      await consumer.run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: this.options.partitions,
        eachBatch: run.eachBatch,
      });
      // kafkajs' run() returns once the first join was attempted; a crash there is reported
      // as an event, not thrown. Wait for the outcome (bounded: a slow rebalance keeps going
      // in the background rather than failing start-up).
      await withTimeout(joined, 60_000, `joining consumer group ${groupId}`).catch((err) => {
        if (entry.dead) throw err;
        this.logger.warn({ groupId, err: errorText(err) }, 'consumer has not joined yet; it keeps trying');
      });
    } catch (err) {
      this.consumers.splice(this.consumers.indexOf(entry), 1);
      await consumer.disconnect().catch(() => undefined);
      throw err;
    }
    return entry;
  }

  /** Commits what it may (batch subscriptions: what was acked), then leaves the group. */
  private stopConsumer(entry: RunningConsumer): Promise<void> {
    entry.stopped ??= (async () => {
      entry.stopping = true;
      await entry.beforeStop?.().catch(() => undefined);
      await entry.consumer.disconnect().catch(() => undefined);
      const i = this.consumers.indexOf(entry);
      if (i >= 0) this.consumers.splice(i, 1);
    })();
    return entry.stopped;
  }

  /**
   * `startFrom: 'latest'`: commits the current end offset of every partition the group has no
   * commit for, before its consumer joins. The group's position is then fixed when subscribe()
   * resolves, and kept: kafkajs' own `fromBeginning: false` instead looks the end up at the first
   * fetch after joining (a message published in between would be skipped) and commits nothing,
   * so a rebalance before the first handled message looks it up again and skips what arrived
   * meanwhile. The commit is made by a short-lived member of the group (kafkajs' admin
   * `setOffsets` does the same, but waits out a whole 5 s fetch). Meant for groups with one
   * member (per-instance groups): a member joining a running group triggers a rebalance.
   */
  private async commitEndOffsets(groupId: string, topics: string[]): Promise<void> {
    const deadline = Date.now() + this.options.publishTimeoutMs;
    for (let delay = 100; ; delay = Math.min(delay * 2, 1_000)) {
      try {
        return await this.tryCommitEndOffsets(groupId, topics);
      } catch (err) {
        // A topic created a moment ago answers NOT_LEADER_FOR_PARTITION for a while (Kafka 4),
        // which kafkajs' admin does not retry; a rebalance answers REBALANCE_IN_PROGRESS.
        if (!(err as { retriable?: boolean }).retriable || Date.now() + delay > deadline) throw err;
        await sleep(delay);
      }
    }
  }

  private async tryCommitEndOffsets(groupId: string, topics: string[]): Promise<void> {
    await this.admin.connect();
    const offsets: Array<{ topic: string; partition: number; offset: string }> = [];
    for (const { topic, partitions } of await this.admin.fetchOffsets({ groupId, topics })) {
      const missing = partitions.filter((p) => Number(p.offset) < 0).map((p) => p.partition);
      if (missing.length === 0) continue;
      const ends = new Map((await this.admin.fetchTopicOffsets(topic)).map((p) => [p.partition, p.high]));
      for (const partition of missing) if (ends.has(partition)) offsets.push({ topic, partition, offset: ends.get(partition)! });
    }
    if (offsets.length === 0) return;
    const member = this.kafka.consumer({
      groupId,
      sessionTimeout: this.options.sessionTimeoutMs,
      heartbeatInterval: this.heartbeatIntervalMs,
      allowAutoTopicCreation: false,
      maxWaitTimeInMs: 100,
      retry: { retries: 2, restartOnFailure: async () => false },
    });
    const joined = new Promise<void>((resolve, reject) => {
      member.on(member.events.GROUP_JOIN, () => resolve());
      member.on(member.events.CRASH, ({ payload }) => reject(payload.error));
    });
    joined.catch(() => undefined);
    try {
      await member.connect();
      await member.subscribe({ topics: [...new Set(offsets.map((o) => o.topic))], fromBeginning: false });
      // It handles nothing and commits only what is given below (no auto-commit).
      await member.run({ autoCommit: false, eachBatchAutoResolve: false, eachBatch: async () => undefined });
      await withTimeout(joined, this.options.publishTimeoutMs, `joining consumer group ${groupId} to set its position`);
      await member.commitOffsets(offsets);
      this.logger.debug({ groupId, offsets }, 'new group positioned at the end of its topics');
    } finally {
      await member.disconnect().catch(() => undefined);
    }
  }

  isReady(): boolean {
    return !this.closed && this.producerConnected && this.brokerReachable && this.consumers.every((c) => !c.dead);
  }

  /** Per group and topic of this process's consumers: the high watermarks minus the committed offsets (a partition never committed counts from its low watermark). */
  async consumerLag(): Promise<ConsumerLag[]> {
    if (this.stopping) return [];
    await this.admin.connect();
    const groups = new Map<string, Set<string>>();
    for (const c of this.consumers) for (const t of c.topics) groups.set(c.group, (groups.get(c.group) ?? new Set()).add(t));
    const watermarks = new Map<string, Map<number, { low: number; high: number }>>();
    const ends = async (topic: string) => {
      let known = watermarks.get(topic);
      if (!known) {
        known = new Map((await this.admin.fetchTopicOffsets(topic)).map((p) => [p.partition, { low: Number(p.low), high: Number(p.high) }]));
        watermarks.set(topic, known);
      }
      return known;
    };
    const lags: ConsumerLag[] = [];
    for (const [group, topics] of groups) {
      for (const { topic, partitions } of await this.admin.fetchOffsets({ groupId: this.options.groupPrefix + group, topics: [...topics] })) {
        const marks = await ends(topic);
        let lag = 0;
        for (const p of partitions) {
          const mark = marks.get(p.partition);
          if (!mark) continue;
          const at = Number(p.offset);
          lag += Math.max(0, mark.high - (at < 0 ? mark.low : at));
        }
        lags.push({ group, topic, lag });
      }
    }
    return lags;
  }

  /**
   * Stops every consumer after the message each is handling (whose offset is then committed),
   * waits for publishes in flight (dead letters, a relay pass), then disconnects.
   */
  close(): Promise<void> {
    this.closing ??= (async () => {
      this.stopping = true;
      clearInterval(this.probeTimer);
      await Promise.allSettled([...this.consumers.map((c) => this.stopConsumer(c)), this.evictions.close()]);
      this.closed = true;
      await Promise.allSettled([...this.inFlight]);
      await Promise.allSettled([this.producer.disconnect(), this.admin.disconnect()]);
      this.producerConnected = false;
    })();
    return this.closing;
  }

  private async eachBatch(group: string, handler: MessageHandler, payload: EachBatchPayload): Promise<void> {
    const { batch, resolveOffset, heartbeat, commitOffsetsIfNecessary, uncommittedOffsets, isRunning, isStale } = payload;
    let lastCommit = Date.now();
    // Commits what was handled (offsets are resolved only after their handler resolved). Failing
    // is typically a rebalance: the partition may belong to another member now, which resumes
    // from the last commit (the handled records since are redelivered; consumers are idempotent).
    const commit = async (): Promise<boolean> => {
      try {
        await commitOffsetsIfNecessary(uncommittedOffsets());
        lastCommit = Date.now();
        return true;
      } catch (err) {
        this.logger.warn({ group, topic: batch.topic, partition: batch.partition, err: errorText(err) }, 'offset commit failed');
        return false;
      }
    };
    for (const record of batch.messages) {
      if (!isRunning() || isStale()) break;
      const decoded = decodeMessage(batch.topic, record);
      const done = decoded.ok
        ? await this.handle(handler, decoded.message, heartbeat)
        : await this.deadLetterMalformed(group, batch.topic, batch.partition, record.offset, record.key?.toString('utf8') ?? '', decoded);
      if (!done) {
        // Left unresolved, the record is fetched again; the pause keeps a failing dependency
        // (a broker we cannot dead-letter to) from turning into a busy loop.
        await commit();
        await sleepWithHeartbeat(1_000, heartbeat, this.heartbeatIntervalMs);
        return;
      }
      resolveOffset(record.offset);
      // Once per batch (below), and within a long batch at least every second: a crash then
      // redelivers at most that much, and a busy consumer does not pay a round trip per message.
      if (Date.now() - lastCommit >= COMMIT_INTERVAL_MS && !(await commit())) return;
    }
    await commit();
  }

  /**
   * A batch subscription's fetch: records that are not a JSON object are dead-lettered, the rest
   * go to the handler as one batch, and the fetch position moves on once the handler accepted
   * them. Offsets are committed only from acks (AckedOffsets). A handler that throws gets the
   * same records again after a pause.
   */
  private async eachAckedBatch(group: string, handler: BatchHandler, acks: AckedOffsets, payload: EachBatchPayload): Promise<void> {
    const { batch, resolveOffset, heartbeat, isRunning, isStale } = payload;
    if (batch.isEmpty() || !isRunning() || isStale()) return;
    const messages: IncomingMessage[] = [];
    for (const record of batch.messages) {
      const decoded = decodeMessage(batch.topic, record);
      if (decoded.ok) messages.push(decoded.message);
      else if (!(await this.deadLetterMalformed(group, batch.topic, batch.partition, record.offset, record.key?.toString('utf8') ?? '', decoded))) {
        await sleepWithHeartbeat(1_000, heartbeat, this.heartbeatIntervalMs);
        return;
      }
    }
    const lastOffset = batch.lastOffset();
    const { ack, forget } = acks.delivered(batch.topic, batch.partition, lastOffset);
    if (messages.length === 0) ack();
    else {
      const timer = setInterval(() => heartbeat().catch(() => undefined), this.heartbeatIntervalMs);
      try {
        await handler({ topic: batch.topic, messages, ack });
      } catch (err) {
        forget();
        this.logger.warn({ group, topic: batch.topic, partition: batch.partition, err: errorText(err) }, 'batch handler threw; the batch will be redelivered');
        if (isRunning()) await sleepWithHeartbeat(1_000, heartbeat, this.heartbeatIntervalMs);
        return;
      } finally {
        clearInterval(timer);
      }
    }
    resolveOffset(lastOffset);
  }

  /** Runs the handler with heartbeats going; false when it threw (ConsumerHost never should). */
  private async handle(handler: MessageHandler, message: IncomingMessage, heartbeat: () => Promise<void>): Promise<boolean> {
    const timer = setInterval(() => heartbeat().catch(() => undefined), this.heartbeatIntervalMs);
    try {
      await handler(message);
      return true;
    } catch (err) {
      this.logger.error({ topic: message.topic, key: message.key, id: message.envelope?.id, err: errorText(err) }, 'handler threw; the message will be redelivered');
      return false;
    } finally {
      clearInterval(timer);
    }
  }

  private async deadLetterMalformed(
    group: string,
    topic: string,
    partition: number,
    offset: string,
    key: string,
    decoded: { reason: string; raw: string; rawEncoding: 'utf8' | 'base64' },
  ): Promise<boolean> {
    const record: MalformedDeadLetter = {
      deadLetter: { group, topic, reason: decoded.reason, at: new Date().toISOString(), partition, offset },
      raw: decoded.raw,
      rawEncoding: decoded.rawEncoding,
    };
    this.logger.error({ group, topic, partition, offset, reason: decoded.reason }, 'malformed message dead-lettered');
    try {
      await this.publish([{ topic: deadLetterTopic(topic), key, value: record as unknown as EventEnvelope }]);
      return true;
    } catch (err) {
      this.logger.warn({ group, topic, partition, offset, err: errorText(err) }, 'could not dead-letter a malformed message; will retry');
      return false;
    }
  }

  /**
   * One `sendBatch` per MAX_REQUEST_BYTES of values, in order: one request's messages for a
   * partition form one record batch, which brokers refuse over `message.max.bytes` (1 MiB by
   * default). A single message over the limit is the publisher's to split (it is refused).
   */
  private async send(messages: OutgoingMessage[]): Promise<void> {
    const requests: Array<Map<string, Message[]>> = [];
    let request = new Map<string, Message[]>();
    let bytes = 0;
    for (const m of messages) {
      const encoded = encodeMessage(m);
      const size = Buffer.byteLength(encoded.value as string);
      if (bytes > 0 && bytes + size > MAX_REQUEST_BYTES) {
        requests.push(request);
        request = new Map();
        bytes = 0;
      }
      const list = request.get(m.topic) ?? [];
      list.push(encoded);
      request.set(m.topic, list);
      bytes += size;
    }
    requests.push(request);
    await this.ensureTopics([...new Set(messages.map((m) => m.topic))]);
    await this.connectProducer();
    for (const r of requests) {
      await this.producer.sendBatch({
        topicMessages: [...r].map(([topic, list]) => ({ topic, messages: list })),
        acks: -1,
        timeout: this.options.publishTimeoutMs,
      });
    }
  }

  private createProducer(): Producer {
    const producer = this.kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      createPartitioner: Partitioners.DefaultPartitioner,
      // kafkajs retries an idempotent producer forever by default; bounded here (publish has
      // its own deadline on top).
      retry: { retries: 3, initialRetryTime: 100, maxRetryTime: 1_000 },
    });
    producer.on(producer.events.DISCONNECT, () => {
      if (producer === this.producer) this.producerConnected = false;
    });
    return producer;
  }

  private connectProducer(): Promise<void> {
    if (this.producerConnected) return Promise.resolve();
    const producer = this.producer;
    this.producerConnect ??= producer
      .connect()
      .then(() => {
        if (producer === this.producer) this.producerConnected = true;
      })
      .finally(() => {
        if (producer === this.producer) this.producerConnect = undefined;
      });
    return this.producerConnect;
  }

  private resetProducer(): void {
    const old = this.producer;
    const connecting = this.producerConnect ?? Promise.resolve();
    this.producer = this.createProducer();
    this.producerConnected = false;
    this.producerConnect = undefined;
    // After its pending connect settles, or a late connect would leave its sockets open.
    this.track(connecting.catch(() => undefined).then(() => old.disconnect()));
  }

  /** Creates each topic (and its dead-letter topic) once per process; concurrent callers share the work. */
  private async ensureTopics(topics: string[]): Promise<void> {
    const wanted = [...new Set(topics.flatMap((t) => (t.endsWith('.dlq') ? [t] : [t, deadLetterTopic(t)])))];
    const missing = wanted.filter((t) => !this.topics.has(t));
    if (missing.length > 0) {
      const creating = this.createTopics(missing);
      for (const t of missing) {
        this.topics.set(t, creating);
        // Forget a failed attempt so the next caller tries again.
        creating.catch(() => this.topics.get(t) === creating && this.topics.delete(t));
      }
    }
    await Promise.all(wanted.map((t) => this.topics.get(t)));
  }

  private async createTopics(topics: string[]): Promise<void> {
    await this.admin.connect();
    const existing = new Set(await this.admin.listTopics());
    const missing = topics.filter((t) => !existing.has(t));
    if (missing.length === 0) return;
    await this.admin.createTopics({
      topics: missing.map((topic) => ({ topic, numPartitions: this.options.partitions, replicationFactor: this.options.replicationFactor })),
      // kafkajs' own wait gives up on UNKNOWN_TOPIC_OR_PARTITION, which a fresh topic answers
      // for a moment on Kafka 4; and it skips the wait when another process created them first.
      waitForLeaders: false,
      timeout: this.options.publishTimeoutMs,
    });
    await this.waitForLeaders(missing);
    this.logger.log({ topics: missing, partitions: this.options.partitions, replicationFactor: this.options.replicationFactor }, 'Kafka topics created');
  }

  /**
   * Until every partition has a leader that serves it. The metadata names a leader a moment before
   * that broker acts as one (it answers NOT_LEADER meanwhile, and a produce spanning partitions
   * then fails in part, so its retry duplicates the rest); a leader's answer to ListOffsets is
   * the proof.
   */
  private async waitForLeaders(topics: string[]): Promise<void> {
    const deadline = Date.now() + this.options.publishTimeoutMs;
    for (;;) {
      const meta = await this.admin.fetchTopicMetadata({ topics }).catch(() => undefined);
      const led = meta?.topics.every((t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0));
      if (led && (await Promise.all(topics.map((t) => this.admin.fetchTopicOffsets(t))).then(() => true, () => false))) return;
      if (Date.now() > deadline) throw new Error(`Kafka topics ${topics.join(', ')} have no leader yet`);
      await sleep(100);
    }
  }

  /** Re-checks the broker when nothing has been published for a while, so readiness follows it both ways. */
  private async probe(): Promise<void> {
    if (this.stopping || this.probing || Date.now() - this.lastContact < PROBE_INTERVAL_MS) return;
    this.probing = true;
    try {
      await withTimeout(
        (async () => {
          await this.connectProducer();
          await this.admin.connect();
          await this.admin.describeCluster();
        })(),
        Math.min(PROBE_INTERVAL_MS, this.options.publishTimeoutMs),
        'Kafka readiness probe',
      );
      this.markContact(true);
    } catch {
      this.markContact(false);
    } finally {
      this.probing = false;
    }
  }

  private markContact(ok: boolean): void {
    this.brokerReachable = ok;
    this.lastContact = ok ? Date.now() : 0;
  }

  private track(p: Promise<unknown>): void {
    const settled = p.catch(() => undefined).finally(() => this.inFlight.delete(settled));
    this.inFlight.add(settled);
  }
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

async function sleepWithHeartbeat(ms: number, heartbeat: () => Promise<void>, every: number): Promise<void> {
  const timer = setInterval(() => heartbeat().catch(() => undefined), every);
  try {
    await sleep(ms);
  } finally {
    clearInterval(timer);
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Anything but kafkajs rejecting the request itself (an invalid topic or message): the broker is out of reach or misbehaving. */
const isBrokerTrouble = (err: unknown): boolean => !(err instanceof Error && err.name === 'KafkaJSNonRetriableError');

const errorText = (err: unknown): string => (err instanceof Error ? `${err.name}: ${err.message}` : String(err));
