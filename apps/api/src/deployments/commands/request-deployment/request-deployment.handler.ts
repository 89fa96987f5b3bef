import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { DomainError, NotFoundError } from '@deploysphere/common';
import { DEPLOYMENT_REPOSITORY, type DeploymentRepository } from '@deploysphere/deployments';
import { OutboxWriter } from '@deploysphere/messaging';
import { DeploymentPresenter } from '../../deployment.presenter';
import type { DeploymentDto } from '../../deployment.response.dto';
import { RequestDeploymentCommand } from './request-deployment.command';

/**
 * Stores the deployment QUEUED and its DeploymentRequested event in one transaction: either
 * both exist or neither does. The relay then hands the event to the orchestrator.
 */
@CommandHandler(RequestDeploymentCommand)
export class RequestDeploymentHandler implements ICommandHandler<RequestDeploymentCommand> {
  constructor(
    private readonly outbox: OutboxWriter,
    @Inject(DEPLOYMENT_REPOSITORY) private readonly deployments: DeploymentRepository,
    private readonly presenter: DeploymentPresenter,
  ) {}

  async execute({ caller, projectId, target, source, correlationId }: RequestDeploymentCommand): Promise<DeploymentDto> {
    const deployment = await this.outbox.transaction(async (tx) => {
      const project = await tx.project.findFirst({ where: { id: projectId, teamId: caller.teamId } });
      if (!project) throw new NotFoundError('project', projectId);
      if (source.kind === 'GIT' && !project.gitRepositoryUrl) {
        throw new DomainError(
          'conflict',
          'PROJECT_HAS_NO_GIT_REPOSITORY',
          'This project has no gitRepositoryUrl: set one, or upload the source as a gzipped tar',
        );
      }
      return this.deployments.createQueued(tx, {
        projectId,
        teamId: caller.teamId,
        target,
        source: source.kind,
        gitRef: source.kind === 'GIT' ? (source.gitRef ?? project.productionBranch) : undefined,
        commitSha: source.kind === 'GIT' ? source.commitSha : undefined,
        sourceKey: source.kind === 'UPLOAD' ? source.sourceKey : undefined,
        createdByTokenId: caller.tokenId,
        correlationId,
      });
    });
    return this.presenter.one(deployment);
  }
}
