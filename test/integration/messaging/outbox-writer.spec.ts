import 'reflect-metadata';
import { DeploymentReadyV1, DeploymentStatusChangedV1 } from '@deploysphere/contracts';
import { Prisma } from '@deploysphere/database';
import { event, InMemoryTransport, OutboxRelay, OutboxWriter, outboxInsert, outboxRows, processedInsert } from '@deploysphere/messaging';
import { createTestDatabase, testDatabaseKinds, type TestDatabase } from '@deploysphere/testing';
import { TEST_MESSAGING, waitFor } from './transport.behaviour';

/** Waits for an asynchronous condition, polling. */
async function until(what: string, check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

jest.setTimeout(60_000);

// The writer on both database engines: rows as the relay reads them, and the relay's order.
describe.each(testDatabaseKinds())('OutboxWriter on %s', (kind) => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase(kind);
  });
  afterAll(async () => {
    await db?.close();
  });
  const prisma = () => db.prisma;
  const key = 'dpl_01jd8x3k9m2f4q7r8s9t0v1w2x';
  const meta = { key, correlationId: 'req-1' };
  const at = new Date().toISOString();

  it('writes several events in one insert, which the relay publishes in the order given', async () => {
    const events = Array.from({ length: 40 }, (_, i) =>
      i % 2
        ? event(DeploymentReadyV1, { deploymentId: key, projectId: 'prj_1', slug: 's', target: 'PREVIEW', manifestKey: `m${i}`, readyAt: at }, meta)
        : event(DeploymentStatusChangedV1, { deploymentId: key, projectId: 'prj_1', from: 'UPLOADING', to: 'READY', at }, { ...meta, causationId: `evt_${i}` }),
    );
    const envelopes = await prisma().$transaction((tx) => new OutboxWriter().addMany(tx, events));

    const rows = await prisma().outboxMessage.findMany({ where: { id: { in: envelopes.map((e) => e.id) } }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] });
    expect(rows.map((r) => r.id)).toEqual(envelopes.map((e) => e.id));
    expect(rows.map((r) => [r.topic, r.type, r.key, r.publishedAt, r.attempts])).toEqual(events.map((e) => [e.eventClass.topic, e.eventClass.type, key, null, 0]));
    expect(rows[1].payload).toEqual({ ...envelopes[1] });
    expect(rows[0].payload).toMatchObject({ id: envelopes[0].id, type: 'DeploymentStatusChanged.v1', key, correlationId: 'req-1', causationId: 'evt_0', payload: { to: 'READY' } });

    const transport = new InMemoryTransport();
    const published: string[] = [];
    await transport.subscribe({ group: 'spy', topics: [DeploymentReadyV1.topic, DeploymentStatusChangedV1.topic], handler: async (m) => void published.push(m.envelope.id) });
    await new OutboxRelay(prisma(), transport, TEST_MESSAGING).publishPending();
    await transport.drained();
    expect(published).toEqual(envelopes.map((e) => e.id));
  });

  it('add() writes one event; addMany() of none writes nothing', async () => {
    const writer = new OutboxWriter();
    const before = await prisma().outboxMessage.count();
    const envelope = await prisma().$transaction(async (tx) => {
      expect(await writer.addMany(tx, [])).toEqual([]);
      return writer.add(tx, DeploymentStatusChangedV1, { deploymentId: key, projectId: 'prj_1', from: 'QUEUED', to: 'BUILDING', at }, meta);
    });
    expect(await prisma().outboxMessage.count()).toBe(before + 1);
    expect((await prisma().outboxMessage.findUniqueOrThrow({ where: { id: envelope.id } })).payload).toEqual({ ...envelope });
  });
  /** A running relay whose poll is an hour away: anything published soon was nudged. */
  async function nudgedOnly() {
    const transport = new InMemoryTransport();
    const published: string[] = [];
    await transport.subscribe({ group: 'nudge-spy', topics: [DeploymentStatusChangedV1.topic], handler: async (m) => void published.push(m.envelope.id) });
    const relay = new OutboxRelay(prisma(), transport, { ...TEST_MESSAGING, relay: true, relayPollMs: 3_600_000 });
    relay.onApplicationBootstrap();
    await until('the outbox to be drained', async () => (await prisma().outboxMessage.count({ where: { publishedAt: null } })) === 0);
    return { relay, published, writer: new OutboxWriter(prisma(), relay) };
  }

  it('transaction() and query() publish their events after the commit, without the caller nudging; a rolled-back one publishes nothing', async () => {
    const { relay, published, writer } = await nudgedOnly();
    const meta = { key: 'dpl_01jd8x3k9m2f4q7r8s9t0v1nud', correlationId: 'req-nudge' };
    const key = meta.key;
    try {
      const inTx = await writer.transaction((tx) => writer.add(tx, DeploymentStatusChangedV1, { deploymentId: key, projectId: 'prj_1', from: 'QUEUED', to: 'BUILDING', at }, meta));
      await waitFor('the transaction\'s event', () => published.includes(inTx.id));

      const rows = outboxRows([event(DeploymentStatusChangedV1, { deploymentId: key, projectId: 'prj_1', from: 'BUILDING', to: 'UPLOADING', at }, meta)]);
      await writer.query(outboxInsert(rows));
      await waitFor('the statement\'s event', () => published.includes(rows.ids[0]));

      const failing = writer.transaction(async (tx) => {
        await writer.add(tx, DeploymentStatusChangedV1, { deploymentId: key, projectId: 'prj_1', from: 'UPLOADING', to: 'READY', at }, meta);
        throw new Error('the state change failed');
      });
      await expect(failing).rejects.toThrow('the state change failed');
      expect(await prisma().outboxMessage.count({ where: { key, type: 'DeploymentStatusChanged.v1', payload: { path: ['payload', 'to'], equals: 'READY' } } })).toBe(0);
    } finally {
      await relay.onModuleDestroy();
    }
  });

  it('outboxInsert as a CTE writes only the rows whose owner moved, or only when its condition holds', async () => {
    const mk = (deploymentId: string) => event(DeploymentStatusChangedV1, { deploymentId, projectId: 'prj_1', from: 'QUEUED', to: 'BUILDING', at }, { key: deploymentId, correlationId: 'req-2' });
    const rows = outboxRows([mk('dpl_a'), mk('dpl_b'), mk('dpl_c')]);
    await prisma().query(Prisma.sql`
      WITH moved AS (SELECT unnest(ARRAY['dpl_a', 'dpl_c']) AS id),
      events AS (${outboxInsert(rows, { owners: { ids: ['dpl_a', 'dpl_b', 'dpl_c'], in: Prisma.sql`SELECT id FROM moved` } })})
      SELECT 1`);
    const written = await prisma().outboxMessage.findMany({ where: { id: { in: rows.ids } }, orderBy: { id: 'asc' } });
    expect(written.map((r) => r.key)).toEqual(['dpl_a', 'dpl_c']);

    const none = outboxRows([mk('dpl_d')]);
    await prisma().query(Prisma.sql`WITH events AS (${outboxInsert(none, { when: Prisma.sql`false` })}) SELECT 1`);
    expect(await prisma().outboxMessage.count({ where: { id: none.ids[0] } })).toBe(0);
  });

  it('processedInsert records each message once per consumer and returns only the first deliveries', async () => {
    const first = await prisma().query<{ message_id: string }>(Prisma.sql`
      WITH recorded AS (${processedInsert('writer-spec', Prisma.sql`SELECT unnest(ARRAY['evt_1', 'evt_2', 'evt_2'])`)}) SELECT message_id FROM recorded ORDER BY 1`);
    expect(first.map((r) => r.message_id)).toEqual(['evt_1', 'evt_2']);
    const again = await prisma().query<{ message_id: string }>(Prisma.sql`
      WITH recorded AS (${processedInsert('writer-spec', Prisma.sql`SELECT unnest(ARRAY['evt_2', 'evt_3'])`)}) SELECT message_id FROM recorded`);
    expect(again.map((r) => r.message_id)).toEqual(['evt_3']);
  });
});
