import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { NotFoundError } from '@deploysphere/common';
import { PrismaService } from '@deploysphere/database';
import { OutboxRelay } from '@deploysphere/messaging';
import type { AliasDto } from '../../alias.response.dto';
import { AliasMover } from '../../alias-mover';
import { PromoteDeploymentCommand } from './promote-deployment.command';

@CommandHandler(PromoteDeploymentCommand)
export class PromoteDeploymentHandler implements ICommandHandler<PromoteDeploymentCommand> {
  constructor(
    private readonly prisma: PrismaService,
    private readonly aliases: AliasMover,
    private readonly relay: OutboxRelay,
  ) {}

  async execute({ teamId, deploymentId, correlationId }: PromoteDeploymentCommand): Promise<AliasDto> {
    const result = await this.prisma.$transaction(async (tx) => {
      const deployment = await tx.deployment.findFirst({ where: { id: deploymentId, project: { teamId } }, include: { project: true } });
      if (!deployment) throw new NotFoundError('deployment', deploymentId);
      return this.aliases.move(tx, deployment.project, deployment, correlationId);
    });
    this.relay.nudge();
    return result;
  }
}
