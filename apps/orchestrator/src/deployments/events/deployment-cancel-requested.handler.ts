import { CommandBus } from '@nestjs/cqrs';
import { DeploymentCancelRequestedV1 } from '@deploysphere/contracts';
import { IntegrationEventsHandler, type EventDelivery, type IntegrationEventHandler } from '@deploysphere/messaging';
import { ORCHESTRATOR_CONSUMER } from '../../orchestrator.constants';
import { StopDeploymentCommand } from '../commands/stop-deployment/stop-deployment.command';

@IntegrationEventsHandler(ORCHESTRATOR_CONSUMER, DeploymentCancelRequestedV1)
export class DeploymentCancelRequestedHandler implements IntegrationEventHandler<DeploymentCancelRequestedV1> {
  constructor(private readonly commands: CommandBus) {}

  async handle(event: DeploymentCancelRequestedV1, { envelope }: EventDelivery): Promise<void> {
    await this.commands.execute(new StopDeploymentCommand(event, envelope));
  }
}
