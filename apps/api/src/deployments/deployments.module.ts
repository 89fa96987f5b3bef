import { Module } from '@nestjs/common';
import { SourceModule } from '@deploysphere/source';
import { SiteUrls } from '../http/site-urls';
import { DeploymentPresenter } from './deployment.presenter';
import { CancelDeploymentHandler } from './commands/cancel-deployment/cancel-deployment.handler';
import { CancelDeploymentHttpController } from './commands/cancel-deployment/cancel-deployment.http.controller';
import { RequestDeploymentHandler } from './commands/request-deployment/request-deployment.handler';
import { RequestDeploymentHttpController } from './commands/request-deployment/request-deployment.http.controller';
import { UploadDeploymentHandler } from './commands/upload-deployment/upload-deployment.handler';
import { GetDeploymentHandler } from './queries/get-deployment/get-deployment.handler';
import { GetDeploymentHttpController } from './queries/get-deployment/get-deployment.http.controller';
import { ListDeploymentsHandler } from './queries/list-deployments/list-deployments.handler';
import { ListDeploymentsHttpController } from './queries/list-deployments/list-deployments.http.controller';
import { ListInstancesHandler } from './queries/list-instances/list-instances.handler';
import { ListInstancesHttpController } from './queries/list-instances/list-instances.http.controller';

@Module({
  imports: [SourceModule],
  controllers: [RequestDeploymentHttpController, ListDeploymentsHttpController, GetDeploymentHttpController, CancelDeploymentHttpController, ListInstancesHttpController],
  providers: [SiteUrls, DeploymentPresenter, RequestDeploymentHandler, UploadDeploymentHandler, CancelDeploymentHandler, GetDeploymentHandler, ListDeploymentsHandler, ListInstancesHandler],
})
export class DeploymentsModule {}
