import { Logger } from '@nestjs/common';
import type { AccessLogRecordV1 } from '@deploysphere/contracts';
import type { BuildLogLine, LogDelivery, LogStore } from '@deploysphere/logs';

export interface LogIngestorOptions {
  /** A batch is inserted once it holds this many rows… */
  maxRows: number;
  /** …or once its first row waited this long. */
  maxAgeMs: number;
  /** Rows accepted but not yet stored before `add` makes its caller wait (default 4 batches). */
  maxPendingRows?: number;
  retryBaseMs?: number;
  retryMaxMs?: number;
  /** Failed attempts, with the store answering pings, before a batch is split to find the bad rows. */
  isolateAfterAttempts?: number;
}

export interface LogIngestorStats {
  insertedBuildRows: number;
  insertedAccessRows: number;
  batches: number;
  failedAttempts: number;
  /** Rows the store refused on their own (after the batch was split down to them). */
  rejectedRows: number;
  pendingRows: number;
}

interface Batch {
  build: BuildLogLine[];
  access: AccessLogRecordV1[];
  acks: (() => void)[];
  rows: number;
}

export class IngestorClosedError extends Error {
  constructor() {
    super('log ingestor is closed');
  }
}

const newBatch = (): Batch => ({ build: [], access: [], acks: [], rows: 0 });
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref());

/**
 * Turns a stream of deliveries into few large inserts. Rows collect in the open batch until it
 * holds `maxRows` or its first row is `maxAgeMs` old; sealed batches are inserted one at a time,
 * in order, and each delivery's `ack` runs only after the batch holding it is stored.
 *
 * Failure handling: an insert that fails is retried with capped exponential backoff for as
 * long as it takes (nothing is acked meanwhile, so nothing is lost); once `maxPendingRows` are
 * waiting, `add` waits too, which stops the consumer fetching (backpressure). If the store
 * answers pings but keeps refusing a batch, the batch is split in halves until the refused
 * rows are alone; those are logged and counted, the rest is stored.
 */
export class LogIngestor {
  private readonly logger = new Logger('LogIngestor');
  private readonly maxPendingRows: number;
  private current = newBatch();
  private readonly sealed: Batch[] = [];
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private waiters: (() => void)[] = [];
  private pendingRows = 0;
  private closing = false;
  private stopRetrying = false;
  private readonly stats = { insertedBuildRows: 0, insertedAccessRows: 0, batches: 0, failedAttempts: 0, rejectedRows: 0 };

  constructor(
    private readonly store: LogStore,
    private readonly options: LogIngestorOptions,
  ) {
    this.maxPendingRows = options.maxPendingRows ?? options.maxRows * 4;
  }

  /** Accepts a delivery; resolves at once unless too much is already waiting for the store. */
  async add(delivery: LogDelivery): Promise<void> {
    while (this.pendingRows >= this.maxPendingRows && !this.closing) {
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
    if (this.closing) throw new IngestorClosedError();
    // A delivery larger than the room left is spread over batches; its ack rides with its last
    // rows, whose batch is stored after the others.
    let b = 0;
    let a = 0;
    const { build, access } = delivery;
    while (b < build.length || a < access.length) {
      const room = this.options.maxRows - this.current.rows;
      const takeBuild = Math.min(room, build.length - b);
      const takeAccess = Math.min(room - takeBuild, access.length - a);
      for (let i = 0; i < takeBuild; i++) this.current.build.push(build[b + i]);
      for (let i = 0; i < takeAccess; i++) this.current.access.push(access[a + i]);
      b += takeBuild;
      a += takeAccess;
      this.current.rows += takeBuild + takeAccess;
      this.pendingRows += takeBuild + takeAccess;
      if (b === build.length && a === access.length) this.current.acks.push(delivery.ack);
      if (this.current.rows >= this.options.maxRows) this.seal();
    }
    if (build.length === 0 && access.length === 0) this.current.acks.push(delivery.ack);
    if (this.current.rows > 0 || this.current.acks.length > 0) this.timer ??= setTimeout(() => this.seal(), this.options.maxAgeMs);
  }

  /** Inserts everything accepted so far; resolves when it is stored and acked. */
  async flush(): Promise<void> {
    this.seal();
    while (this.running) await this.running;
  }

  /**
   * Stops accepting, then stores what it holds, retrying for at most `graceMs`. What is still
   * not stored then stays un-acked, so the transport redelivers it after a restart.
   */
  async close(graceMs = 10_000): Promise<void> {
    this.closing = true;
    this.waiters.splice(0).forEach((wake) => wake());
    this.seal();
    const deadline = sleep(graceMs).then(() => 'timeout' as const);
    while (this.running) {
      if ((await Promise.race([this.running.then(() => 'done' as const), deadline])) === 'timeout') {
        this.logger.warn({ pendingRows: this.pendingRows }, 'log ingestor closed with rows not yet stored; they will be redelivered');
        break;
      }
    }
    this.stopRetrying = true;
  }

  getStats(): LogIngestorStats {
    return { ...this.stats, pendingRows: this.pendingRows };
  }

  private seal(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.current.rows === 0 && this.current.acks.length === 0) return;
    this.sealed.push(this.current);
    this.current = newBatch();
    this.running ??= this.drain().finally(() => (this.running = undefined));
  }

