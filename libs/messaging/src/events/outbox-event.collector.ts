import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { EventBus, UnhandledExceptionBus } from '@nestjs/cqrs';
import type { Subscription } from 'rxjs';
import { OutboxWriter } from '../outbox/outbox.writer';
import { outgoingOf } from './outgoing-event';

/**
 * Watches the EventBus for integration events raised by use cases (`integrationEvent`) and hands
 * each to the outbox transaction it was raised in. The bus calls its subscribers inside
 * `publish`, in the publisher's async context, which is how the transaction is found. One raised
 * outside `OutboxWriter.transaction` cannot be made durable with a state change: it is reported to
 * the UnhandledExceptionBus and logged, not published.
 */
@Injectable()
export class OutboxEventCollector implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(OutboxEventCollector.name);
  private subscription?: Subscription;

  constructor(
    private readonly events: EventBus,
    private readonly unhandled: UnhandledExceptionBus,
    private readonly outbox: OutboxWriter,
  ) {}

  onModuleInit(): void {
    this.subscription = this.events.subscribe((event: object) => {
      const raised = outgoingOf(event);
      if (!raised || this.outbox.collect(raised)) return;
      const exception = new Error(`${raised.eventClass.type} was raised outside OutboxWriter.transaction: it is not published`);
      this.logger.error({ type: raised.eventClass.type, key: raised.meta.key }, exception.message);
      this.unhandled.publish({ cause: event, exception });
    });
  }

  onModuleDestroy(): void {
    this.subscription?.unsubscribe();
  }
}
