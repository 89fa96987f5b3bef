import type { EventEnvelope } from '@deploysphere/contracts';
import { InMemoryTransport } from './in-memory.transport';
import type { IncomingMessage } from './message-transport.port';
import { TopicPrefixTransport } from './topic-prefix.transport';

const envelope = (id: string): EventEnvelope => ({ id, type: 'Test.v1', key: 'k', occurredAt: new Date(0).toISOString(), correlationId: id, payload: {} }) as unknown as EventEnvelope;

describe('TopicPrefixTransport', () => {
  it('publishes and subscribes under the prefix; handlers see the contract topic name', async () => {
    const wire = new InMemoryTransport();
    const staging = new TopicPrefixTransport(wire, 'staging.');
    const received: IncomingMessage[] = [];
    const onWire: string[] = [];
    await staging.subscribe({ group: 'g', topics: ['deployments.requested.v1'], handler: async (m) => void received.push(m) });
    await wire.subscribe({ group: 'spy', topics: ['staging.deployments.requested.v1', 'deployments.requested.v1'], handler: async (m) => void onWire.push(m.topic) });

    await staging.publish([{ topic: 'deployments.requested.v1', key: 'k', value: envelope('e1') }]);
    await wire.drained();

    expect(onWire).toEqual(['staging.deployments.requested.v1']);
    expect(received.map((m) => [m.topic, m.envelope.id])).toEqual([['deployments.requested.v1', 'e1']]);
  });

  it('does not see another installation’s messages on the same broker', async () => {
    const wire = new InMemoryTransport();
    const a = new TopicPrefixTransport(wire, 'a.');
    const b = new TopicPrefixTransport(wire, 'b.');
    const seenByA: string[] = [];
    await a.subscribe({ group: 'orchestrator', topics: ['t.v1'], handler: async (m) => void seenByA.push(m.envelope.id) });
    await b.publish([{ topic: 't.v1', key: 'k', value: envelope('from-b') }]);
    await wire.publish([{ topic: 't.v1', key: 'k', value: envelope('unprefixed') }]);
    await a.publish([{ topic: 't.v1', key: 'k', value: envelope('from-a') }]);
    await wire.drained();
    expect(seenByA).toEqual(['from-a']);
  });

  it('subscribes batches under the prefix; the batch and its messages carry the contract topic name', async () => {
    const wire = new InMemoryTransport();
    const staging = new TopicPrefixTransport(wire, 'staging.');
    const batches: Array<{ topic: string; messages: string[] }> = [];
    await staging.subscribeBatch({
      group: 'ingest',
      topics: ['logs.build.v1'],
      handler: async (b) => {
        batches.push({ topic: b.topic, messages: b.messages.map((m) => `${m.topic}/${m.envelope.id}`) });
        b.ack();
      },
    });
    await wire.publish([{ topic: 'logs.build.v1', key: 'k', value: envelope('unprefixed') }]);
    await staging.publish([{ topic: 'logs.build.v1', key: 'k', value: envelope('e1') }]);
    await wire.drained();
    expect(batches).toEqual([{ topic: 'logs.build.v1', messages: ['logs.build.v1/e1'] }]);
  });

  it('passes every other subscription option through and delegates readiness and close', async () => {
    const calls: unknown[] = [];
    const inner = {
      name: 'spy',
      publish: async () => undefined,
      subscribe: async (s: unknown) => void calls.push(s),
      subscribeBatch: async () => ({ pause: async () => undefined, close: async () => undefined }),
      isReady: () => true,
      close: async () => void calls.push('closed'),
    };
    const t = new TopicPrefixTransport(inner, 'p.');
    const subscription = { group: 'g', topics: ['x.v1'], handler: async () => undefined, startFrom: 'latest' as const };
    await t.subscribe(subscription);
    await t.close();
    expect(calls[0]).toMatchObject({ group: 'g', topics: ['p.x.v1'], startFrom: 'latest' });
    expect(calls[1]).toBe('closed');
    expect(t.isReady()).toBe(true);
    expect(t.name).toBe('spy');
  });
});