  private async drain(): Promise<void> {
    while (this.sealed.length > 0 && !this.stopRetrying) {
      const batch = this.sealed[0];
      const stored = await this.insertWithRetry(batch);
      if (!stored) return;
      this.sealed.shift();
      this.pendingRows -= batch.rows;
      this.stats.batches++;
      for (const ack of batch.acks) ack();
      this.waiters.splice(0).forEach((wake) => wake());
    }
  }

  /** True once the batch is stored (or its refused rows isolated); false when told to stop retrying. */
  private async insertWithRetry(batch: Batch): Promise<boolean> {
    for (let attempt = 1; !this.stopRetrying; attempt++) {
      try {
        await this.insert(batch.build, batch.access);
        return true;
      } catch (err) {
        this.stats.failedAttempts++;
        const reachable = await this.store.ping().then(() => true, () => false);
        if (attempt === 1 || attempt % 20 === 0) {
          this.logger.warn({ attempt, rows: batch.rows, storeReachable: reachable, err: String(err) }, 'log batch insert failed; retrying');
        }
        if (reachable && attempt >= (this.options.isolateAfterAttempts ?? 3)) {
          if (await this.isolate(batch.build, batch.access)) return true;
        }
        const base = this.options.retryBaseMs ?? 200;
        await sleep(Math.min(this.options.retryMaxMs ?? 10_000, base * 2 ** Math.min(attempt - 1, 10)));
      }
    }
    return false;
  }

  /** Stores what the store accepts, halving until refused rows are alone. False if the store went away meanwhile. */
  private async isolate(build: BuildLogLine[], access: AccessLogRecordV1[]): Promise<boolean> {
    try {
      await this.insert(build, access);
      return true;
    } catch (err) {
      if (!(await this.store.ping().then(() => true, () => false))) return false;
      if (build.length + access.length === 1) {
        this.stats.rejectedRows++;
        this.logger.error({ row: build[0] ? { deploymentId: build[0].deploymentId, seq: build[0].seq } : { id: access[0].id }, err: String(err) }, 'log row refused by the store; dropped');
        return true;
      }
      const b = Math.ceil(build.length / 2);
      const a = Math.ceil(access.length / 2);
      return (await this.isolate(build.slice(0, b), access.slice(0, a))) && (await this.isolate(build.slice(b), access.slice(a)));
    }
  }

  private async insert(build: BuildLogLine[], access: AccessLogRecordV1[]): Promise<void> {
    // Build rows first: if access rows then fail, the retry inserts build rows again and the store keeps one copy.
    if (build.length > 0) await this.store.insertBuildLines(build);
    if (access.length > 0) await this.store.insertAccessRecords(access);
    this.stats.insertedBuildRows += build.length;
    this.stats.insertedAccessRows += access.length;
  }
}
