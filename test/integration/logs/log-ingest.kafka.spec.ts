import { createClient } from '@clickhouse/client';
import { deadLetterTopic, type BuildLogBatchV1 } from '@deploysphere/contracts';
import { AccessLogPublisher, ClickHouseLogStore, LogTopics, type LogDelivery, type LogStore } from '@deploysphere/logs';
import { KafkaTransport } from '@deploysphere/messaging';
import { LogIngestor } from '../../../apps/log-ingest/src/ingest/log-ingestor';
import { Kafka, logLevel } from 'kafkajs';
import { randomBytes } from 'node:crypto';
import { deleteKafkaTopics, requireClickHouse, requireKafka, uniqueName, type TestClickHouse } from '../../support/log-services';

// Kafka → LogIngestor → ClickHouse, with real services: batches, offsets committed only after
// the insert, redelivery removed by the store, malformed messages dead-lettered. Each LogTopics
// runs on its own KafkaTransport (a process of its own).

jest.setTimeout(120_000);

const newDeployment = () => `dpl_${randomBytes(13).toString('hex').slice(0, 26)}`;
const batch = (deploymentId: string, from: number, to: number): BuildLogBatchV1 => ({
  deploymentId,
  lines: Array.from({ length: to - from + 1 }, (_, i) => ({ seq: from + i, ts: new Date(1_764_158_400_000 + (from + i) * 10).toISOString(), stream: 'stdout' as const, message: `line ${from + i}` })),
});
const until = async (cond: () => Promise<boolean> | boolean, ms = 60_000) => {
  const deadline = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 100));
  }
};

