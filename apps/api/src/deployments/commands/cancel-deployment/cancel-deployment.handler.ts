import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { ConflictError, NotFoundError } from '@deploysphere/common';
import { DeploymentCancelRequestedV1, DeploymentStatusChangedV1, TERMINAL_STATUSES } from '@deploysphere/contracts';
import { PrismaService } from '@deploysphere/database';
import { OutboxRelay, OutboxWriter } from '@deploysphere/messaging';
import { DeploymentDto } from '../../deployment.response.dto';
import { CancelDeploymentCommand } from './cancel-deployment.command';

/**
 * A QUEUED deployment is canceled on the spot (the orchestrator skips it when its request
 * arrives). A running one is marked cancel-requested and the orchestrator stops its build.
 * Canceling twice is harmless; canceling a finished deployment is a conflict.
 */
@CommandHandler(CancelDeploymentCommand)
export class CancelDeploymentHandler implements ICommandHandler<CancelDeploymentCommand> {
  constructor(
    private readonly prisma: PrismaService,
    private readonly outbox: OutboxWriter,
    private readonly relay: OutboxRelay,
  ) {}

  async execute({ teamId, deploymentId, correlationId }: CancelDeploymentCommand): Promise<DeploymentDto> {
    const result = await this.prisma.$transaction(async (tx) => {
      // Lock the row: the orchestrator may be moving it to BUILDING right now.
      const locked = await tx.$queryRaw<{ id: string }[]>`
        SELECT d.id FROM deployments d JOIN projects p ON p.id = d.project_id
        WHERE d.id = ${deploymentId} AND p.team_id = ${teamId} FOR UPDATE OF d`;
      if (locked.length === 0) throw new NotFoundError('deployment', deploymentId);
      const d = await tx.deployment.findUniqueOrThrow({ where: { id: deploymentId } });
      if (d.status === 'CANCELED' || d.cancelRequestedAt) return d;
      if (TERMINAL_STATUSES.includes(d.status)) {
        throw new ConflictError('DEPLOYMENT_NOT_CANCELABLE', `A deployment that is ${d.status} cannot be canceled`, { currentStatus: d.status });
      }
      const now = new Date();
      const meta = { key: d.id, correlationId };
      if (d.status === 'QUEUED') {
        const canceled = await tx.deployment.update({
          where: { id: d.id },
          data: { status: 'CANCELED', cancelRequestedAt: now, finishedAt: now, failureCode: 'CANCELED', failureMessage: 'Canceled before the build started' },
        });
        await this.outbox.add(tx, DeploymentStatusChangedV1, { deploymentId: d.id, projectId: d.projectId, from: 'QUEUED', to: 'CANCELED', at: now.toISOString() }, meta);
        return canceled;
      }
      const requested = await tx.deployment.update({ where: { id: d.id }, data: { cancelRequestedAt: now } });
      await this.outbox.add(tx, DeploymentCancelRequestedV1, { deploymentId: d.id, projectId: d.projectId, requestedAt: now.toISOString() }, meta);
      return requested;
    });
    this.relay.nudge();
    return DeploymentDto.from(result);
  }
}
