import { CommandBus } from '@nestjs/cqrs';
import { DeploymentRequestedV1 } from '@deploysphere/contracts';
import { IntegrationEventsHandler, type EventDelivery, type IntegrationEventHandler } from '@deploysphere/messaging';
import { deploymentTraces } from '../../builds/deployment-traces';
import { ORCHESTRATOR_CONSUMER } from '../../orchestrator.constants';
import { AcceptDeploymentCommand } from '../commands/accept-deployment/accept-deployment.command';

@IntegrationEventsHandler(ORCHESTRATOR_CONSUMER, DeploymentRequestedV1)
export class DeploymentRequestedHandler implements IntegrationEventHandler<DeploymentRequestedV1> {
  constructor(private readonly commands: CommandBus) {}

  async handle(event: DeploymentRequestedV1, { envelope }: EventDelivery): Promise<void> {
    deploymentTraces.remember(event.deploymentId, envelope.traceparent);
    await this.commands.execute(new AcceptDeploymentCommand(event, envelope));
  }
}
