import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { DomainError, NotFoundError } from '@deploysphere/common';
import { PrismaService } from '@deploysphere/database';
import { OutboxRelay } from '@deploysphere/messaging';
import { DeploymentDto } from '../../deployment.response.dto';
import { RequestedDeploymentWriter } from '../../requested-deployment.writer';
import { RequestDeploymentCommand } from './request-deployment.command';

/**
 * Stores the deployment QUEUED and its DeploymentRequested event in one transaction: either
 * both exist or neither does. The relay then hands the event to the orchestrator.
 */
@CommandHandler(RequestDeploymentCommand)
export class RequestDeploymentHandler implements ICommandHandler<RequestDeploymentCommand> {
  constructor(
    private readonly prisma: PrismaService,
    private readonly writer: RequestedDeploymentWriter,
    private readonly relay: OutboxRelay,
  ) {}

  async execute({ caller, projectId, target, source, correlationId }: RequestDeploymentCommand): Promise<DeploymentDto> {
    const deployment = await this.prisma.$transaction(async (tx) => {
      const project = await tx.project.findFirst({ where: { id: projectId, teamId: caller.teamId } });
      if (!project) throw new NotFoundError('project', projectId);
      if (source.kind === 'GIT' && !project.gitRepositoryUrl) {
        throw new DomainError(
          'conflict',
          'PROJECT_HAS_NO_GIT_REPOSITORY',
          'This project has no gitRepositoryUrl: set one, or upload the source as a gzipped tar',
        );
      }
      return this.writer.write(tx, {
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
    this.relay.nudge();
    return DeploymentDto.from(deployment);
  }
}
