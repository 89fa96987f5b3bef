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
  isReady(): boolean;
  close(): Promise<void>;
}

export const MESSAGE_TRANSPORT = Symbol('MESSAGE_TRANSPORT');
