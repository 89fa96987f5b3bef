import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { ConflictError, NotFoundError } from '@deploysphere/common';
import { PrismaService } from '@deploysphere/database';
import { OutboxRelay } from '@deploysphere/messaging';
import type { AliasDto } from '../../alias.response.dto';
import { AliasMover } from '../../alias-mover';
import { RollbackProjectCommand } from './rollback-project.command';

/**
 * Without a named deployment, "previous" is the newest READY production deployment created
 * before the one that is live now — so repeated rollbacks walk back through history.
 */
@CommandHandler(RollbackProjectCommand)
export class RollbackProjectHandler implements ICommandHandler<RollbackProjectCommand> {
  constructor(
    private readonly prisma: PrismaService,
    private readonly aliases: AliasMover,
    private readonly relay: OutboxRelay,
  ) {}

  async execute({ teamId, projectId, deploymentId, correlationId }: RollbackProjectCommand): Promise<AliasDto> {
    const result = await this.prisma.$transaction(async (tx) => {
      const project = await tx.project.findFirst({ where: { id: projectId, teamId }, include: { alias: { include: { deployment: true } } } });
      if (!project) throw new NotFoundError('project', projectId);
      const live = project.alias?.deployment;
      const target = deploymentId
        ? await tx.deployment.findFirst({ where: { id: deploymentId, projectId } })
        : await tx.deployment.findFirst({
            where: { projectId, target: 'PRODUCTION', status: 'READY', ...(live ? { createdAt: { lt: live.createdAt }, id: { not: live.id } } : {}) },
            orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
          });
      if (!target) {
        if (deploymentId) throw new NotFoundError('deployment', deploymentId);
        throw new ConflictError('NO_PREVIOUS_DEPLOYMENT', 'There is no earlier READY production deployment to roll back to');
      }
      return this.aliases.move(tx, project, target, correlationId);
    });
    this.relay.nudge();
    return result;
  }
}
