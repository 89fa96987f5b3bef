import { Logger } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { DeploymentStatusChangedV1, TERMINAL_STATUSES } from '@deploysphere/contracts';
import { IdempotencyService, OutboxRelay, OutboxWriter } from '@deploysphere/messaging';
import { BuildPipeline } from '../../../builds/build-pipeline';
import { BuildScheduler } from '../../../builds/build-scheduler';
import { ORCHESTRATOR_CONSUMER } from '../../../orchestrator.constants';
import { StopDeploymentCommand } from './stop-deployment.command';

/**
 * A cancel request for a deployment that left QUEUED. If its build runs in this instance it is
 * stopped now and the pipeline ends it CANCELED. If another instance runs it, that instance sees
 * `cancel_requested_at` when it next renews its lease (BUILD_LEASE_SECONDS / 3); if its owner is
 * gone, recovery stops the build and ends it CANCELED. A still-QUEUED one is canceled here.
 */
@CommandHandler(StopDeploymentCommand)
export class StopDeploymentHandler implements ICommandHandler<StopDeploymentCommand> {
  private readonly logger = new Logger(StopDeploymentHandler.name);

  constructor(
    private readonly idempotency: IdempotencyService,
    private readonly outbox: OutboxWriter,
    private readonly relay: OutboxRelay,
    private readonly pipeline: BuildPipeline,
    private readonly scheduler: BuildScheduler,
  ) {}

  async execute({ event, envelope }: StopDeploymentCommand): Promise<void> {
    const outcome = await this.idempotency.runOnce(ORCHESTRATOR_CONSUMER, envelope.id, async (tx) => {
      // Locked first: a scheduler claiming it at this moment either went first (we read BUILDING)
      // or waits for us and then finds it no longer QUEUED.
      await tx.$executeRaw`SELECT 1 FROM deployments WHERE id = ${event.deploymentId} FOR UPDATE`;
      const d = await tx.deployment.findUnique({ where: { id: event.deploymentId } });
      if (!d || TERMINAL_STATUSES.includes(d.status)) return 'ended' as const;
      if (d.status !== 'QUEUED') {
        if (!d.cancelRequestedAt) await tx.deployment.update({ where: { id: d.id }, data: { cancelRequestedAt: new Date(event.requestedAt) } });
        return 'running' as const;
      }
      const now = new Date();
      await tx.deployment.update({
        where: { id: d.id },
        data: { status: 'CANCELED', finishedAt: now, cancelRequestedAt: d.cancelRequestedAt ?? now, failureCode: 'CANCELED', failureMessage: 'Canceled by the user' },
      });
      await this.outbox.add(
        tx,
        DeploymentStatusChangedV1,
        { deploymentId: d.id, projectId: d.projectId, from: d.status, to: 'CANCELED', failureCode: 'CANCELED', at: now.toISOString() },
        { key: d.id, correlationId: envelope.correlationId, causationId: envelope.id },
      );
      return 'canceled' as const;
    });
    this.relay.nudge();
    if (!outcome.processed || outcome.result !== 'running') return;
    const here = this.pipeline.cancel(event.deploymentId);
    this.logger.log({ deploymentId: event.deploymentId, here }, here ? 'canceling the build running here' : 'cancel recorded; the owning orchestrator stops the build');
    if (!here) this.scheduler.nudge();
  }
}
