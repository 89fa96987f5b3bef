import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { DeploymentStatusChangedV1, TERMINAL_STATUSES } from '@deploysphere/contracts';
import { IdempotencyService, OutboxRelay, OutboxWriter } from '@deploysphere/messaging';
import { ORCHESTRATOR_CONSUMER } from '../../../orchestrator.constants';
import { StopDeploymentCommand } from './stop-deployment.command';

@CommandHandler(StopDeploymentCommand)
export class StopDeploymentHandler implements ICommandHandler<StopDeploymentCommand> {
  constructor(
    private readonly idempotency: IdempotencyService,
    private readonly outbox: OutboxWriter,
    private readonly relay: OutboxRelay,
  ) {}

  async execute({ event, envelope }: StopDeploymentCommand): Promise<void> {
    await this.idempotency.runOnce(ORCHESTRATOR_CONSUMER, envelope.id, async (tx) => {
      const d = await tx.deployment.findUnique({ where: { id: event.deploymentId } });
      if (!d || TERMINAL_STATUSES.includes(d.status)) return;
      const now = new Date();
      await tx.deployment.update({
        where: { id: d.id },
        data: { status: 'CANCELED', finishedAt: now, failureCode: 'CANCELED', failureMessage: 'Canceled by the user' },
      });
      await this.outbox.add(
        tx,
        DeploymentStatusChangedV1,
        { deploymentId: d.id, projectId: d.projectId, from: d.status, to: 'CANCELED', at: now.toISOString() },
        { key: d.id, correlationId: envelope.correlationId, causationId: envelope.id },
      );
    });
    this.relay.nudge();
  }
}
