import { DeploymentStatusChangedV1 } from '@deploysphere/contracts';
import { IntegrationEventsHandler, type IntegrationEventHandler } from '@deploysphere/messaging';
import { DeploymentStatusRelay, GATEWAY_CONSUMER } from './deployment-status.relay';

@IntegrationEventsHandler(GATEWAY_CONSUMER, DeploymentStatusChangedV1)
export class DeploymentStatusChangedHandler implements IntegrationEventHandler<DeploymentStatusChangedV1> {
  constructor(private readonly relay: DeploymentStatusRelay) {}

  async handle(event: DeploymentStatusChangedV1): Promise<void> {
    this.relay.relay(event);
  }
}
