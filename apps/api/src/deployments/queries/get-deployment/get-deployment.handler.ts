import { Inject } from '@nestjs/common';
import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { NotFoundError } from '@deploysphere/common';
import { DEPLOYMENT_REPOSITORY, type DeploymentRepository } from '@deploysphere/deployments';
import { DeploymentPresenter } from '../../deployment.presenter';
import type { DeploymentDto } from '../../deployment.response.dto';
import { GetDeploymentQuery } from './get-deployment.query';

@QueryHandler(GetDeploymentQuery)
export class GetDeploymentHandler implements IQueryHandler<GetDeploymentQuery> {
  constructor(
    @Inject(DEPLOYMENT_REPOSITORY) private readonly deployments: DeploymentRepository,
    private readonly presenter: DeploymentPresenter,
  ) {}

  async execute({ teamId, deploymentId }: GetDeploymentQuery): Promise<DeploymentDto> {
    const d = await this.deployments.findVisible(teamId, deploymentId);
    if (!d) throw new NotFoundError('deployment', deploymentId);
    return this.presenter.one(d);
  }
}
