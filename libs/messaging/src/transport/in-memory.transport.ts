import type {
  BatchConsumer,
  BatchHandler,
  BatchSubscription,
  IncomingMessage,
  MessageTransport,
  OutgoingMessage,
  StartFrom,
  Subscription,
} from './message-transport.port';

interface GroupQueue {
  topics: Set<string>;
  handlers: Subscription['handler'][];
  queue: IncomingMessage[];
  next: number;
  running: boolean;
}

interface Retained {
  seq: number;
  message: IncomingMessage;
}

/** One batch handed to a member and not acked yet; `returned` once it went back to the queue. */
interface Delivery {
  items: Retained[];
  acked: boolean;
  returned: boolean;
}

interface BatchMember {
  handler: BatchHandler;
  paused: boolean;
  /** Delivered, in order, from the first one not acked yet (acked ones at the front are dropped). */
  deliveries: Delivery[];
  inFlight?: Promise<void>;
}

interface BatchGroup {
  topics: Set<string>;
  members: BatchMember[];
  queue: Retained[];
  next: number;
  running: boolean;
}

export interface InMemoryTransportOptions {
  /**
   * Messages kept per topic, the in-process stand-in for a Kafka topic's retention: a new group
   * subscribing with `startFrom: 'earliest'` receives these first. Default 1,000.
   */
  retainPerTopic?: number;
  /** `retainPerTopic` for these topics instead (bulk topics whose messages are large). */
  retainOverrides?: Record<string, number>;
  /** Most messages handed to a batch handler at once. Default 100. */
  maxBatchMessages?: number;
  /**
   * Messages waiting for a batch group with a running member before `publish` waits for room:
   * memory stands in for the broker's disk, so a slow bulk consumer slows its producers down
   * instead of growing the heap. Default 1,000.
   */
  maxBatchBacklog?: number;
  /** Pause before a batch whose handler threw is delivered again (Kafka: the re-fetch pause). Default 1,000 ms. */
  batchRetryMs?: number;
}

/**
 * In-process transport with the Kafka adapter's contract: every consumer group gets each
 * message, in publish order; several subscribers of one group take turns (like partitions
 * spread over instances). Handlers run after `publish` returns, never inside it. A new group
 * starts from the last `retainPerTopic` messages of each of its topics (`earliest`) or from the
 * next one published (`latest`); nothing survives the process.
 *
 * Batch subscriptions: a group's queue is handed out in runs of one topic's messages, one run at a
 * time per group, members taking turns. When a member closes, everything it was handed from its
 * first run not acked onwards goes back to the front of the queue (in publish order) for the next
 * member, as Kafka resumes from the last commit; a run whose handler threw is delivered again
 * after `batchRetryMs`.
 */
export class InMemoryTransport implements MessageTransport {
  readonly name = 'in-memory';
  private readonly groups = new Map<string, GroupQueue>();
  private readonly retained = new Map<string, Retained[]>();
  private readonly batchGroups = new Map<string, BatchGroup>();
  private readonly retainPerTopic: number;
  private readonly retainOverrides: Record<string, number>;
  private readonly maxBatchMessages: number;
  private readonly maxBatchBacklog: number;
  private readonly batchRetryMs: number;
  private seq = 0;
  private closed = false;
  /** close() has begun: batch members get nothing new. */
  private stopping = false;
  private idle: Array<() => void> = [];
  private roomWaiters: Array<() => void> = [];

  constructor(options: InMemoryTransportOptions = {}) {
    this.retainPerTopic = options.retainPerTopic ?? 1_000;
    this.retainOverrides = options.retainOverrides ?? {};
    this.maxBatchMessages = options.maxBatchMessages ?? 100;
    this.maxBatchBacklog = options.maxBatchBacklog ?? 1_000;
    this.batchRetryMs = options.batchRetryMs ?? 1_000;
  }

