import { CommandBus } from '@nestjs/cqrs';
import { DeploymentTrafficSeenV1 } from '@deploysphere/contracts';
import { IntegrationEventsHandler, type IntegrationEventHandler } from '@deploysphere/messaging';
import { ORCHESTRATOR_CONSUMER } from '../../orchestrator.constants';
import { RecordTrafficCommand } from '../commands/record-traffic/record-traffic.command';

@IntegrationEventsHandler(ORCHESTRATOR_CONSUMER, DeploymentTrafficSeenV1)
export class DeploymentTrafficSeenHandler implements IntegrationEventHandler<DeploymentTrafficSeenV1> {
  constructor(private readonly commands: CommandBus) {}

  async handle(event: DeploymentTrafficSeenV1): Promise<void> {
    await this.commands.execute(new RecordTrafficCommand(event.deployments.map((d) => ({ deploymentId: d.deploymentId, lastRequestAt: new Date(d.lastRequestAt) }))));
  }
}
