import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import type { EventEnvelope } from '@deploysphere/contracts';
import { Prisma, PrismaService } from '@deploysphere/database';
import { MESSAGE_TRANSPORT, type MessageTransport, type OutgoingMessage } from '../transport/message-transport.port';
import { MESSAGING_OPTIONS, type MessagingOptions } from '../messaging.options';
import { CoalescedRunner } from '@deploysphere/common';
import { currentTraceparent, inSpan, sampledGauge, tracingEnabled } from '@deploysphere/observability';

interface PendingRow {
  id: string;
  topic: string;
  key: string;
  payload: EventEnvelope;
  attempts: number;
}

/**
 * Publishes committed outbox rows. Rows are claimed with `FOR UPDATE SKIP LOCKED`, so several
 * relays (one per API or orchestrator instance) never publish the same row concurrently.
 * Writers call `nudge()` after commit for low latency; the poll interval covers the rest
 * (rows written by a process that died before it could publish them).
 */
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(OutboxRelay.name);
  private timer?: NodeJS.Timeout;
  private stopped = true;
  private unregisterMetrics: Array<() => void> = [];
  private readonly passes = new CoalescedRunner(
    async () => {
      while (!this.stopped && (await this.publishPending()) === this.options.relayBatchSize);
    },
    (err) => this.logger.error({ err }, 'outbox relay pass failed'),
  );

  constructor(
    private readonly prisma: PrismaService,
    @Inject(MESSAGE_TRANSPORT) private readonly transport: MessageTransport,
    @Inject(MESSAGING_OPTIONS) private readonly options: MessagingOptions,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.options.relay) return;
    this.unregisterMetrics = [
      sampledGauge('deploysphere_outbox_backlog_messages', 'Outbox rows committed and not yet published (all relays together).').add(async (set) => set({}, (await this.backlog()).pending)),
      sampledGauge('deploysphere_outbox_oldest_age_seconds', 'Age of the oldest unpublished outbox row (0 when none): how far the relay is behind.').add(async (set) => set({}, (await this.backlog()).oldestSeconds)),
    ];
    this.stopped = false;
    this.passes.start();
    this.timer = setInterval(() => this.nudge(), this.options.relayPollMs);
    this.timer.unref();
    this.nudge();
  }

  /** Stops before the database pool closes (Nest destroys modules before application shutdown). */
  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    for (const remove of this.unregisterMetrics.splice(0)) remove();
    await this.passes.stop();
  }

  /**
   * With tracing on, each traced row is published inside a producer span (a child of the span
   * that wrote it) whose context the message carries on; otherwise the batch as it is.
   */
  private async publish(rows: PendingRow[]): Promise<void> {
    if (!tracingEnabled() || !rows.some((r) => r.payload.traceparent)) {
      await this.transport.publish(rows.map((r) => ({ topic: r.topic, key: r.key, value: r.payload })));
      return;
    }
    // Each producer span stays open until the batch is sent (or failed).
    let settle!: () => void;
    const settled = new Promise<void>((resolve) => (settle = resolve));
    const messages = await Promise.all(
      rows.map(
        (r) =>
          new Promise<OutgoingMessage>((ready) => {
            if (!r.payload.traceparent) return ready({ topic: r.topic, key: r.key, value: r.payload });
            void inSpan(`publish ${r.topic}`, 'producer', r.payload.traceparent, { 'messaging.destination.name': r.topic, 'messaging.message.id': r.id }, async () => {
              ready({ topic: r.topic, key: r.key, value: { ...r.payload, traceparent: currentTraceparent() } });
              await settled;
            });
          }),
      ),
    );
    try {
      await this.transport.publish(messages);
    } finally {
      settle();
    }
  }

  /** Unpublished rows and the age of the oldest, for the metrics. */
  async backlog(): Promise<{ pending: number; oldestSeconds: number }> {
    const [row] = await this.prisma.query<{ pending: number; oldest: number | null }>(Prisma.sql`
      SELECT count(*)::int AS pending, extract(epoch FROM now() - min(created_at))::float8 AS oldest FROM outbox_messages WHERE published_at IS NULL`);
    return { pending: row?.pending ?? 0, oldestSeconds: Math.max(0, row?.oldest ?? 0) };
  }

  /** Publish pending rows soon; coalesces calls made while a pass is running. */
  nudge(): void {
    if (!this.stopped) this.passes.run();
  }

  /** One pass; returns how many rows were published. Exposed for tests and the CLI. */
  async publishPending(): Promise<number> {
    return this.prisma.queryTransaction(async (query) => {
      // Not a row whose key has an earlier row still backing off on the same topic: rows back
      // off per row, so after an outage a row that failed once would otherwise overtake an
      // earlier one of its key that failed more often (and waits longer). Consumers rely on
      // order per key; the later row goes with (after) the earlier one once that is due.
      const rows = await query<PendingRow>(Prisma.sql`
        SELECT id, topic, key, payload, attempts FROM outbox_messages m
        WHERE published_at IS NULL AND available_at <= now()
          AND NOT EXISTS (
            SELECT 1 FROM outbox_messages w
            WHERE w.published_at IS NULL AND w.available_at > now()
              AND w.topic = m.topic AND w.key = m.key AND (w.created_at, w.id) < (m.created_at, m.id))
        ORDER BY created_at, id
        LIMIT ${this.options.relayBatchSize}
        FOR UPDATE SKIP LOCKED`);
      if (rows.length === 0) return 0;
      const ids = rows.map((r) => r.id);
      try {
        await this.publish(rows);
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        const attempts = rows[0].attempts + 1;
        const delayMs = Math.min(30_000, 200 * 2 ** Math.min(attempts, 8));
        this.logger.warn({ err: message, rows: rows.length, retryInMs: delayMs }, 'outbox publish failed; will retry');
        await query(Prisma.sql`
          UPDATE outbox_messages
          SET attempts = attempts + 1, last_error = ${message.slice(0, 1000)},
              available_at = now() + make_interval(secs => ${delayMs / 1000})
          WHERE id = ANY(${ids})`);
        return 0;
      }
      await query(Prisma.sql`UPDATE outbox_messages SET published_at = now() WHERE id = ANY(${ids})`);
      return rows.length;
    });
  }
}
