import { Logger } from '@nestjs/common';
import type { AccessLogRecord, AccessLogSink, AccessLogStats } from './access-log-sink.port';

export interface BatchingOptions {
  /** Records held at most; beyond it new records are dropped and counted. */
  maxBuffered: number;
  flushIntervalMs: number;
  /** A batch this large is shipped at once rather than at the next tick of the timer. */
  batchSize?: number;
}

const DEFAULT_BATCH_SIZE = 1_000;

/**
 * The non-blocking half every access-log adapter shares: `record` is an array push (or a
 * counted drop when full); the buffer goes to `write` when a batch is full (after the current
 * I/O turn, never inside the request) or when the timer fires, one batch in flight at a time.
 * Shipping full batches promptly also keeps records young, so under load they are collected
 * cheaply instead of being promoted to the old generation. A failed batch is dropped and
 * counted: access logs must never back up into serving.
 */
export abstract class BatchingAccessLogSink implements AccessLogSink {
  protected readonly logger = new Logger('AccessLog');
  private buffer: AccessLogRecord[] = [];
  private inFlight: Promise<void> | undefined;
  private readonly timer: NodeJS.Timeout;
  private written = 0;
  private dropped = 0;
  private failedBatches = 0;
  private flushQueued = false;
  private readonly batchSize: number;

  constructor(private readonly options: BatchingOptions) {
    this.batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
    this.timer = setInterval(() => void this.flush(), options.flushIntervalMs);
    this.timer.unref();
  }

  /** Ships one batch; the log pipeline's adapter publishes it to Kafka. */
  protected abstract write(batch: AccessLogRecord[]): Promise<void>;

  record(entry: AccessLogRecord): void {
    if (this.buffer.length >= this.options.maxBuffered) {
      this.dropped++;
      return;
    }
    this.buffer.push(entry);
    if (this.buffer.length >= this.batchSize && !this.flushQueued) {
      this.flushQueued = true;
      setImmediate(() => {
        this.flushQueued = false;
        void this.flush();
      });
    }
  }

  async flush(): Promise<void> {
    while (this.inFlight) await this.inFlight;
    if (this.buffer.length === 0) return;
    const batch = this.buffer;
    this.buffer = [];
    this.inFlight = this.write(batch).then(
      () => void (this.written += batch.length),
      (err) => {
        this.failedBatches++;
        this.dropped += batch.length;
        this.logger.warn({ records: batch.length, err: String(err) }, 'access log batch failed; dropped');
      },
    );
    try {
      await this.inFlight;
    } finally {
      this.inFlight = undefined;
    }
  }

  /** Stops the timer and ships what is left. */
  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }

  stats(): AccessLogStats {
    return { buffered: this.buffer.length, written: this.written, dropped: this.dropped, failedBatches: this.failedBatches };
  }
}
