import 'reflect-metadata';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { DeploymentRequestedV1, type IntegrationEventClass } from '@deploysphere/contracts';
import { OutboxRelay, OutboxWriter, type MessageTransport, type MessagingOptions } from '@deploysphere/messaging';
import { createTestDatabase, type TestDatabase } from '@deploysphere/testing';
import { freePort } from '../../support/ports';
import { KafkaTestBroker, TEST_KAFKA_BROKERS } from './kafka-test-broker';
import { requested, sleep, TEST_MESSAGING, waitFor } from './transport.behaviour';

// The outbox relay in front of the Kafka transport, over a real PostgreSQL outbox: what the api
// and orchestrator run in distributed mode.
jest.setTimeout(90_000);

const broker = new KafkaTestBroker();
let db: TestDatabase;
const open: MessageTransport[] = [];
const relays: OutboxRelay[] = [];

beforeAll(async () => {
  await broker.connect();
  db = await createTestDatabase('postgres');
});
afterEach(async () => {
  await Promise.all(relays.splice(0).map((r) => r.onModuleDestroy()));
  await Promise.all(open.splice(0).map((t) => t.close()));
});
afterAll(async () => {
  await db?.close();
  await broker.cleanup();
});

const prisma = () => db.prisma;

async function transport(...args: Parameters<KafkaTestBroker['transport']>) {
  const t = await broker.transport(...args);
  open.push(t);
  return t;
}

function relay(t: MessageTransport, options: Partial<MessagingOptions> = {}): OutboxRelay {
  const r = new OutboxRelay(prisma(), t, { ...TEST_MESSAGING, relay: true, ...options });
  relays.push(r);
  return r;
}

/** The contract's event class, pointed at this run's topic. */
const eventOn = (topic: string) => ({ topic, type: DeploymentRequestedV1.type }) as unknown as IntegrationEventClass<DeploymentRequestedV1>;

/** Commits `count` events to the outbox, one transaction each, as the api's commands do. */
async function commitEvents(topic: string, count: number): Promise<string[]> {
  const writer = new OutboxWriter();
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const { key, payload, correlationId } = requested();
    const envelope = await prisma().$transaction((tx) => writer.add(tx, eventOn(topic), payload, { key, correlationId }));
    ids.push(envelope.id);
  }
  return ids;
}

/** Every event id that reaches the topic, duplicates included. */
async function collect(topic: string, group: string): Promise<string[]> {
  const seen: string[] = [];
  const consumer = await transport();
  await consumer.subscribe({ group, topics: [topic], handler: async (m) => void seen.push(m.envelope.id) });
  return seen;
}

const outboxRows = (topic: string) =>
  db.pool
    .query<{ id: string; attempts: number; last_error: string | null; published: boolean; available_at: Date }>(
      'SELECT id, attempts, last_error, published_at IS NOT NULL AS published, available_at FROM outbox_messages WHERE topic = $1',
      [topic],
    )
    .then((r) => r.rows);

it('two relays over one outbox publish every row exactly once, sharing the work', async () => {
  const topic = broker.topic('relay-pair');
  const seen = await collect(topic, 'relay-pair-reader');
  const ids = await commitEvents(topic, 120);
  const relayA = relay(await transport(), { relayBatchSize: 10 });
  const relayB = relay(await transport(), { relayBatchSize: 10 });

  // Both drain the same outbox at once, as two api instances would.
  const drain = async (r: OutboxRelay) => {
    let published = 0;
    for (let n = await r.publishPending(); n > 0; n = await r.publishPending()) published += n;
    return published;
  };
  const [byA, byB] = await Promise.all([drain(relayA), drain(relayB)]);

  expect(byA + byB).toBe(120);
  expect(byA).toBeGreaterThan(0);
  expect(byB).toBeGreaterThan(0);
  await waitFor('every event on the topic', () => seen.length >= 120, 30_000, () => seen.length);
  await sleep(500);
  expect([...seen].sort()).toEqual([...ids].sort());
  expect((await outboxRows(topic)).every((r) => r.published && r.attempts === 0)).toBe(true);
});

it('backs off while Kafka is unreachable and publishes everything once it is back', async () => {
  const topic = broker.topic('relay-outage');
  const seen = await collect(topic, 'relay-outage-reader');
  // The relay's transport points at a port where no broker listens yet.
  const port = await freePort();
  const down = await transport({ brokers: [`127.0.0.1:${port}`], publishTimeoutMs: 2_000 });
  const relayDown = relay(down, { relayPollMs: 100 });
  const ids = await commitEvents(topic, 20);

  relayDown.onApplicationBootstrap();
  // Every row has met the outage (tried and failed at least once), at whatever pace the machine runs.
  let during = await outboxRows(topic);
  for (const deadline = Date.now() + 30_000; !during.every((r) => r.attempts >= 1); during = await outboxRows(topic)) {
    if (Date.now() > deadline) throw new Error('the relay did not try every row during the outage');
    await sleep(100);
  }
  expect(during.filter((r) => r.published)).toEqual([]);
  expect(down.isReady()).toBe(false);
  const attempts = Math.max(...during.map((r) => r.attempts));
  // Polled every 100 ms for 5 s, yet retried only a handful of times: it backs off.
  expect(attempts).toBeGreaterThanOrEqual(1);
  expect(attempts).toBeLessThanOrEqual(4);
  expect(during.every((r) => r.last_error && r.available_at.getTime() > Date.now() - 10_000)).toBe(true);

  // The broker comes back on that port.
  const proxy = await forward(port, TEST_KAFKA_BROKERS[0]);
  try {
    await waitFor('the relay to publish every row', () => seen.length >= 20, 45_000, () => seen.length);
    await sleep(500);
    expect([...new Set(seen)].sort()).toEqual([...ids].sort());
    expect((await outboxRows(topic)).every((r) => r.published)).toBe(true);
    expect(down.isReady()).toBe(true);
  } finally {
    await relayDown.onModuleDestroy();
    await down.close();
    await proxy.close();
  }
});

/**
 * A TCP forwarder on 127.0.0.1:<port> to the broker. The broker advertises its own address, so
 * only the first (bootstrap) connection goes through here; that is what "the broker is back" means
 * to a client configured with this port.
 */
async function forward(port: number, target: string): Promise<{ close(): Promise<void> }> {
  const [host, targetPort] = [target.slice(0, target.lastIndexOf(':')), Number(target.slice(target.lastIndexOf(':') + 1))];
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = createConnection(targetPort, host);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('error', () => undefined);
      s.on('close', () => sockets.delete(s));
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    close: () =>
      new Promise<void>((resolve) => {
        sockets.forEach((s) => s.destroy());
        server.close(() => resolve());
      }),
  };
}
