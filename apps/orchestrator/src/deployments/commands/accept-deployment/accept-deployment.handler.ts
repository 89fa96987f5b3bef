import { Logger } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { Batcher } from '@deploysphere/common';
import { Prisma, PrismaService } from '@deploysphere/database';
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
  /**
   * IdempotencyService.runOnce's record and read as one statement, for every request being handled
   * at once (the consumer handles its partitions concurrently): one round trip for the lot, and no
   * interactive transaction holding a pooled connection.
   */
  private readonly records = new Batcher<{ eventId: string; deploymentId: string }, Outcome>(async (items) => {
    const rows = await this.prisma.query<Outcome & { eventId: string }>(Prisma.sql`
      WITH input AS (
        SELECT * FROM unnest(${items.map((i) => i.eventId)}::text[], ${items.map((i) => i.deploymentId)}::text[]) AS t(event_id, deployment_id)
      ), recorded AS (
        INSERT INTO processed_messages (consumer, message_id) SELECT DISTINCT ${ORCHESTRATOR_CONSUMER}, event_id FROM input
        ON CONFLICT DO NOTHING RETURNING message_id
      )
      SELECT DISTINCT ON (i.event_id) i.event_id AS "eventId", EXISTS (SELECT 1 FROM recorded r WHERE r.message_id = i.event_id) AS first,
        (SELECT status::text FROM deployments WHERE id = i.deployment_id) AS status
      FROM input i`);
    const byEvent = new Map(rows.map((r) => [r.eventId, r]));
    // The same event twice in one batch (a redelivery racing its original): only the first counts.
    const seen = new Set<string>();
    return items.map(({ eventId }) => {
      const { first, status } = byEvent.get(eventId)!;
      const once = first && !seen.has(eventId);
      seen.add(eventId);
      return { first: once, status };
    });
  });

  constructor(
    private readonly prisma: PrismaService,
    private readonly scheduler: BuildScheduler,
  ) {}

  async execute({ event, envelope }: AcceptDeploymentCommand): Promise<void> {
    const outcome = await this.records.submit({ eventId: envelope.id, deploymentId: event.deploymentId });
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

interface Outcome {
  first: boolean;
  status: string | null;
}
