import { Logger } from '@nestjs/common';
import type { AccessLogBatchV1, BuildLogBatchV1 } from '@deploysphere/contracts';
import type { LogDelivery, LogTopicConsumer, LogTopicPublisher } from './log-topics.port';

/** Records held while no consumer runs in this process (e.g. before log-ingest started). */
const MAX_WAITING_ROWS = 200_000;

/**
 * The embedded log topics: a publish hands its batches straight to the consumer in this
 * process and resolves when the ingestor accepted them, so a slow store slows the producer
 * down instead of growing memory. Before the consumer starts, batches wait in a bounded queue.
 */
export class InMemoryLogTopics implements LogTopicPublisher, LogTopicConsumer {
  readonly name = 'in-memory';
  private readonly logger = new Logger('LogTopics');
  private handler?: (delivery: LogDelivery) => Promise<void>;
  private waiting: LogDelivery[] = [];
  private waitingRows = 0;
  private dropped = 0;

  async publishBuild(batches: readonly BuildLogBatchV1[]): Promise<void> {
    const build = batches.flatMap((b) =>
      b.lines.map((l) => ({ deploymentId: b.deploymentId, seq: l.seq, ts: l.ts, stream: l.stream, message: l.message })),
    );
    if (build.length > 0) await this.deliver({ build, access: [], ack: () => undefined });
  }

  async publishAccess(batches: readonly AccessLogBatchV1[]): Promise<void> {
    const access = batches.flatMap((b) => b.records.map((r) => ({ ...r })));
    if (access.length > 0) await this.deliver({ build: [], access, ack: () => undefined });
  }

  async start(handler: (delivery: LogDelivery) => Promise<void>): Promise<void> {
    this.handler = handler;
    const waiting = this.waiting;
    this.waiting = [];
    this.waitingRows = 0;
    for (const delivery of waiting) await handler(delivery);
  }

  async pause(): Promise<void> {
    this.handler = undefined;
  }

  async stop(): Promise<void> {
    this.handler = undefined;
  }

  async isReady(): Promise<boolean> {
    return true;
  }

  private async deliver(delivery: LogDelivery): Promise<void> {
    if (this.handler) return this.handler(delivery);
    this.waiting.push(delivery);
    this.waitingRows += delivery.build.length + delivery.access.length;
    while (this.waitingRows > MAX_WAITING_ROWS && this.waiting.length > 1) {
      const old = this.waiting.shift()!;
      const rows = old.build.length + old.access.length;
      this.waitingRows -= rows;
      this.dropped += rows;
      this.logger.warn({ dropped: this.dropped }, 'no log consumer in this process; oldest log records dropped');
    }
  }
}
