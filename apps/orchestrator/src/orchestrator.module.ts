import { Module } from '@nestjs/common';
import { DeploymentEventsConsumer } from './deployment-events.consumer';
import { AcceptDeploymentHandler } from './deployments/commands/accept-deployment/accept-deployment.handler';
import { StopDeploymentHandler } from './deployments/commands/stop-deployment/stop-deployment.handler';

/** Owns the deployment lifecycle. Infrastructure comes from CoreModule. */
@Module({
  providers: [DeploymentEventsConsumer, AcceptDeploymentHandler, StopDeploymentHandler],
})
export class OrchestratorModule {}
