import 'reflect-metadata';
import { EventBus, EventsHandler, UnhandledExceptionBus, type IEventHandler, type UnhandledExceptionInfo } from '@nestjs/cqrs';
import type { TestingModule } from '@nestjs/testing';
import { newId } from '@deploysphere/common';
import { ProjectRoutingChangedV1, type EventEnvelope } from '@deploysphere/contracts';
import {
  integrationEvent,
  IntegrationEventsHandler,
  MESSAGE_TRANSPORT,
  OutboxWriter,
  type IntegrationEventHandler,
  type MessageTransport,
} from '@deploysphere/messaging';
import { createTestDatabase, type TestDatabase } from '@deploysphere/testing';
import { startMessagingApp } from '../../support/messaging-app';
import { sleep, waitFor } from './transport.behaviour';

// A use case raises an integration event on the CQRS EventBus: it is written to the outbox in the
// use case's transaction (or not at all), and leaves over the transport once that committed.
jest.setTimeout(60_000);

const seenInProcess: ProjectRoutingChangedV1[] = [];
@EventsHandler(ProjectRoutingChangedV1)
class RoutingChangedInProcess implements IEventHandler<ProjectRoutingChangedV1> {
  handle(event: ProjectRoutingChangedV1): void {
    seenInProcess.push(event);
  }
}

const seenByIntegrationHandler: ProjectRoutingChangedV1[] = [];
@IntegrationEventsHandler('edge-router', ProjectRoutingChangedV1)
class RoutingChangedFromTransport implements IntegrationEventHandler<ProjectRoutingChangedV1> {
  async handle(event: ProjectRoutingChangedV1): Promise<void> {
    seenByIntegrationHandler.push(event);
  }
}

let db: TestDatabase;
let app: TestingModule;
let transport: MessageTransport;
const unhandled: UnhandledExceptionInfo<unknown>[] = [];
const onTransport: EventEnvelope[] = [];

beforeAll(async () => {
  db = await createTestDatabase('postgres');
  app = await startMessagingApp(db, { relay: true, providers: [RoutingChangedInProcess, RoutingChangedFromTransport] });
  app.get(UnhandledExceptionBus).subscribe((info: UnhandledExceptionInfo<unknown>) => void unhandled.push(info));
  transport = app.get(MESSAGE_TRANSPORT);
  await transport.subscribe({ group: 'spy', topics: [ProjectRoutingChangedV1.topic], handler: async (m) => void onTransport.push(m.envelope) });
});

afterAll(async () => {
  await app?.close();
  await db?.close();
});

const routing = (projectId: string) => ({ projectId, slug: 'site', cleanUrls: true, spaFallback: false, custom404: false, changedAt: new Date().toISOString() });
const outboxRows = (key: string) => db.prisma.outboxMessage.findMany({ where: { key } });

it('writes the event in the use case\'s transaction and publishes it after the commit; in-process handlers get the contract class', async () => {
  const teamId = newId('team');
  const projectId = newId('prj');
  await app.get(OutboxWriter).transaction(async (tx) => {
    await tx.team.create({ data: { id: teamId, name: 'Team', slug: teamId.replace('_', '-') } });
    app.get(EventBus).publish(integrationEvent(ProjectRoutingChangedV1, routing(projectId), { key: projectId, correlationId: 'req-1' }));
    // Raised, not yet written: the row goes in with the transaction's other writes, before its commit.
    expect(await tx.outboxMessage.count({ where: { key: projectId } })).toBe(0);
  });

  const rows = await outboxRows(projectId);
  expect(rows.map((r) => [r.topic, r.type])).toEqual([[ProjectRoutingChangedV1.topic, ProjectRoutingChangedV1.type]]);
  await waitFor('the event on the transport', () => onTransport.some((e) => e.key === projectId), 30_000);
  expect(onTransport.find((e) => e.key === projectId)).toMatchObject({ type: ProjectRoutingChangedV1.type, correlationId: 'req-1', payload: { projectId, slug: 'site' } });

  const local = seenInProcess.find((e) => e.projectId === projectId);
  expect(local).toBeInstanceOf(ProjectRoutingChangedV1);
  // Integration handlers get it only through the transport (here none consumes for their group), and nothing is reported.
  await sleep(300);
  expect(seenByIntegrationHandler).toEqual([]);
  expect(unhandled).toEqual([]);
});

it('writes and publishes nothing when the transaction rolls back', async () => {
  const projectId = newId('prj');
  await expect(
    app.get(OutboxWriter).transaction(async () => {
      app.get(EventBus).publish(integrationEvent(ProjectRoutingChangedV1, routing(projectId), { key: projectId, correlationId: 'req-2' }));
      throw new Error('the state change failed');
    }),
  ).rejects.toThrow('the state change failed');
  await sleep(500);
  expect(await outboxRows(projectId)).toEqual([]);
  expect(onTransport.filter((e) => e.key === projectId)).toEqual([]);
});

it('reports an event raised outside a transaction to the UnhandledExceptionBus and publishes nothing', async () => {
  const projectId = newId('prj');
  app.get(EventBus).publish(integrationEvent(ProjectRoutingChangedV1, routing(projectId), { key: projectId, correlationId: 'req-3' }));
  await waitFor('the report', () => unhandled.length > 0);
  expect(String(unhandled[0].exception)).toMatch(/ProjectRoutingChanged.v1 was raised outside OutboxWriter.transaction/);
  await sleep(300);
  expect(await outboxRows(projectId)).toEqual([]);
  expect(onTransport.filter((e) => e.key === projectId)).toEqual([]);
});
