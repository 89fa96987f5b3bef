import type { EventEnvelope } from '@deploysphere/contracts';
import { InMemoryTransport } from './in-memory.transport';
import type { MessageBatch } from './message-transport.port';

// What only the in-process adapter has (the shared behaviour is test/integration/messaging/transport.behaviour.ts).

const envelope = (id: string): EventEnvelope => ({ id, type: 'Test.v1', key: 'k', occurredAt: new Date(0).toISOString(), correlationId: id, payload: {} });
const publish = (t: InMemoryTransport, topic: string, ids: string[]) => t.publish(ids.map((id) => ({ topic, key: 'k', value: envelope(id) })));

describe('InMemoryTransport', () => {
  it('keeps retainOverrides[topic] messages of that topic for a new group instead of retainPerTopic', async () => {
    const t = new InMemoryTransport({ retainPerTopic: 5, retainOverrides: { 'bulk.v1': 2 } });
    await publish(t, 'bulk.v1', ['b1', 'b2', 'b3']);
    await publish(t, 'events.v1', ['e1', 'e2', 'e3']);
    const seen: string[] = [];
    await t.subscribe({ group: 'late', topics: ['bulk.v1', 'events.v1'], handler: async (m) => void seen.push(m.envelope.id) });
    await t.drained();
    expect(seen).toEqual(['b2', 'b3', 'e1', 'e2', 'e3']);
    await t.close();
  });

  it('makes publish wait while a running batch group holds more than maxBatchBacklog messages, and not once it is paused', async () => {
    const t = new InMemoryTransport({ maxBatchMessages: 1, maxBatchBacklog: 2 });
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const batches: MessageBatch[] = [];
    const consumer = await t.subscribeBatch({
      group: 'slow',
      topics: ['bulk.v1'],
      handler: async (b) => {
        batches.push(b);
        await held;
      },
    });
    let done = false;
    const publishing = publish(t, 'bulk.v1', ['m1', 'm2', 'm3', 'm4', 'm5']).then(() => (done = true));
    await new Promise((r) => setTimeout(r, 100));
    // m1 is with the handler, four wait: more than two, so the producer waits.
    expect(batches).toHaveLength(1);
    expect(done).toBe(false);
    release();
    await publishing;
    expect(done).toBe(true);

    await consumer.pause();
    await publish(t, 'bulk.v1', ['p1', 'p2', 'p3', 'p4']);
    await consumer.close();
    await t.close();
  });
});
