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

export interface Subscription {
  /** Consumer group: each group receives every message once; instances of one group share the load. */
  group: string;
  topics: string[];
  handler: MessageHandler;
}

/**
 * App-to-app transport for integration events. The in-memory adapter serves the embedded
 * mode; the Kafka adapter serves the distributed one. Both deliver at least once, in order
 * per key, and hand a message to the handler again only if it threw.
 */
export interface MessageTransport {
  readonly name: string;
  publish(messages: OutgoingMessage[]): Promise<void>;
  subscribe(subscription: Subscription): Promise<void>;
  isReady(): boolean;
  close(): Promise<void>;
}

export const MESSAGE_TRANSPORT = Symbol('MESSAGE_TRANSPORT');
