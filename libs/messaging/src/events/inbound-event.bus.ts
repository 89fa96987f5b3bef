import { Injectable, type Type } from '@nestjs/common';
import { EventBus, EventsHandler } from '@nestjs/cqrs';
import type { EventEnvelope } from '@deploysphere/contracts';
import type { IntegrationEventContext } from './integration-event.context';
import { outgoingOf } from './outgoing-event';

/** How an integration event reached this process; its handler gets it beside the event. */
export interface EventDelivery {
  envelope: EventEnvelope;
  topic: string;
  /** The consumer group it was delivered to (also the idempotency namespace). */
  group: string;
}

export interface IntegrationEventHandler<E extends object> {
  handle(event: E, delivery: EventDelivery): Promise<void>;
}

interface Tracked {
  delivery: EventDelivery;
  pending: Promise<void>[];
}

const DELIVERY = Symbol('EventDelivery');

function trackedOf(event: object): Tracked | undefined {
  return (event as { [DELIVERY]?: Tracked })[DELIVERY];
}

/**
 * `@EventsHandler` for integration events that arrive from the transport, on behalf of one
 * consumer group. The EventBus itself does not wait for its handlers (errors go to the
 * UnhandledExceptionBus); the transport must, to commit after the handler and to retry, then
 * dead-letter, a failure. So the handler's promise is handed to the InboundEventBus that
 * published the event, and the bus gets one that never rejects. An event of another group, or
 * one published without a delivery, does not reach the handler: one raised for the outbox
 * (`integrationEvent`) comes back through the transport; any other is reported to the
 * UnhandledExceptionBus.
 */
export function IntegrationEventsHandler(group: string, ...events: Array<Type<object>>) {
  return (target: Type<IntegrationEventHandler<never>>): void => {
    EventsHandler(...events)(target);
    const handle = target.prototype.handle as IntegrationEventHandler<object>['handle'];
    target.prototype.handle = function (this: unknown, event: object): Promise<void> {
      const tracked = trackedOf(event);
      // Raised here for the outbox: it reaches integration handlers through the transport, after its commit.
      if (!tracked && outgoingOf(event)) return Promise.resolve();
      if (!tracked) return Promise.reject(new Error(`${target.name} handles ${event.constructor.name} delivered by the transport, not one published in-process`));
      if (tracked.delivery.group !== group) return Promise.resolve();
      // The executor runs now, inside EventBus.publish, so InboundEventBus sees every promise.
      const done = new Promise<void>((resolve) => resolve(handle.call(this, event, tracked.delivery)));
      tracked.pending.push(done);
      return done.catch(() => undefined);
    };
  };
}

/**
 * Publishes an event received from the transport on the CQRS EventBus and waits for its
 * `@IntegrationEventsHandler`s. A handler's failure is recorded on the context, for the
 * transport server to retry and then dead-letter (Nest's RPC exception layer would replace the
 * error with a generic one).
 */
@Injectable()
export class InboundEventBus {
  constructor(private readonly events: EventBus) {}

  async publish(event: object, context: IntegrationEventContext): Promise<void> {
    const tracked: Tracked = { delivery: { envelope: context.getEnvelope(), topic: context.getTopic(), group: context.getGroup() }, pending: [] };
    Object.defineProperty(event, DELIVERY, { value: tracked });
    this.events.publish(event);
    const failed = (await Promise.allSettled(tracked.pending)).find((r) => r.status === 'rejected');
    if (failed) context.failure = failed.reason;
  }
}
