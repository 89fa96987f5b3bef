import { Inject, Injectable } from '@nestjs/common';
import { ClientProxy, type ReadPacket } from '@nestjs/microservices';
import type { EventEnvelope } from '@deploysphere/contracts';
import { MESSAGE_TRANSPORT, type MessageTransport } from '../transport/message-transport.port';

/**
 * The client half of the custom transport: `emit(topic, envelope)` publishes one envelope on the
 * message transport, straight away. Use cases do not emit: their events go into the outbox in
 * their transaction and the OutboxRelay publishes them in batches. This is for tools and tests
 * that play another app. Events only: `send()` (request/response) is not offered.
 * Connecting and closing belong to MessagingModule, which owns the transport.
 */
@Injectable()
export class IntegrationEventClient extends ClientProxy {
  constructor(@Inject(MESSAGE_TRANSPORT) private readonly transport: MessageTransport) {
    super();
  }

  async connect(): Promise<void> {}

  async close(): Promise<void> {}

  unwrap<T>(): T {
    return this.transport as T;
  }

  protected publish(): () => void {
    throw new Error('IntegrationEventClient carries events only: use emit()');
  }

  protected async dispatchEvent<T = undefined>(packet: ReadPacket<EventEnvelope>): Promise<T> {
    await this.transport.publish([{ topic: packet.pattern as string, key: packet.data.key, value: packet.data }]);
    return undefined as T;
  }
}
