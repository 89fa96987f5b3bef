import { Injectable, Optional } from '@nestjs/common';
import { AsyncLocalStorage } from 'node:async_hooks';
import type { EventEnvelope, IntegrationEventClass } from '@deploysphere/contracts';
import { newId } from '@deploysphere/common';
import { Prisma, PrismaService, type PrismaTx } from '@deploysphere/database';
import { OutboxRelay } from './outbox.relay';
import { currentTraceparent } from '@deploysphere/observability';

export interface EventMeta {
  key: string;
  correlationId: string;
  causationId?: string;
}

/** Interactive-transaction limits, as Prisma's `$transaction` takes them. */
export interface TransactionLimits {
  maxWait?: number;
  timeout?: number;
}

/**
 * Writes integration events into the outbox inside the caller's transaction, so the state
 * change and its event commit together or not at all. OutboxRelay publishes them; the writer's
 * `transaction` and `query` nudge it after their commit, so no caller has to.
 */
@Injectable()
export class OutboxWriter {
  /** Events raised on the EventBus inside the `transaction` running in this async context. */
  private readonly raised = new AsyncLocalStorage<OutboxEvent[]>();

  constructor(
    @Optional() private readonly prisma?: PrismaService,
    @Optional() private readonly relay?: OutboxRelay,
  ) {}

  async add<P extends object>(
    tx: Prisma.TransactionClient,
    eventClass: IntegrationEventClass<P>,
    payload: P,
    meta: EventMeta,
  ): Promise<EventEnvelope<P>> {
    const [envelope] = await this.addMany(tx, [event(eventClass, payload, meta)]);
    return envelope as EventEnvelope<P>;
  }

  /**
   * Several events in one INSERT (one round trip), published in the order given. Raw SQL: through
   * Prisma's model API the JSON payloads made this the costliest statement of a build's life
   * cycle (≈3× the CPU of the same insert as `$executeRaw`). `created_at`/`available_at` are the
   * database's (the relay compares them with its `now()`, so no clock skew between hosts).
   */
  async addMany(tx: Prisma.TransactionClient, events: OutboxEvent[]): Promise<EventEnvelope[]> {
    if (events.length === 0) return [];
    const rows = outboxRows(events);
    await tx.$executeRaw(outboxInsert(rows));
    return rows.envelopes;
  }

  /**
   * An interactive transaction whose events are published after it commits: those added with
   * `add`/`addMany`, and those `work` raised on the EventBus (`integrationEvent`), written in the
   * order raised once `work` resolved, before the commit.
   */
  async transaction<T>(work: (tx: PrismaTx) => Promise<T>, limits?: TransactionLimits): Promise<T> {
    const result = await this.database().$transaction(async (tx) => {
      const raised: OutboxEvent[] = [];
      const value = await this.raised.run(raised, () => work(tx));
      await this.addMany(tx, raised);
      return value;
    }, limits);
    this.relay?.nudge();
    return result;
  }

  /** Takes an event raised on the EventBus into the transaction running here; false when none runs. */
  collect(raised: OutboxEvent): boolean {
    const events = this.raised.getStore();
    events?.push(raised);
    return events !== undefined;
  }

  /** One statement that writes outbox rows (built with `outboxInsert`), published after it commits. */
  async query<T>(sql: Prisma.Sql): Promise<T[]> {
    const rows = await this.database().query<T>(sql);
    this.relay?.nudge();
    return rows;
  }

  private database(): PrismaService {
    if (!this.prisma) throw new Error('OutboxWriter was made without a database: only add/addMany inside a caller-owned transaction work');
    return this.prisma;
  }
}

/** The outbox rows of some events as column arrays, with their envelopes (see `outboxRows`). */
export interface OutboxRows {
  envelopes: EventEnvelope[];
  ids: string[];
  topics: string[];
  keys: string[];
  types: string[];
  payloads: string[];
}

/**
 * The outbox rows of `events` as column arrays (for an `unnest` insert), in the order given.
 * Rows of one statement share created_at, so the relay's order among them is the id's: ids made
 * in the same millisecond differ only in their random part, so they are sorted to follow the
 * order given.
 */
