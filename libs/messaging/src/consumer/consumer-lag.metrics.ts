import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { kafkaConfig, type ConfigType } from '@deploysphere/config';
import { sampledGauge } from '@deploysphere/observability';
import { MESSAGE_TRANSPORT, type ConsumerLag, type MessageTransport } from '../transport/message-transport.port';

/**
 * `deploysphere_kafka_consumer_lag_messages{group,topic}`: sampled every
 * KAFKA_LAG_SAMPLE_SECONDS (admin offset calls cost the broker a round trip per group
 * and topic), and a scrape reads the last sample. Only transports that have a broker-side position
 * report it (Kafka); a failed sample keeps the previous one and is logged once until one succeeds.
 */
@Injectable()
export class ConsumerLagMetrics implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('ConsumerLagMetrics');
  private timer?: NodeJS.Timeout;
  private last: ConsumerLag[] = [];
  private sampling = false;
  private failing = false;
  private unregister?: () => void;

  constructor(
    @Inject(MESSAGE_TRANSPORT) private readonly transport: MessageTransport,
    @Inject(kafkaConfig.KEY) private readonly cfg: ConfigType<typeof kafkaConfig>,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.transport.consumerLag) return;
    this.unregister = sampledGauge('deploysphere_kafka_consumer_lag_messages', 'Messages not yet consumed per consumer group of this process and topic (high watermark minus committed offset), sampled.', ['group', 'topic']).add(
      (set) => {
        for (const l of this.last) set({ group: l.group, topic: l.topic }, l.lag);
      },
    );
    this.timer = setInterval(() => void this.sample(), this.cfg.lagSampleMs);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
    this.unregister?.();
  }

  private async sample(): Promise<void> {
    if (this.sampling) return;
    this.sampling = true;
    try {
      this.last = (await this.transport.consumerLag?.()) ?? [];
      this.failing = false;
    } catch (err) {
      if (!this.failing) this.logger.warn({ err: err instanceof Error ? err.message : String(err) }, 'sampling Kafka consumer lag failed; the metric keeps its last sample');
      this.failing = true;
    } finally {
      this.sampling = false;
    }
  }
}
