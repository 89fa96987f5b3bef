import { DeploymentStatusChangedV1, DeploymentReadyV1 } from '@deploysphere/contracts';
import type { Prisma } from '@deploysphere/database';
import { event, OutboxWriter } from './outbox.writer';

/** A transaction client that records what the writer inserts. */
function recordingTx() {
  const calls: Array<{ kind: 'create' | 'createMany'; rows: Array<{ id: string; topic: string; key: string; type: string; payload: unknown }> }> = [];
  const tx = {
    outboxMessage: {
      create: async ({ data }: { data: never }) => void calls.push({ kind: 'create', rows: [data] }),
      createMany: async ({ data }: { data: never[] }) => void calls.push({ kind: 'createMany', rows: data }),
    },
  } as unknown as Prisma.TransactionClient;
  return { tx, calls };
}

describe('OutboxWriter', () => {
  const meta = { key: 'dpl_01jd8x3k9m2f4q7r8s9t0v1w2x', correlationId: 'req-1' };

  it('writes several events in one insert, ids ascending in the order given (the relay publishes in id order)', async () => {
    const { tx, calls } = recordingTx();
    const at = new Date().toISOString();
    const events = Array.from({ length: 50 }, (_, i) =>
      i % 2
        ? event(DeploymentReadyV1, { deploymentId: meta.key, projectId: 'prj_1', slug: 's', target: 'PREVIEW', manifestKey: `m${i}`, readyAt: at }, meta)
        : event(DeploymentStatusChangedV1, { deploymentId: meta.key, projectId: 'prj_1', from: 'UPLOADING', to: 'READY', at }, meta),
    );

    const envelopes = await new OutboxWriter().addMany(tx, events);

    expect(calls).toHaveLength(1);
    const rows = calls[0].rows;
    expect(rows.map((r) => r.id)).toEqual(envelopes.map((e) => e.id));
    expect([...rows.map((r) => r.id)].sort()).toEqual(rows.map((r) => r.id));
    expect(rows.map((r) => r.type)).toEqual(events.map((e) => e.eventClass.type));
    expect(rows.map((r) => r.topic)).toEqual(events.map((e) => e.eventClass.topic));
    expect(rows[1].payload).toMatchObject({ id: rows[1].id, type: 'DeploymentReady.v1', key: meta.key, correlationId: 'req-1', payload: { manifestKey: 'm1' } });
  });

  it('add() is addMany() of one, and addMany() of none writes nothing', async () => {
    const { tx, calls } = recordingTx();
    const writer = new OutboxWriter();
    const envelope = await writer.add(tx, DeploymentStatusChangedV1, { deploymentId: meta.key, projectId: 'prj_1', from: 'QUEUED', to: 'BUILDING', at: new Date().toISOString() }, meta);
    expect(await writer.addMany(tx, [])).toEqual([]);
    expect(calls).toHaveLength(1);
    expect(calls[0].rows).toHaveLength(1);
    expect(calls[0].rows[0]).toMatchObject({ id: envelope.id, key: meta.key, type: 'DeploymentStatusChanged.v1' });
  });
});
