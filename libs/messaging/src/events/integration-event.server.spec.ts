import { Controller, type INestApplication } from '@nestjs/common';
import { CqrsModule, EventBus, UnhandledExceptionBus } from '@nestjs/cqrs';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { Test } from '@nestjs/testing';
import { deadLetterTopic, DeploymentRequestedV1, Topics, type EventEnvelope } from '@deploysphere/contracts';
import { newId } from '@deploysphere/common';
import { firstValueFrom } from 'rxjs';
import { ConsumerHost } from '../consumer/consumer-host';
import { DEFAULT_MESSAGING_OPTIONS, MESSAGING_OPTIONS } from '../messaging.options';
import { InMemoryTransport } from '../transport/in-memory.transport';
import { MESSAGE_TRANSPORT, type IncomingMessage } from '../transport/message-transport.port';
import { connectIntegrationEvents } from './connect-integration-events';
import { InboundEventBus, IntegrationEventsHandler, type EventDelivery, type IntegrationEventHandler } from './inbound-event.bus';
import { IntegrationEventClient } from './integration-event.client';
import type { IntegrationEventContext } from './integration-event.context';
import { IntegrationEventServer } from './integration-event.server';

interface Seen {
  group: string;
  event: object;
  delivery: EventDelivery;
}

/** What the handlers of both groups do; a test replaces it. */
let behaviour: (seen: Seen) => Promise<void>;
const seen: Seen[] = [];

@Controller()
class BuildsEventsController {
  constructor(private readonly events: InboundEventBus) {}

  @EventPattern(Topics.DeploymentRequested, { group: 'builds' })
  receive(@Payload() event: object, @Ctx() context: IntegrationEventContext): Promise<void> {
    return this.events.publish(event, context);
  }
}

@Controller()
class AuditEventsController {
  constructor(private readonly events: InboundEventBus) {}

  @EventPattern(Topics.DeploymentRequested, { group: 'audit' })
  receive(@Payload() event: object, @Ctx() context: IntegrationEventContext): Promise<void> {
    return this.events.publish(event, context);
  }
}

@IntegrationEventsHandler('builds', DeploymentRequestedV1)
class BuildsHandler implements IntegrationEventHandler<DeploymentRequestedV1> {
  async handle(event: DeploymentRequestedV1, delivery: EventDelivery): Promise<void> {
    seen.push({ group: 'builds', event, delivery });
    await behaviour({ group: 'builds', event, delivery });
  }
}

@IntegrationEventsHandler('audit', DeploymentRequestedV1)
class AuditHandler implements IntegrationEventHandler<DeploymentRequestedV1> {
  async handle(event: DeploymentRequestedV1, delivery: EventDelivery): Promise<void> {
    seen.push({ group: 'audit', event, delivery });
  }
}

function requested(): EventEnvelope {
  const deploymentId = newId('dpl');
  return {
    id: newId('evt'),
    type: DeploymentRequestedV1.type,
    key: deploymentId,
    occurredAt: new Date().toISOString(),
    correlationId: 'req-1',
    payload: { deploymentId, projectId: newId('prj'), teamId: newId('team'), target: 'PREVIEW', source: 'UPLOAD', requestedAt: new Date().toISOString() },
  };
}

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((r) => setTimeout(r, 5));
}

describe('IntegrationEventServer (custom transport strategy) over the in-memory transport', () => {
  let app: INestApplication;
  let transport: InMemoryTransport;
  let client: IntegrationEventClient;

  beforeEach(async () => {
    seen.length = 0;
    behaviour = async () => undefined;
    transport = new InMemoryTransport();
    const moduleRef = await Test.createTestingModule({
      imports: [CqrsModule.forRoot()],
      controllers: [BuildsEventsController, AuditEventsController],
      providers: [
        { provide: MESSAGE_TRANSPORT, useValue: transport },
        { provide: MESSAGING_OPTIONS, useValue: { ...DEFAULT_MESSAGING_OPTIONS, maxAttempts: 3, retryBaseMs: 1 } },
        ConsumerHost,
        IntegrationEventServer,
        IntegrationEventClient,
        InboundEventBus,
        BuildsHandler,
        AuditHandler,
      ],
    }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    await app.init();
    await connectIntegrationEvents(app);
    client = app.get(IntegrationEventClient);
  });

  afterEach(async () => {
    await app.close();
  });

  it('hands each group its own copy of the event, as the contract class, with its envelope on the EventBus handler', async () => {
    const envelope = requested();
    await firstValueFrom(client.emit(Topics.DeploymentRequested, envelope), { defaultValue: undefined });
    await transport.drained();

    expect(seen.map((s) => s.group).sort()).toEqual(['audit', 'builds']);
    for (const s of seen) {
      expect(s.event).toBeInstanceOf(DeploymentRequestedV1);
      expect(s.event).toEqual(expect.objectContaining({ deploymentId: envelope.key }));
      expect(s.delivery).toEqual({ envelope: expect.objectContaining({ id: envelope.id, correlationId: 'req-1' }), topic: Topics.DeploymentRequested, group: s.group });
    }
    expect(seen[0].event).not.toBe(seen[1].event);
  });

  it('reports the message handled only after the EventBus handler resolved', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const order: string[] = [];
    behaviour = async () => {
      order.push('handler started');
      await gate;
      order.push('handler done');
    };
    await firstValueFrom(client.emit(Topics.DeploymentRequested, requested()), { defaultValue: undefined });
    await until(() => order.length === 1);
    const drained = transport.drained().then(() => order.push('message handled'));
    // Turns of the event loop while the handler waits: the message stays in progress.
    for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
    expect(order).toEqual(['handler started']);

    release();
    await drained;
    expect(order).toEqual(['handler started', 'handler done', 'message handled']);
  });

  it('retries a failing EventBus handler, then dead-letters the message with the handler\'s own error', async () => {
    const dead: IncomingMessage[] = [];
    await transport.subscribe({ group: 'dlq-reader', topics: [deadLetterTopic(Topics.DeploymentRequested)], handler: async (m) => void dead.push(m) });
    behaviour = async () => {
      throw new Error('database is away');
    };
    const envelope = requested();
    await firstValueFrom(client.emit(Topics.DeploymentRequested, envelope), { defaultValue: undefined });
    await until(() => dead.length === 1);

    expect(seen.filter((s) => s.group === 'builds')).toHaveLength(3);
    expect(seen.filter((s) => s.group === 'audit')).toHaveLength(1);
    expect(dead[0].envelope).toEqual(expect.objectContaining({ id: envelope.id, deadLetter: expect.objectContaining({ group: 'builds', reason: 'Error: database is away' }) }));
  });

  it('does not run an integration handler for an event published in-process; the UnhandledExceptionBus gets why', async () => {
    const unhandled = firstValueFrom(app.get(UnhandledExceptionBus));
    app.get(EventBus).publish(Object.assign(new DeploymentRequestedV1(), { deploymentId: newId('dpl') }));

    const { exception } = await unhandled;
    expect(String(exception)).toContain('delivered by the transport');
    expect(seen).toEqual([]);
  });

  it('refuses an @EventPattern handler without a group at start-up', () => {
    const server = new IntegrationEventServer(app.get(ConsumerHost));
    expect(() => server.addHandler('some.topic', async () => undefined, true, {})).toThrow(/no group/);
  });
});
