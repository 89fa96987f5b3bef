import { BaseRpcContext } from '@nestjs/microservices';
import type { EventEnvelope } from '@deploysphere/contracts';

type ContextArgs = [envelope: EventEnvelope, topic: string, group: string];

/** What an `@EventPattern` handler gets as `@Ctx()`: the envelope (id, correlation), its topic and the consumer group. */
export class IntegrationEventContext extends BaseRpcContext<ContextArgs> {
  /** A failure of the EventBus handlers, recorded by InboundEventBus for the server to retry or dead-letter. */
  failure?: unknown;

  getEnvelope(): EventEnvelope {
    return this.args[0];
  }

  getTopic(): string {
    return this.args[1];
  }

  getGroup(): string {
    return this.args[2];
  }
}
