import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { Topics } from '@deploysphere/contracts';
import { InboundEventBus, type IntegrationEventContext } from '@deploysphere/messaging';
import { GATEWAY_CONSUMER } from './deployment-status.relay';

/** The gateway's integration events in, onto the EventBus (DeploymentStatusChangedHandler). */
@Controller()
export class GatewayEventsController {
  constructor(private readonly events: InboundEventBus) {}

  @EventPattern(Topics.DeploymentStatusChanged, { group: GATEWAY_CONSUMER })
  receive(@Payload() event: object, @Ctx() context: IntegrationEventContext): Promise<void> {
    return this.events.publish(event, context);
  }
}
