import { Inject, Logger } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { DEPLOYMENT_REPOSITORY, type DeploymentRepository } from '@deploysphere/deployments';
import { BuildScheduler } from '../../../builds/build-scheduler';
import { ORCHESTRATOR_CONSUMER } from '../../../orchestrator.constants';
import { AcceptDeploymentCommand } from './accept-deployment.command';

/**
 * Records the request exactly once and wakes the scheduler. A deployment that was canceled or
 * deleted before its request arrived is skipped. The build itself is scheduled from the QUEUED
 * rows, so a restart loses nothing: the queue is the table. The requests being handled at once
 * (the consumer handles its partitions concurrently) are recorded in one statement.
 */
@CommandHandler(AcceptDeploymentCommand)
export class AcceptDeploymentHandler implements ICommandHandler<AcceptDeploymentCommand> {
  private readonly logger = new Logger(AcceptDeploymentHandler.name);

  constructor(
    @Inject(DEPLOYMENT_REPOSITORY) private readonly deployments: DeploymentRepository,
    private readonly scheduler: BuildScheduler,
  ) {}

  async execute({ event, envelope }: AcceptDeploymentCommand): Promise<void> {
    const outcome = await this.deployments.recordRequest(ORCHESTRATOR_CONSUMER, envelope.id, event.deploymentId);
    if (!outcome.first) {
      this.logger.debug({ deploymentId: event.deploymentId, eventId: envelope.id }, 'duplicate DeploymentRequested ignored');
      return;
    }
    const status = outcome.status ?? 'DELETED';
    this.logger.log(
      { deploymentId: event.deploymentId, projectId: event.projectId, status, correlationId: envelope.correlationId },
      status === 'QUEUED' ? 'deployment accepted into the build queue' : `deployment is ${status}; nothing to build`,
    );
    if (status === 'QUEUED') this.scheduler.nudge();
  }
}
