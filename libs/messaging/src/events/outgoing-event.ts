import type { IntegrationEventClass } from '@deploysphere/contracts';
import { event, type EventMeta, type OutboxEvent } from '../outbox/outbox.writer';

const OUTGOING = Symbol('OutgoingEvent');

/**
 * An integration event raised by a use case, as the contract class instance that goes on the CQRS
 * `EventBus` (`eventBus.publish(integrationEvent(ProjectRoutingChangedV1, payload, { key, correlationId }))`).
 * Published inside `OutboxWriter.transaction`, it is written to the outbox in that transaction
 * (OutboxEventCollector) and leaves over the transport once it committed; `@EventsHandler`s of this
 * process see it at once, `@IntegrationEventsHandler`s only when it comes back through the transport.
 */
export function integrationEvent<P extends object>(eventClass: IntegrationEventClass<P>, payload: P, meta: EventMeta): P {
  const instance = Object.assign(new eventClass(), payload);
  Object.defineProperty(instance, OUTGOING, { value: event(eventClass, payload, meta) });
  return instance;
}

/** The outbox event an instance made by `integrationEvent` stands for; undefined for any other object. */
export function outgoingOf(instance: object): OutboxEvent | undefined {
  return (instance as { [OUTGOING]?: OutboxEvent })[OUTGOING];
}
