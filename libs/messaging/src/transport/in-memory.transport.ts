import type { IncomingMessage, MessageTransport, OutgoingMessage, Subscription } from './message-transport.port';

interface GroupQueue {
  topics: Set<string>;
  handlers: Subscription['handler'][];
  queue: IncomingMessage[];
  next: number;
  running: boolean;
}

/**
 * In-process transport with the Kafka adapter's contract: every consumer group gets each
 * message, in publish order; several subscribers of one group take turns (like partitions
 * spread over instances). Handlers run after `publish` returns, never inside it.
 */
export class InMemoryTransport implements MessageTransport {
  readonly name = 'in-memory';
  private readonly groups = new Map<string, GroupQueue>();
  private closed = false;
  private idle: Array<() => void> = [];

  async publish(messages: OutgoingMessage[]): Promise<void> {
    if (this.closed) throw new Error('transport is closed');
    for (const m of messages) {
      // A copy through JSON, as a real broker would deliver: no shared object references.
      const envelope = JSON.parse(JSON.stringify(m.value));
      for (const group of this.groups.values()) {
        if (group.topics.has(m.topic)) group.queue.push({ topic: m.topic, key: m.key, envelope });
      }
    }
    for (const group of this.groups.values()) this.drain(group);
  }

  async subscribe({ group, topics, handler }: Subscription): Promise<void> {
    let g = this.groups.get(group);
    if (!g) {
      g = { topics: new Set(), handlers: [], queue: [], next: 0, running: false };
      this.groups.set(group, g);
    }
    topics.forEach((t) => g.topics.add(t));
    g.handlers.push(handler);
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
