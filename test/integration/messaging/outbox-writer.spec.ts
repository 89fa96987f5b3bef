import 'reflect-metadata';
import { DeploymentReadyV1, DeploymentStatusChangedV1 } from '@deploysphere/contracts';
import { event, InMemoryTransport, OutboxRelay, OutboxWriter } from '@deploysphere/messaging';
import { createTestDatabase, testDatabaseKinds, type TestDatabase } from '@deploysphere/testing';
import { TEST_MESSAGING } from './transport.behaviour';

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
});
