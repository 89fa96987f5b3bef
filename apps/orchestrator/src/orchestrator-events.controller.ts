import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { Topics } from '@deploysphere/contracts';
import { InboundEventBus, type IntegrationEventContext } from '@deploysphere/messaging';
import { ORCHESTRATOR_CONSUMER } from './orchestrator.constants';

/**
 * The orchestrator's integration events in: each one, already rebuilt as its contract class and
 * validated, goes onto the EventBus; its handler (deployments/events, projects/events, certificates/events) turns it
 * into a command. The transport commits only after that resolved, and retries then dead-letters
 * a failure.
 */
@Controller()
export class OrchestratorEventsController {
  constructor(private readonly events: InboundEventBus) {}

  @EventPattern(
    [Topics.DeploymentRequested, Topics.DeploymentCancelRequested, Topics.ProjectDeleted, Topics.DeploymentWakeRequested, Topics.DeploymentTrafficSeen, Topics.DomainVerified],
    { group: ORCHESTRATOR_CONSUMER },
  )
  receive(@Payload() event: object, @Ctx() context: IntegrationEventContext): Promise<void> {
    return this.events.publish(event, context);
  }
}