export function outboxRows(events: OutboxEvent[]): OutboxRows {
  const occurredAt = new Date().toISOString();
  // The request (or handler) writing them: its trace goes on through the outbox and the transport.
  const traceparent = currentTraceparent();
  const ids = events.map(() => newId('evt')).sort();
  const envelopes = events.map(({ eventClass, payload, meta }, i): EventEnvelope => ({
    id: ids[i],
    type: eventClass.type,
    key: meta.key,
    occurredAt,
    correlationId: meta.correlationId,
    causationId: meta.causationId,
    ...(traceparent ? { traceparent } : {}),
    payload: { ...payload },
  }));
  return {
    envelopes,
    ids,
    topics: events.map((e) => e.eventClass.topic),
    keys: envelopes.map((e) => e.key),
    types: envelopes.map((e) => e.type),
    payloads: envelopes.map((e) => JSON.stringify(e)),
  };
}

/** Rows `start` to `end` (exclusive) of `rows`, keeping their ids (and so their relay order). */
export function sliceOutboxRows(rows: OutboxRows, start: number, end?: number): OutboxRows {
  return {
    envelopes: rows.envelopes.slice(start, end),
    ids: rows.ids.slice(start, end),
    topics: rows.topics.slice(start, end),
    keys: rows.keys.slice(start, end),
    types: rows.types.slice(start, end),
    payloads: rows.payloads.slice(start, end),
  };
}

export interface OutboxInsertOptions {
  /**
   * One owner id per row, in order; only rows whose owner is in the set `in` selects (for
   * example `Prisma.sql\`SELECT id FROM moved\``) are written: the events of exactly the rows a
   * batched UPDATE moved.
   */
  owners?: { ids: string[]; in: Prisma.Sql };
  /** Write the rows only when this condition holds (for example `EXISTS (SELECT 1 FROM moved)`). */
  when?: Prisma.Sql;
  /** Write one copy of each row per row of this relation (for example a CTE of what happened)… */
  per?: Prisma.Sql;
  /** …with its JSON payload rewritten by this expression (`payload` names the original). */
  payload?: (payload: Prisma.Sql) => Prisma.Sql;
}

/**
 * The INSERT of `rows` into the outbox, as a statement or a data-modifying CTE of a larger
 * statement (`WITH …, events AS (${outboxInsert(rows, { when })}) …`): a state change and its
 * events in one statement, which is its own transaction. Run it with `OutboxWriter.query` so the
 * relay is nudged after it commits.
 */
export function outboxInsert(rows: OutboxRows, options: OutboxInsertOptions = {}): Prisma.Sql {
  const owners = options.owners;
  const source = owners
    ? Prisma.sql`unnest(${rows.ids}::text[], ${rows.topics}::text[], ${rows.keys}::text[], ${rows.types}::text[], ${rows.payloads}::jsonb[], ${owners.ids}::text[])
        AS e(id, topic, key, type, payload, owner)`
    : Prisma.sql`unnest(${rows.ids}::text[], ${rows.topics}::text[], ${rows.keys}::text[], ${rows.types}::text[], ${rows.payloads}::jsonb[])
        AS e(id, topic, key, type, payload)`;
  const conditions = [owners ? Prisma.sql`e.owner IN (${owners.in})` : undefined, options.when].filter((c): c is Prisma.Sql => c !== undefined);
  const where = conditions.length > 0 ? Prisma.sql`WHERE ${Prisma.join(conditions, ' AND ')}` : Prisma.empty;
  const payload = options.payload ? options.payload(Prisma.sql`e.payload`) : Prisma.sql`e.payload`;
  const per = options.per ? Prisma.sql`, ${options.per}` : Prisma.empty;
  return Prisma.sql`
    INSERT INTO outbox_messages (id, topic, key, type, payload)
    SELECT e.id, e.topic, e.key, e.type, ${payload} FROM ${source}${per} ${where}`;
}

/** One event for OutboxWriter.addMany; build it with `event()` to keep the payload typed. */
export interface OutboxEvent {
  eventClass: IntegrationEventClass<object>;
  payload: object;
  meta: EventMeta;
}

export function event<P extends object>(eventClass: IntegrationEventClass<P>, payload: P, meta: EventMeta): OutboxEvent {
  return { eventClass: eventClass as IntegrationEventClass<object>, payload, meta };
}