describe('log ingest from Kafka into ClickHouse', () => {
  let brokers: string[];
  let ch: TestClickHouse;
  let store: ClickHouseLogStore;
  // Each test has its own topics, so a new consumer group reads only that test's messages.
  const created: string[] = [];
  let topics = { build: '', access: '' };
  beforeEach(() => {
    topics = { build: `${uniqueName('test.logs.build')}.v1`, access: `${uniqueName('test.logs.access')}.v1` };
    created.push(...[topics.build, topics.access].flatMap((t) => [t, deadLetterTopic(t)]));
  });
  const group = uniqueName('test-log-ingest');
  const open: KafkaTransport[] = [];
  const topicsFor = async (groupId = group) => {
    const transport = new KafkaTransport({ brokers, clientId: 'log-ingest-test', groupPrefix: '', partitions: 3, replicationFactor: 1, sessionTimeoutMs: 10_000, publishTimeoutMs: 30_000, topics: [] });
    await transport.start();
    open.push(transport);
    return new LogTopics(transport, { topics, group: groupId });
  };
  const query = async (sql: string) => {
    const c = createClient({ url: ch.url });
    try {
      return await (await c.query({ query: sql, format: 'JSONEachRow' })).json<Record<string, string>>();
    } finally {
      await c.close();
    }
  };
  const storedCount = async (dep: string, final = true) =>
    Number((await query(`SELECT count() AS n FROM \`${ch.database}\`.build_log_lines ${final ? 'FINAL' : ''} WHERE deployment_id = '${dep}'`))[0].n);

  beforeAll(async () => {
    brokers = await requireKafka();
    ch = await requireClickHouse();
    store = new ClickHouseLogStore({ url: ch.url, database: ch.database });
    await store.ensureSchema();
  });

  afterAll(async () => {
    await Promise.allSettled(open.map((t) => t.close()));
    await store?.close();
    await ch?.drop();
    if (brokers) await deleteKafkaTopics(brokers, created);
  });

  it('stores every line once, in batches of at most LOG_BATCH_MAX_ROWS, and access records too', async () => {
    const producer = await topicsFor();
    const deps = [newDeployment(), newDeployment(), newDeployment()];
    for (let i = 0; i < 10; i++) await producer.publishBuild(deps.map((d) => batch(d, i * 200 + 1, i * 200 + 200)));
    const project = `prj_${randomBytes(13).toString('hex').slice(0, 26)}`;
    await new AccessLogPublisher(producer).publish(
      Array.from({ length: 500 }, (_, i) => ({ time: 1_764_158_400_000 + i, host: 'a.localhost', deploymentId: null, projectId: project, method: 'GET', path: `/p${i % 3}`, status: 200, bytes: 10, durationMs: 1, userAgent: null, clientIp: null })),
    );

    const consumer = await topicsFor();
    const ingestor = new LogIngestor(store, { maxRows: 1000, maxAgeMs: 200 });
    await consumer.start((d) => ingestor.add(d));
    await until(async () => (await Promise.all(deps.map((d) => storedCount(d)))).every((n) => n === 2000));
    await until(async () => Number((await query(`SELECT count() AS n FROM \`${ch.database}\`.access_logs FINAL WHERE project_id = '${project}'`))[0].n) === 500);
    // The rows are visible in ClickHouse a moment before the insert's response reaches the ingestor.
    await until(async () => ingestor.getStats().pendingRows === 0);
    const stats = ingestor.getStats();
    expect(stats.insertedBuildRows).toBe(6000);
    expect(stats.batches).toBeGreaterThanOrEqual(6);
    expect(stats.pendingRows).toBe(0);
    await consumer.pause();
    await ingestor.close();
    await consumer.stop();
  });

  it('splits what is larger than the broker accepts in one message or request', async () => {
    const g = uniqueName('test-log-ingest-large');
    const dep = newDeployment();
    const big = batch(dep, 1, 5000);
    big.lines.forEach((l) => (l.message = `${l.message} ${'é'.repeat(1000)}`));
    // 5,000 lines of ~2 KB: about 10 MB in one publish, ten times Kafka's default message limit.
    await (await topicsFor(g)).publishBuild([big]);
    const consumer = await topicsFor(g);
    const ingestor = new LogIngestor(store, { maxRows: 2000, maxAgeMs: 100 });
    await consumer.start((d) => ingestor.add(d));
    await until(async () => (await storedCount(dep)) === 5000);
    expect((await store.readBuildLines(dep, 4999, 2)).map((l) => l.message)).toEqual(big.lines.slice(4998).map((l) => l.message));
    await consumer.pause();
    await ingestor.close();
    await consumer.stop();
  });

  it('commits offsets only after the insert: what a crashed consumer had not stored comes back', async () => {
    const g = uniqueName('test-log-ingest-crash');
    const dep = newDeployment();
    const producer = await topicsFor(g);
    await producer.publishBuild([batch(dep, 1, 300)]);

    // First consumer: the store refuses every insert (ClickHouse down), then the process dies.
    const refusing = { ...store, insertBuildLines: async () => Promise.reject(new Error('clickhouse down')), ping: async () => Promise.reject(new Error('down')) } as unknown as LogStore;
    const first = await topicsFor(g);
    const failing = new LogIngestor(refusing, { maxRows: 100, maxAgeMs: 50, retryBaseMs: 20, retryMaxMs: 50 });
    let received = 0;
    await first.start(async (d) => {
      received += d.build.length;
      await failing.add(d);
    });
    await until(() => received === 300);
    await first.pause();
    await failing.close(200);
    await first.stop();
    expect(await storedCount(dep)).toBe(0);

    // Second consumer of the same group: everything is redelivered and stored.
    const second = await topicsFor(g);
    const ingestor = new LogIngestor(store, { maxRows: 100, maxAgeMs: 50 });
    await second.start((d) => ingestor.add(d));
    await until(async () => (await storedCount(dep)) === 300);
    await second.pause();
    await ingestor.close();
    await second.stop();
  });

  it('removes duplicates from a redelivery after the insert succeeded but the commit never happened', async () => {
    const g = uniqueName('test-log-ingest-redeliver');
    const dep = newDeployment();
    await (await topicsFor(g)).publishBuild([batch(dep, 1, 250)]);

    // Stored, but the process dies before acking (so before committing).
    const first = await topicsFor(g);
    const noAck = new LogIngestor(store, { maxRows: 1000, maxAgeMs: 50 });
    await first.start((d: LogDelivery) => noAck.add({ ...d, ack: () => undefined }));
    await until(async () => (await storedCount(dep)) === 250);
    await noAck.close();
    await first.stop();

    const second = await topicsFor(g);
    const ingestor = new LogIngestor(store, { maxRows: 1000, maxAgeMs: 50 });
    let redelivered = 0;
    await second.start((d) => {
      redelivered += d.build.length;
      return ingestor.add(d);
    });
    await until(() => redelivered === 250);
    await ingestor.flush();
    await second.pause();
    await ingestor.close();
    await second.stop();
    // Inserted twice, seen once.
    expect(await storedCount(dep, false)).toBeGreaterThanOrEqual(250);
    expect(await storedCount(dep)).toBe(250);
    expect((await store.readBuildLines(dep, 1, 1000)).map((l) => l.seq)).toEqual(Array.from({ length: 250 }, (_, i) => i + 1));
  });

  it('dead-letters a malformed message and stores the rest of the batch', async () => {
    const g = uniqueName('test-log-ingest-poison');
    const dep = newDeployment();
    const kafka = new Kafka({ clientId: 'poison', brokers, logLevel: logLevel.NOTHING });
    const raw = kafka.producer();
    await raw.connect();
    await (await topicsFor(g)).publishBuild([batch(dep, 1, 5)]);
    await raw.send({ topic: topics.build, messages: [{ key: dep, value: '{"type":"BuildLogBatch.v1","payload":{"deploymentId":"nope","lines":[]}}' }, { key: dep, value: 'not json' }] });
    await raw.disconnect();
    await (await topicsFor(g)).publishBuild([batch(dep, 6, 10)]);

    const consumer = await topicsFor(g);
    const ingestor = new LogIngestor(store, { maxRows: 1000, maxAgeMs: 50 });
    await consumer.start((d) => ingestor.add(d));
    await until(async () => (await storedCount(dep)) === 10);
    await consumer.pause();
    await ingestor.close();
    await consumer.stop();

    const dlq = kafka.consumer({ groupId: uniqueName('dlq-reader') });
    const parked: string[] = [];
    await dlq.connect();
    await dlq.subscribe({ topic: deadLetterTopic(topics.build), fromBeginning: true });
    await dlq.run({ eachMessage: async ({ message }) => void parked.push(String(message.headers?.['dead-letter-reason'])) });
    await until(() => parked.length >= 2);
    await dlq.disconnect();
    expect(parked.some((r) => r.includes('deploymentId'))).toBe(true);
    expect(parked.some((r) => r.includes('not JSON'))).toBe(true);
  });
});
