import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { ReadinessRegistry } from '@deploysphere/bootstrap';
import { logsConfig, type ConfigType } from '@deploysphere/config';
import { LOG_STORE, LOG_TOPIC_CONSUMER, type LogStore, type LogTopicConsumer } from '@deploysphere/logs';
import { LogIngestor } from './log-ingestor';

/**
 * Log topics → log store. Deliveries go into a LogIngestor (batches by LOG_BATCH_MAX_ROWS /
 * LOG_BATCH_MAX_AGE_MS, retries, backpressure) and are acknowledged to the transport only
 * once stored. On shutdown it stops fetching, stores what it holds, then disconnects, so a
 * restart neither loses nor (visibly) duplicates anything.
 */
@Injectable()
export class LogIngestService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('LogIngest');
  private ingestor?: LogIngestor;

  constructor(
    @Inject(LOG_TOPIC_CONSUMER) private readonly consumer: LogTopicConsumer,
    @Inject(LOG_STORE) private readonly store: LogStore,
    @Inject(logsConfig.KEY) private readonly cfg: ConfigType<typeof logsConfig>,
    private readonly readiness: ReadinessRegistry,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.readiness.register('log-store', () => this.store.ping().then(() => true));
    this.readiness.register('log-topics', () => this.consumer.isReady());
    await this.store.ensureSchema();
    const ingestor = new LogIngestor(this.store, { maxRows: this.cfg.batchMaxRows, maxAgeMs: this.cfg.batchMaxAgeMs });
    this.ingestor = ingestor;
    await this.consumer.start((delivery) => ingestor.add(delivery));
    this.logger.log({ store: this.store.name, topics: this.consumer.name, maxRows: this.cfg.batchMaxRows, maxAgeMs: this.cfg.batchMaxAgeMs }, 'log ingest started');
  }

  async onModuleDestroy(): Promise<void> {
    await this.consumer.pause();
    await this.ingestor?.close();
    await this.consumer.stop();
  }
}
