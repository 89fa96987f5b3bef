import type { IncomingMessage, MessageTransport, OutgoingMessage, Subscription } from './message-transport.port';

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

export interface InMemoryTransportOptions {
  /**
   * Messages kept per topic, the in-process stand-in for a Kafka topic's retention: a new group
   * subscribing with `startFrom: 'earliest'` receives these first. Default 1,000.
   */
  retainPerTopic?: number;
}

/**
 * In-process transport with the Kafka adapter's contract: every consumer group gets each
 * message, in publish order; several subscribers of one group take turns (like partitions
 * spread over instances). Handlers run after `publish` returns, never inside it. A new group
 * starts from the last `retainPerTopic` messages of each of its topics (`earliest`) or from the
 * next one published (`latest`); nothing survives the process.
 */
export class InMemoryTransport implements MessageTransport {
  readonly name = 'in-memory';
  private readonly groups = new Map<string, GroupQueue>();
  private readonly retained = new Map<string, Retained[]>();
  private readonly retainPerTopic: number;
  private seq = 0;
  private closed = false;
  private idle: Array<() => void> = [];

  constructor(options: InMemoryTransportOptions = {}) {
    this.retainPerTopic = options.retainPerTopic ?? 1_000;
  }

  async publish(messages: OutgoingMessage[]): Promise<void> {
    if (this.closed) throw new Error('transport is closed');
    for (const m of messages) {
      // A copy through JSON, as a real broker would deliver: no shared object references.
      const message: IncomingMessage = { topic: m.topic, key: m.key, envelope: JSON.parse(JSON.stringify(m.value)) };
      this.retain(message);
      for (const group of this.groups.values()) {
        if (group.topics.has(m.topic)) group.queue.push(message);
      }
    }
    for (const group of this.groups.values()) this.drain(group);
  }

  async subscribe({ group, topics, handler, startFrom = 'earliest' }: Subscription): Promise<void> {
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

  isReady(): boolean {
    return !this.closed;
  }

  /** Resolves when every queued message has been handled (tests and graceful shutdown). */
  async drained(): Promise<void> {
    if ([...this.groups.values()].every((g) => !g.running && g.queue.length === 0)) return;
    await new Promise<void>((resolve) => this.idle.push(resolve));
  }

  async close(): Promise<void> {
    await this.drained();
    this.closed = true;
  }

  private retain(message: IncomingMessage): void {
    if (this.retainPerTopic <= 0) return;
    let list = this.retained.get(message.topic);
    if (!list) this.retained.set(message.topic, (list = []));
    list.push({ seq: this.seq++, message });
    if (list.length > this.retainPerTopic) list.splice(0, list.length - this.retainPerTopic);
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
      if ([...this.groups.values()].every((g) => !g.running && g.queue.length === 0)) {
        this.idle.splice(0).forEach((resolve) => resolve());
      }
    });
  }
}
