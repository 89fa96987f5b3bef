import { Injectable } from '@nestjs/common';
import type { EventEnvelope, IntegrationEventClass } from '@deploysphere/contracts';
import { newId } from '@deploysphere/common';
import type { Prisma } from '@deploysphere/database';

export interface EventMeta {
  key: string;
  correlationId: string;
  causationId?: string;
}

/**
 * Writes integration events into the outbox inside the caller's transaction, so the state
 * change and its event commit together or not at all. OutboxRelay publishes them.
 */
@Injectable()
export class OutboxWriter {
  async add<P extends object>(
    tx: Prisma.TransactionClient,
    eventClass: IntegrationEventClass<P>,
    payload: P,
    meta: EventMeta,
  ): Promise<EventEnvelope<P>> {
    const envelope: EventEnvelope<P> = {
      id: newId('evt'),
      type: eventClass.type,
      key: meta.key,
      occurredAt: new Date().toISOString(),
      correlationId: meta.correlationId,
      causationId: meta.causationId,
      payload: { ...payload },
    };
    await tx.outboxMessage.create({
      data: {
        id: envelope.id,
        topic: eventClass.topic,
        key: meta.key,
        type: envelope.type,
        payload: envelope as unknown as Prisma.InputJsonValue,
      },
    });
    return envelope;
  }
}
