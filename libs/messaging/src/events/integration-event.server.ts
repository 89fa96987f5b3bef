import { Injectable } from '@nestjs/common';
import { Server, type CustomTransportStrategy, type MessageHandler } from '@nestjs/microservices';
import { lastValueFrom } from 'rxjs';
import { ConsumerHost } from '../consumer/consumer-host';
import type { IncomingMessage } from '../transport/message-transport.port';
import { IntegrationEventContext } from './integration-event.context';

/** Options of an `@EventPattern(topic, { group })` handler served by IntegrationEventServer. */
export interface IntegrationEventPatternExtras {
  /** Consumer group (KAFKA_GROUP_PREFIX is added on the wire): every group gets every message once. */
  group: string;
}

/**
 * The message transport as a Nest custom transport strategy. At `listen()` it subscribes one
 * consumer group per `group` named by the app's `@EventPattern(topic, { group })` handlers,
 * through the ConsumerHost, so the failure rules stay where they were: the payload is decoded and
 * validated before a handler sees it, a failing handler is retried then dead-lettered, and the
 * transport commits (Kafka) only after the handler resolved. The handler gets the contract class
 * instance as `@Payload()` and an IntegrationEventContext as `@Ctx()`.
 *
 * Closing is the transport's, from MessagingModule's `onModuleDestroy` (while the database is
 * still open), so `close()` here has nothing left to do.
 */
@Injectable()
export class IntegrationEventServer extends Server implements CustomTransportStrategy {
  /** Handlers by group, then by topic (Nest's own map is by pattern alone, and two groups may read one topic). */
  private readonly routes = new Map<string, Map<string, MessageHandler>>();

  constructor(private readonly consumers: ConsumerHost) {
    super();
  }

  override addHandler(pattern: unknown, callback: MessageHandler, isEventHandler = false, extras: Record<string, unknown> = {}): void {
    const topic = this.normalizePattern(pattern as string);
    const group = (extras as Partial<IntegrationEventPatternExtras>).group;
    if (!isEventHandler || typeof group !== 'string' || group === '') {
      throw new Error(`IntegrationEventServer serves @EventPattern(topic, { group }) handlers only; "${topic}" has ${isEventHandler ? 'no group' : '@MessagePattern'}`);
    }
    let topics = this.routes.get(group);
    if (!topics) this.routes.set(group, (topics = new Map()));
    const head = topics.get(topic);
    if (!head) {
      topics.set(topic, callback);
      return;
    }
    // Several handlers of one group and topic run together, as Nest chains event handlers.
    let tail = head;
    while (tail.next) tail = tail.next;
    tail.next = callback;
  }

  async listen(callback: (error?: unknown) => void): Promise<void> {
    try {
      for (const [group, topics] of this.routes) {
        await this.consumers.consume(group, [...topics.keys()], (event, _envelope, message) => this.dispatch(group, topics, event, message));
      }
      callback();
    } catch (err) {
      callback(err);
    }
  }

  close(): void {}

  on(): never {
    throw new Error('IntegrationEventServer has no status events; readiness is MessageTransport.isReady()');
  }

  unwrap<T>(): T {
    return this.consumers as T;
  }

  private async dispatch(group: string, topics: Map<string, MessageHandler>, event: object, message: IncomingMessage): Promise<void> {
    const handler = topics.get(message.topic);
    if (!handler) return;
    const context = new IntegrationEventContext([message.envelope, message.topic, group]);
    try {
      await lastValueFrom(this.transformToObservable(await handler(event, context)), { defaultValue: undefined });
    } catch (err) {
      // What Nest's RPC exception layer made of a handler's own throw (it logged the original).
      throw context.failure ?? (err instanceof Error ? err : new Error(`handler failed: ${JSON.stringify(err)}`));
    }
    if (context.failure !== undefined) throw context.failure;
  }
}
