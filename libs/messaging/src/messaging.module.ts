import { DynamicModule, Global, Inject, Logger, Module, OnModuleDestroy } from '@nestjs/common';
import { kafkaConfig, type ConfigType } from '@deploysphere/config';
import { Topics } from '@deploysphere/contracts';
import { ConsumerHost } from './consumer/consumer-host';
import { InboundEventBus } from './events/inbound-event.bus';
import { IntegrationEventClient } from './events/integration-event.client';
import { IntegrationEventServer } from './events/integration-event.server';
import { OutboxEventCollector } from './events/outbox-event.collector';
import { IdempotencyService } from './consumer/idempotency.service';
import { DEFAULT_MESSAGING_OPTIONS, MESSAGING_OPTIONS, type MessagingOptions } from './messaging.options';
import { OutboxRelay } from './outbox/outbox.relay';
import { OutboxWriter } from './outbox/outbox.writer';
import { InMemoryTransport } from './transport/in-memory.transport';
import { KafkaTransport } from './transport/kafka.transport';
import { MESSAGE_TRANSPORT, type MessageTransport } from './transport/message-transport.port';
import { TopicPrefixTransport } from './transport/topic-prefix.transport';
import { ConsumerLagMetrics } from './consumer/consumer-lag.metrics';

/**
 * Stops consuming (after the handlers in progress, whose offsets are committed) while the database
 * is still open: Nest destroys modules before it runs `onApplicationShutdown`, and PrismaService
 * closes its pool in `onModuleDestroy`. Handlers still running against a closed pool would fail,
 * be retried and end in the dead-letter topic. CoreModule imports DatabaseModule before this
 * module, so Nest (which destroys in reverse) destroys this one first.
 */
class TransportLifecycle implements OnModuleDestroy {
  constructor(@Inject(MESSAGE_TRANSPORT) private readonly transport: MessageTransport) {}
  async onModuleDestroy(): Promise<void> {
    await this.transport.close();
  }
}

/** KAFKA_BROKERS set: Kafka (distributed mode); unset: the in-process transport (embedded mode). */
async function createTransport(kafka: ConfigType<typeof kafkaConfig>): Promise<MessageTransport> {
  // A log message carries up to thousands of lines: fewer of them stand in for retention.
  if (kafka.brokers.length === 0) return new InMemoryTransport({ retainOverrides: { [Topics.LogsBuild]: 100, [Topics.LogsAccess]: 100 } });
  const transport = new KafkaTransport({
    brokers: kafka.brokers,
    clientId: kafka.clientId,
    groupPrefix: kafka.groupPrefix,
    partitions: kafka.partitions,
    replicationFactor: kafka.replicationFactor,
    sessionTimeoutMs: kafka.sessionTimeoutMs,
    publishTimeoutMs: kafka.publishTimeoutMs,
    // KAFKA_TOPIC_PREFIX: the contract topics are created (and used) under the prefix.
    topics: Object.values(Topics).map((t) => kafka.topicPrefix + t),
  });
  await transport.start();
  new Logger(MessagingModule.name).log({ brokers: kafka.brokers, clientId: kafka.clientId, topicPrefix: kafka.topicPrefix, ready: transport.isReady() }, 'message transport: Kafka');
  return kafka.topicPrefix ? new TopicPrefixTransport(transport, kafka.topicPrefix) : transport;
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
        { provide: MESSAGE_TRANSPORT, inject: [kafkaConfig.KEY], useFactory: createTransport },
        TransportLifecycle,
        OutboxWriter,
        OutboxRelay,
        IdempotencyService,
        ConsumerHost,
        IntegrationEventServer,
        IntegrationEventClient,
        InboundEventBus,
        OutboxEventCollector,
        ConsumerLagMetrics,
      ],
      exports: [MESSAGE_TRANSPORT, MESSAGING_OPTIONS, OutboxWriter, OutboxRelay, IdempotencyService, ConsumerHost, IntegrationEventServer, IntegrationEventClient, InboundEventBus],
    };
  }
}
