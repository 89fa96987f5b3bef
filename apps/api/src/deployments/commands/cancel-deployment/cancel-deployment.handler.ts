import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { DEPLOYMENT_REPOSITORY, type DeploymentRepository } from '@deploysphere/deployments';
import { DeploymentPresenter } from '../../deployment.presenter';
import type { DeploymentDto } from '../../deployment.response.dto';
import { CancelDeploymentCommand } from './cancel-deployment.command';

/**
 * A QUEUED deployment is canceled on the spot (the orchestrator skips it when its request
 * arrives). A running one is marked cancel-requested and the orchestrator stops its build.
 * Canceling twice is harmless; canceling a finished deployment is a conflict.
 */
@CommandHandler(CancelDeploymentCommand)
export class CancelDeploymentHandler implements ICommandHandler<CancelDeploymentCommand> {
  constructor(
    @Inject(DEPLOYMENT_REPOSITORY) private readonly deployments: DeploymentRepository,
    private readonly presenter: DeploymentPresenter,
  ) {}

  async execute({ teamId, deploymentId, correlationId }: CancelDeploymentCommand): Promise<DeploymentDto> {
    return this.presenter.one(await this.deployments.cancel(teamId, deploymentId, correlationId));
  }
}