  async publish(messages: OutgoingMessage[]): Promise<void> {
    if (this.closed) throw new Error('transport is closed');
    for (const m of messages) {
      // A copy through JSON, as a real broker would deliver: no shared object references.
      const message: IncomingMessage = { topic: m.topic, key: m.key, envelope: JSON.parse(JSON.stringify(m.value)) };
      const item = this.retain(message);
      for (const group of this.groups.values()) {
        if (group.topics.has(m.topic)) group.queue.push(message);
      }
      for (const group of this.batchGroups.values()) {
        if (group.topics.has(m.topic)) group.queue.push(item);
      }
    }
    for (const group of this.groups.values()) this.drain(group);
    for (const group of this.batchGroups.values()) this.drainBatches(group);
    const topics = new Set(messages.map((m) => m.topic));
    while (!this.stopping && this.backlogged(topics)) await new Promise<void>((resolve) => this.roomWaiters.push(resolve));
  }

  async subscribe({ group, topics, handler, startFrom = 'earliest' }: Subscription): Promise<void> {
    if (this.batchGroups.has(group)) throw new Error(`consumer group ${group} already takes batches`);
    let g = this.groups.get(group);
    if (!g) {
      g = { topics: new Set(topics), handlers: [], queue: [], next: 0, running: false };
      this.groups.set(group, g);
      // A new group: its position is fixed here, synchronously, so nothing published after this
      // call is missed; `earliest` first replays what the topics retain, in publish order.
      if (startFrom === 'earliest') {
        const history = topics.flatMap((t) => this.retained.get(t) ?? []).sort((a, b) => a.seq - b.seq);
        g.queue.push(...history.map((r) => ({ ...r.message, envelope: structuredClone(r.message.envelope) })));
      }
    }
    topics.forEach((t) => g.topics.add(t));
    g.handlers.push(handler);
    this.drain(g);
  }

  async subscribeBatch({ group, topics, handler, startFrom = 'earliest' }: BatchSubscription): Promise<BatchConsumer> {
    if (this.stopping) throw new Error('transport is closed');
    if (this.groups.has(group)) throw new Error(`consumer group ${group} already takes single messages`);
    const g = this.batchGroups.get(group) ?? this.newBatchGroup(group, topics, startFrom);
    topics.forEach((t) => g.topics.add(t));
    const member: BatchMember = { handler, paused: false, deliveries: [] };
    g.members.push(member);
    this.drainBatches(g);
    let closing: Promise<void> | undefined;
    return {
      pause: async () => {
        member.paused = true;
        this.wakeRoomWaiters();
      },
      close: () =>
        (closing ??= (async () => {
          member.paused = true;
          this.wakeRoomWaiters();
          await member.inFlight;
          g.members.splice(g.members.indexOf(member), 1);
          // As Kafka resumes from the last commit: everything from the first batch not acked.
          this.giveBack(g, member.deliveries.splice(0));
          this.drainBatches(g);
        })()),
    };
  }

  isReady(): boolean {
    return !this.closed;
  }

  /** A new group's position is fixed here, synchronously, as for `subscribe`. */
  private newBatchGroup(name: string, topics: string[], startFrom: StartFrom): BatchGroup {
    const g: BatchGroup = { topics: new Set(topics), members: [], queue: [], next: 0, running: false };
    if (startFrom === 'earliest') g.queue.push(...topics.flatMap((t) => this.retained.get(t) ?? []).sort((a, b) => a.seq - b.seq));
    this.batchGroups.set(name, g);
    return g;
  }

  /** Resolves when every queued message has been handled (tests and graceful shutdown); batch groups without a running member do not count. */
  async drained(): Promise<void> {
    if (this.isIdle()) return;
    await new Promise<void>((resolve) => this.idle.push(resolve));
  }

  async close(): Promise<void> {
    this.stopping = true;
    this.wakeRoomWaiters();
    await Promise.all([...this.batchGroups.values()].flatMap((g) => g.members.map((m) => m.inFlight)));
    await this.drained();
    this.closed = true;
  }

