import { Logger } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { IdempotencyService } from '@deploysphere/messaging';
import { BuildScheduler } from '../../../builds/build-scheduler';
import { ORCHESTRATOR_CONSUMER } from '../../../orchestrator.constants';
import { AcceptDeploymentCommand } from './accept-deployment.command';

/**
 * Records the request exactly once and wakes the scheduler. A deployment that was canceled or
 * deleted before its request arrived is skipped. The build itself is scheduled from the QUEUED
 * rows, so a restart loses nothing: the queue is the table.
 */
@CommandHandler(AcceptDeploymentCommand)
export class AcceptDeploymentHandler implements ICommandHandler<AcceptDeploymentCommand> {
  private readonly logger = new Logger(AcceptDeploymentHandler.name);

  constructor(
    private readonly idempotency: IdempotencyService,
    private readonly scheduler: BuildScheduler,
  ) {}

  async execute({ event, envelope }: AcceptDeploymentCommand): Promise<void> {
    const outcome = await this.idempotency.runOnce(ORCHESTRATOR_CONSUMER, envelope.id, async (tx) => {
      const deployment = await tx.deployment.findUnique({ where: { id: event.deploymentId }, select: { status: true } });
      return deployment?.status ?? 'DELETED';
    });
    if (!outcome.processed) {
      this.logger.debug({ deploymentId: event.deploymentId, eventId: envelope.id }, 'duplicate DeploymentRequested ignored');
      return;
    }
    this.logger.log(
      { deploymentId: event.deploymentId, projectId: event.projectId, status: outcome.result, correlationId: envelope.correlationId },
      outcome.result === 'QUEUED' ? 'deployment accepted into the build queue' : `deployment is ${outcome.result}; nothing to build`,
    );
    if (outcome.result === 'QUEUED') this.scheduler.nudge();
  }
}
