import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { DEPLOYMENT_REPOSITORY, type DeploymentRepository } from '@deploysphere/deployments';
import type { AliasDto } from '../../alias.response.dto';
import { PromoteDeploymentCommand } from './promote-deployment.command';

@CommandHandler(PromoteDeploymentCommand)
export class PromoteDeploymentHandler implements ICommandHandler<PromoteDeploymentCommand> {
  constructor(@Inject(DEPLOYMENT_REPOSITORY) private readonly deployments: DeploymentRepository) {}

  execute({ teamId, deploymentId, correlationId }: PromoteDeploymentCommand): Promise<AliasDto> {
    return this.deployments.promote(teamId, deploymentId, correlationId);
  }
}
