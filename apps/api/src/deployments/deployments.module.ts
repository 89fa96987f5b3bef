import { Module } from '@nestjs/common';
import { CancelDeploymentHandler } from './commands/cancel-deployment/cancel-deployment.handler';
import { CancelDeploymentHttpController } from './commands/cancel-deployment/cancel-deployment.http.controller';
import { RequestDeploymentHandler } from './commands/request-deployment/request-deployment.handler';
import { RequestDeploymentHttpController } from './commands/request-deployment/request-deployment.http.controller';
import { GetDeploymentHandler } from './queries/get-deployment/get-deployment.handler';
import { GetDeploymentHttpController } from './queries/get-deployment/get-deployment.http.controller';
import { ListDeploymentsHandler } from './queries/list-deployments/list-deployments.handler';
import { ListDeploymentsHttpController } from './queries/list-deployments/list-deployments.http.controller';

@Module({
  controllers: [RequestDeploymentHttpController, ListDeploymentsHttpController, GetDeploymentHttpController, CancelDeploymentHttpController],
  providers: [RequestDeploymentHandler, CancelDeploymentHandler, GetDeploymentHandler, ListDeploymentsHandler],
})
export class DeploymentsModule {}
