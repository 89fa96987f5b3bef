import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import type { AccessLogRecord } from './access-log-sink.port';
import { BatchingAccessLogSink, type BatchingOptions } from './batching-access-log-sink';

/**
 * Embedded-mode adapter: batches like the Kafka one will, and keeps the most recent records in
 * a bounded ring (for tests and local inspection) until the log pipeline routes them further.
 */
@Injectable()
export class InMemoryAccessLogSink extends BatchingAccessLogSink implements OnApplicationShutdown {
  private ring: AccessLogRecord[] = [];

  constructor(
    options: BatchingOptions,
    private readonly keep = 1_000,
  ) {
    super(options);
  }

  protected async write(batch: AccessLogRecord[]): Promise<void> {
    this.ring = batch.length >= this.keep ? batch.slice(-this.keep) : this.ring.concat(batch).slice(-this.keep);
    this.logger.debug({ records: batch.length }, 'access log batch');
  }

  /** The most recent flushed records, oldest first. */
  recent(): readonly AccessLogRecord[] {
    return this.ring;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.close();
  }
}
