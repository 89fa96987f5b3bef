import { DynamicModule, Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { ConsumerHost } from './consumer/consumer-host';
import { IdempotencyService } from './consumer/idempotency.service';
import { DEFAULT_MESSAGING_OPTIONS, MESSAGING_OPTIONS, type MessagingOptions } from './messaging.options';
import { OutboxRelay } from './outbox/outbox.relay';
import { OutboxWriter } from './outbox/outbox.writer';
import { InMemoryTransport } from './transport/in-memory.transport';
import { MESSAGE_TRANSPORT, type MessageTransport } from './transport/message-transport.port';

class TransportLifecycle implements OnApplicationShutdown {
  constructor(@Inject(MESSAGE_TRANSPORT) private readonly transport: MessageTransport) {}
  async onApplicationShutdown(): Promise<void> {
    await this.transport.close();
  }
}

/** Outbox, relay, idempotent consumption and the app-to-app transport (in-memory when embedded). */
@Global()
@Module({})
export class MessagingModule {
  static forRoot(options: Partial<MessagingOptions> = {}): DynamicModule {
    return {
      module: MessagingModule,
      providers: [
        { provide: MESSAGING_OPTIONS, useValue: { ...DEFAULT_MESSAGING_OPTIONS, ...options } },
        { provide: MESSAGE_TRANSPORT, useFactory: (): MessageTransport => new InMemoryTransport() },
        TransportLifecycle,
        OutboxWriter,
        OutboxRelay,
        IdempotencyService,
        ConsumerHost,
      ],
      exports: [MESSAGE_TRANSPORT, MESSAGING_OPTIONS, OutboxWriter, OutboxRelay, IdempotencyService, ConsumerHost],
    };
  }
}
