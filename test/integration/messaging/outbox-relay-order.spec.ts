import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { DeploymentRequestedV1, type IntegrationEventClass } from '@deploysphere/contracts';
import { OutboxRelay, OutboxWriter, type BatchConsumer, type MessageTransport, type OutgoingMessage } from '@deploysphere/messaging';
import { createTestDatabase, type TestDatabase } from '@deploysphere/testing';
import { requested, TEST_MESSAGING, waitFor } from './transport.behaviour';

// Per-key order through an outage, over a real PostgreSQL outbox. The relay backs off per row:
// a row that kept failing while the broker was away waits longer than a row of the same key
// written later, which failed only once. When the broker is back, the later row must still not
// overtake the earlier one: consumers rely on order per key (a deployment's status changes).

if (!process.env.TEST_LOGS) Logger.overrideLogger(false);
jest.setTimeout(60_000);

/** Records what reaches "the broker"; fails every publish while `down`, as the Kafka adapter does with no broker. */
class FlakyTransport implements MessageTransport {
  readonly name = 'flaky';
  down = true;
  attempts = 0;
  readonly published: OutgoingMessage[] = [];
  async publish(messages: OutgoingMessage[]): Promise<void> {
    this.attempts++;
    if (this.down) throw new Error('Kafka publish of 1 message(s) timed out after 10000 ms');
    this.published.push(...messages);
  }
  async subscribe(): Promise<void> {}
  async subscribeBatch(): Promise<BatchConsumer> {
    return { pause: async () => undefined, close: async () => undefined };
  }
  isReady(): boolean {
    return !this.down;
  }
  async close(): Promise<void> {}
}

let db: TestDatabase;
let relay: OutboxRelay | undefined;

beforeAll(async () => {
  db = await createTestDatabase('postgres');
});
afterEach(async () => {
  await relay?.onModuleDestroy();
  relay = undefined;
});
afterAll(async () => {
  await db?.close();
});

const prisma = () => db.prisma;
const TOPIC = 'order.status.v1';
const eventOn = { topic: TOPIC, type: DeploymentRequestedV1.type } as unknown as IntegrationEventClass<DeploymentRequestedV1>;

async function commit(key: string): Promise<string> {
  const { payload, correlationId } = requested(key);
  const envelope = await prisma().$transaction((tx) => new OutboxWriter().add(tx, eventOn, payload, { key, correlationId }));
  return envelope.id;
}

it('publishes a key\'s rows in the order they were written, however often each failed while the broker was away', async () => {
  const transport = new FlakyTransport();
  relay = new OutboxRelay(prisma(), transport, { ...TEST_MESSAGING, relay: true, relayPollMs: 50 });
  relay.onApplicationBootstrap();

  // The first row of each key fails several times (its backoff grows: 0.4, 0.8, 1.6 s…).
  const keys = ['dpl_a', 'dpl_b', 'dpl_c'].map((k) => k.padEnd(30, '0'));
  const first = await Promise.all(keys.map((k) => commit(k)));
  await waitFor('the first rows to fail a few times', () => transport.attempts >= 4, 20_000);
  // A later row of each key fails once (backoff 0.4 s), then the broker is back.
  const second = await Promise.all(keys.map((k) => commit(k)));
  const failed = transport.attempts;
  await waitFor('the later rows to fail once', () => transport.attempts > failed, 10_000);
  transport.down = false;

  await waitFor('every row published', () => transport.published.length >= 6, 30_000, () => transport.published.map((m) => (m.value as { id: string }).id));
  const order = transport.published.map((m) => (m.value as { id: string }).id);
  for (let i = 0; i < keys.length; i++) expect(order.indexOf(first[i])).toBeLessThan(order.indexOf(second[i]));
  expect(order).toHaveLength(6);
});
