export * from './consumer/consumer-host';
export * from './consumer/idempotency.service';
export * from './messaging.module';
export * from './messaging.options';
export * from './outbox/outbox.relay';
export * from './outbox/outbox.writer';
export * from './transport/in-memory.transport';
export * from './transport/message-transport.port';
