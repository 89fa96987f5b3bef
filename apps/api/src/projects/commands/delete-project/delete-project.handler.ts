import { CommandHandler, EventBus, ICommandHandler } from '@nestjs/cqrs';
import { NotFoundError } from '@deploysphere/common';
import { ProjectDeletedV1 } from '@deploysphere/contracts';
import { integrationEvent, OutboxWriter } from '@deploysphere/messaging';
import { DeleteProjectCommand } from './delete-project.command';

/** Deletes the project with its deployments, env vars and alias; routers and runners learn it from ProjectDeleted. */
@CommandHandler(DeleteProjectCommand)
export class DeleteProjectHandler implements ICommandHandler<DeleteProjectCommand> {
  constructor(
    private readonly outbox: OutboxWriter,
    private readonly events: EventBus,
  ) {}

  async execute({ teamId, projectId, correlationId }: DeleteProjectCommand): Promise<void> {
    await this.outbox.transaction(async (tx) => {
      const project = await tx.project.findFirst({ where: { id: projectId, teamId } });
      if (!project) throw new NotFoundError('project', projectId);
      await tx.project.delete({ where: { id: project.id } });
      this.events.publish(
        integrationEvent(ProjectDeletedV1, { projectId: project.id, slug: project.slug, deletedAt: new Date().toISOString() }, { key: project.id, correlationId }),
      );
    });
  }
}
