import type { EventEnvelope } from '@deploysphere/contracts';

export interface OutgoingMessage {
  topic: string;
  key: string;
  value: EventEnvelope;
}

export interface IncomingMessage {
  topic: string;
  key: string;
  envelope: EventEnvelope;
}

export type MessageHandler = (message: IncomingMessage) => Promise<void>;

/**
 * Where a consumer group that has no position yet starts reading:
 *  - `earliest`: every message the transport still holds (Kafka: the topics' retention). For work
 *    groups, which must not miss what was published before their first deployment.
 *  - `latest`: only messages published after `subscribe()` resolved. For a group that loads a
 *    snapshot of the state after subscribing (the edge router's per-instance group): history would
 *    only replay what the snapshot already holds.
 * A group that already has a position (Kafka: committed offsets) resumes from it either way.
 */
export type StartFrom = 'earliest' | 'latest';

export interface Subscription {
  /** Consumer group: each group receives every message once; instances of one group share the load. */
  group: string;
  topics: string[];
  handler: MessageHandler;
  /** Default `earliest`. */
  startFrom?: StartFrom;
}

/**
 * A run of one topic's messages handed to a batch handler, in order per key. `ack()` says they are
 * durably handled (stored); only then may the transport consider them consumed (Kafka: commit
 * their offsets). It may come after the handler resolved (a consumer that batches across
 * deliveries acks once its own batch is stored); acks may come out of order, the transport only
 * ever commits a contiguous prefix of what it delivered.
 */
export interface MessageBatch {
  topic: string;
  messages: IncomingMessage[];
  ack(): void;
}

/** Resolves once it has accepted the batch; it may wait (backpressure: nothing more is delivered meanwhile). Throwing redelivers the batch. */
export type BatchHandler = (batch: MessageBatch) => Promise<void>;

export interface BatchSubscription {
  group: string;
  topics: string[];
  handler: BatchHandler;
  /** Default `earliest`. */
  startFrom?: StartFrom;
}

/** One member of a batch subscription's group, stopped on its own (the transport's close() stops it too). */
export interface BatchConsumer {
  /** No further batches are delivered; acks of those already delivered still count. */
  pause(): Promise<void>;
  /**
   * Counts what was acked (Kafka: commits it) and leaves the group. Batches delivered but not acked
   * go to the group's other or next member.
   */
  close(): Promise<void>;
}

/**
 * App-to-app transport for integration events. The in-memory adapter serves the embedded
 * mode; the Kafka adapter serves the distributed one. Both deliver at least once, in order
 * per key, and hand a message to the handler again only if it threw.
 */
export interface MessageTransport {
  readonly name: string;
  publish(messages: OutgoingMessage[]): Promise<void>;
  /**
   * Resolves once the group's position is fixed: every message published after that is delivered
   * to the group (those before, per `startFrom`).
   */
  subscribe(subscription: Subscription): Promise<void>;
  /**
   * The same group semantics, for consumers that store in bulk (log ingest): whole batches, and
   * explicit acknowledgement instead of commit-after-handler. Bytes that are not a JSON object are
   * dead-lettered by the transport, as for `subscribe`; validating payloads is the handler's job.
   */
  subscribeBatch(subscription: BatchSubscription): Promise<BatchConsumer>;
  isReady(): boolean;
  /**
   * Messages not yet consumed, per group of this process and topic (high watermarks minus the
   * group's committed offsets). Transports without a broker-side position leave it out.
   */
  consumerLag?(): Promise<ConsumerLag[]>;
  close(): Promise<void>;
}

export interface ConsumerLag {
  /** The group as subscribed (without KAFKA_GROUP_PREFIX). */
  group: string;
  /** The contract topic name. */
  topic: string;
  lag: number;
}

export const MESSAGE_TRANSPORT = Symbol('MESSAGE_TRANSPORT');
