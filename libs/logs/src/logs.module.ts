import { Global, Inject, Injectable, Logger, Module, OnModuleDestroy } from '@nestjs/common';
import { logsConfig, redisConfig, type ConfigType } from '@deploysphere/config';
import { PrismaService } from '@deploysphere/database';
import { MESSAGE_TRANSPORT, type MessageTransport } from '@deploysphere/messaging';
import { InMemoryLiveLogBus } from './live/in-memory-live-log.bus';
import { LIVE_LOG_BUS, type LiveLogBus } from './live/live-log-bus.port';
import { RedisLiveLogBus } from './live/redis-live-log.bus';
import { LOG_SINK } from './log-sink.port';
import { AccessLogPublisher } from './pipeline/access-log.publisher';
import { BuildLogPublisher } from './pipeline/build-log.publisher';
import { LogTopics } from './pipeline/log-topics';
import { LOG_TOPIC_CONSUMER, LOG_TOPIC_PUBLISHER, type LogTopicConsumer, type LogTopicPublisher } from './pipeline/log-topics.port';
import { BuildLogReader } from './store/build-log.reader';
import { ClickHouseLogStore } from './store/clickhouse/clickhouse-log.store';
import { DatabaseLogStore } from './store/database-log.store';
import { LOG_STORE, type LogStore } from './store/log-store.port';

const LOG_TOPICS = Symbol('LOG_TOPICS');

@Injectable()
class LogsLifecycle implements OnModuleDestroy {
  private readonly logger = new Logger('Logs');

  constructor(
    private readonly publisher: BuildLogPublisher,
    @Inject(LIVE_LOG_BUS) private readonly bus: LiveLogBus,
    @Inject(LOG_STORE) private readonly store: LogStore,
    @Inject(LOG_TOPICS) private readonly topics: LogTopicConsumer,
  ) {}

  async onModuleDestroy(): Promise<void> {
    // Lines a build wrote last should still reach the topic; a dead broker must not hang shutdown.
    const flushed = await Promise.race([
      this.publisher.flush().then(() => true, () => false),
      new Promise<boolean>((r) => setTimeout(() => r(false), 5_000).unref()),
    ]);
    if (!flushed) this.logger.warn({ lines: this.publisher.bufferedLines() }, 'build log lines not sent to the log topic before shutdown');
    await Promise.allSettled([this.topics.stop(), this.bus.close(), this.store.close()]);
  }
}

/**
 * The log pipeline's adapters, chosen by configuration (each connects on first use, so an app
 * that never touches one never opens it):
 *   LIVE_LOG_BUS         REDIS_URL ? Redis : in process
 *   LOG_STORE            CLICKHOUSE_URL ? ClickHouse : the metadata database
 *   LOG_TOPIC_PUBLISHER  LogTopics on the platform's MessageTransport (Kafka or in process)
 *   LOG_TOPIC_CONSUMER   the same object, consumer side (a batch subscription)
 *   LOG_SINK             BuildLogPublisher: what the build runner writes lines to
 *   AccessLogPublisher   what the edge router's access-log sink sends batches through
 *   BuildLogReader       what the API reads build logs through (the store, then the live buffer)
 * Global and static, so every app that imports it in one process shares one instance.
 */
@Global()
@Module({
  providers: [
    {
      provide: LIVE_LOG_BUS,
      inject: [logsConfig.KEY, redisConfig.KEY],
      useFactory: (cfg: ConfigType<typeof logsConfig>, redis: ConfigType<typeof redisConfig>): LiveLogBus => {
        const buffer = { maxLines: cfg.liveBufferLines, ttlSeconds: cfg.liveBufferTtlSeconds };
        return redis.url ? new RedisLiveLogBus({ url: redis.url, ...buffer }) : new InMemoryLiveLogBus(buffer);
      },
    },
    {
      provide: LOG_STORE,
      inject: [logsConfig.KEY, PrismaService],
      useFactory: (cfg: ConfigType<typeof logsConfig>, prisma: PrismaService): LogStore =>
        cfg.clickhouse ? new ClickHouseLogStore(cfg.clickhouse) : new DatabaseLogStore(prisma),
    },
    {
      provide: LOG_TOPICS,
      inject: [MESSAGE_TRANSPORT],
      useFactory: (transport: MessageTransport) => new LogTopics(transport),
    },
    { provide: LOG_TOPIC_PUBLISHER, useExisting: LOG_TOPICS },
    { provide: LOG_TOPIC_CONSUMER, useExisting: LOG_TOPICS },
    {
      provide: BuildLogPublisher,
      inject: [LIVE_LOG_BUS, LOG_TOPIC_PUBLISHER],
      useFactory: (bus: LiveLogBus, topics: LogTopicPublisher) => new BuildLogPublisher(bus, topics),
    },
    { provide: LOG_SINK, useExisting: BuildLogPublisher },
    {
      provide: AccessLogPublisher,
      inject: [LOG_TOPIC_PUBLISHER],
      useFactory: (topics: LogTopicPublisher) => new AccessLogPublisher(topics),
    },
    {
      provide: BuildLogReader,
      inject: [LOG_STORE, LIVE_LOG_BUS],
      useFactory: (store: LogStore, bus: LiveLogBus) => new BuildLogReader(store, bus),
    },
    LogsLifecycle,
  ],
  exports: [LIVE_LOG_BUS, LOG_STORE, LOG_TOPIC_PUBLISHER, LOG_TOPIC_CONSUMER, LOG_SINK, BuildLogPublisher, AccessLogPublisher, BuildLogReader],
})
export class LogsModule {}
