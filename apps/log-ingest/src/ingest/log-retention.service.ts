import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { logsConfig, type ConfigType } from '@deploysphere/config';
import { LOG_STORE, type LogStore } from '@deploysphere/logs';

const EVERY_MS = 60 * 60 * 1000;

/**
 * Drops logs older than LOG_RETENTION_DAYS, at start and hourly (whole daily partitions on
 * ClickHouse, which has no TTL on 18.16). Several instances doing it at once is harmless.
 */
@Injectable()
export class LogRetentionService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('LogRetention');
  private timer?: NodeJS.Timeout;

  constructor(
    @Inject(LOG_STORE) private readonly store: LogStore,
    @Inject(logsConfig.KEY) private readonly cfg: ConfigType<typeof logsConfig>,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.run(), EVERY_MS);
    this.timer.unref();
    void this.run();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  async run(now = new Date()): Promise<string[]> {
    try {
      const dropped = await this.store.dropExpired(this.cfg.retentionDays, now);
      if (dropped.length > 0) this.logger.log({ dropped, retentionDays: this.cfg.retentionDays }, 'expired logs dropped');
      return dropped;
    } catch (err) {
      this.logger.warn({ err: String(err) }, 'log retention pass failed; next pass in an hour');
      return [];
    }
  }
}