  private retain(message: IncomingMessage): Retained {
    const item = { seq: this.seq++, message };
    const keep = this.retainOverrides[message.topic] ?? this.retainPerTopic;
    if (keep <= 0) return item;
    let list = this.retained.get(message.topic);
    if (!list) this.retained.set(message.topic, (list = []));
    list.push(item);
    if (list.length > keep) list.splice(0, list.length - keep);
    return item;
  }

  private isIdle(): boolean {
    return (
      [...this.groups.values()].every((g) => !g.running && g.queue.length === 0) &&
      [...this.batchGroups.values()].every((g) => !g.running && (g.queue.length === 0 || !this.activeMember(g)))
    );
  }

  private activeMember(group: BatchGroup): boolean {
    return !this.stopping && group.members.some((m) => !m.paused);
  }

  private backlogged(topics: Set<string>): boolean {
    for (const g of this.batchGroups.values()) {
      if (g.queue.length > this.maxBatchBacklog && this.activeMember(g) && [...topics].some((t) => g.topics.has(t))) return true;
    }
    return false;
  }

  private wakeRoomWaiters(): void {
    this.roomWaiters.splice(0).forEach((wake) => wake());
  }

  /** Puts deliveries back at the front of the queue, in publish order. */
  private giveBack(group: BatchGroup, deliveries: Delivery[]): void {
    const items = deliveries.filter((d) => !d.returned).flatMap((d) => ((d.returned = true), d.items));
    if (items.length > 0) group.queue = [...items, ...group.queue].sort((a, b) => a.seq - b.seq);
  }

  private drainBatches(group: BatchGroup): void {
    if (group.running || group.queue.length === 0 || !this.activeMember(group)) return;
    group.running = true;
    setImmediate(async () => {
      while (group.queue.length > 0) {
        const active = group.members.filter((m) => !m.paused);
        if (active.length === 0 || this.stopping) break;
        const member = active[group.next++ % active.length];
        const topic = group.queue[0].message.topic;
        let n = 1;
        while (n < group.queue.length && n < this.maxBatchMessages && group.queue[n].message.topic === topic) n++;
        const delivery: Delivery = { items: group.queue.splice(0, n), acked: false, returned: false };
        this.wakeRoomWaiters();
        member.deliveries.push(delivery);
        const ack = () => {
          if (delivery.returned) return;
          delivery.acked = true;
          while (member.deliveries[0]?.acked) member.deliveries.shift();
        };
        const handling = member.handler({ topic, messages: delivery.items.map((i) => i.message), ack }).then(
          () => true,
          () => false,
        );
        member.inFlight = handling.then(() => undefined);
        if (!(await handling)) {
          member.deliveries.splice(member.deliveries.indexOf(delivery), 1);
          this.giveBack(group, [delivery]);
          await new Promise((r) => setTimeout(r, this.batchRetryMs));
        }
        member.inFlight = undefined;
      }
      group.running = false;
      if (this.isIdle()) this.idle.splice(0).forEach((resolve) => resolve());
      // A member may have resumed or joined while this loop was finishing.
      this.drainBatches(group);
    });
  }

  private drain(group: GroupQueue): void {
    if (group.running || group.queue.length === 0 || group.handlers.length === 0) return;
    group.running = true;
    setImmediate(async () => {
      while (group.queue.length > 0) {
        const message = group.queue.shift()!;
        const handler = group.handlers[group.next++ % group.handlers.length];
        // Handlers are wrapped by ConsumerHost, which retries and dead-letters; an error
        // reaching here is a bug in the wrapper, so it must not kill the loop.
        await handler(message).catch(() => undefined);
      }
      group.running = false;
      if (this.isIdle()) this.idle.splice(0).forEach((resolve) => resolve());
    });
  }
}
