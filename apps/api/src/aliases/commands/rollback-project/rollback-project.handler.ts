import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { DEPLOYMENT_REPOSITORY, type DeploymentRepository } from '@deploysphere/deployments';
import type { AliasDto } from '../../alias.response.dto';
import { RollbackProjectCommand } from './rollback-project.command';

/**
 * Without a named deployment, "previous" is the newest READY production deployment created
 * before the one that is live now — so repeated rollbacks walk back through history.
 */
@CommandHandler(RollbackProjectCommand)
export class RollbackProjectHandler implements ICommandHandler<RollbackProjectCommand> {
  constructor(@Inject(DEPLOYMENT_REPOSITORY) private readonly deployments: DeploymentRepository) {}

  execute({ teamId, projectId, deploymentId, correlationId }: RollbackProjectCommand): Promise<AliasDto> {
    return this.deployments.rollback(teamId, projectId, deploymentId, correlationId);
  }
}
