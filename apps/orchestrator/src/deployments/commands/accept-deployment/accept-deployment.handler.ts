import { Logger } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { PrismaService } from '@deploysphere/database';
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
    private readonly prisma: PrismaService,
    private readonly scheduler: BuildScheduler,
  ) {}

  async execute({ event, envelope }: AcceptDeploymentCommand): Promise<void> {
    // IdempotencyService.runOnce's record and read, as one statement: one round trip and no
    // interactive transaction holding a pooled connection (one runs per request).
    const [outcome] = await this.prisma.$queryRaw<Array<{ first: boolean; status: string | null }>>`
      WITH recorded AS (
        INSERT INTO processed_messages (consumer, message_id) VALUES (${ORCHESTRATOR_CONSUMER}, ${envelope.id})
        ON CONFLICT DO NOTHING RETURNING 1
      )
      SELECT EXISTS (SELECT 1 FROM recorded) AS first, (SELECT status::text FROM deployments WHERE id = ${event.deploymentId}) AS status`;
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
