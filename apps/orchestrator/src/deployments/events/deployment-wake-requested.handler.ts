import { CommandBus } from '@nestjs/cqrs';
import { DeploymentWakeRequestedV1 } from '@deploysphere/contracts';
import { IntegrationEventsHandler, type IntegrationEventHandler } from '@deploysphere/messaging';
import { ORCHESTRATOR_CONSUMER } from '../../orchestrator.constants';
import { WakeDeploymentCommand } from '../commands/wake-deployment/wake-deployment.command';

@IntegrationEventsHandler(ORCHESTRATOR_CONSUMER, DeploymentWakeRequestedV1)
export class DeploymentWakeRequestedHandler implements IntegrationEventHandler<DeploymentWakeRequestedV1> {
  constructor(private readonly commands: CommandBus) {}

  async handle(event: DeploymentWakeRequestedV1): Promise<void> {
    await this.commands.execute(new WakeDeploymentCommand(event.deploymentId));
  }
}
