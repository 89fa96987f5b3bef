import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { NotFoundError } from '@deploysphere/common';
import { OutboxWriter } from '@deploysphere/messaging';
import { ProjectDto } from '../../project.response.dto';
import { announceRouting } from '../../routing-changed';
import { UpdateProjectCommand } from './update-project.command';

@CommandHandler(UpdateProjectCommand)
export class UpdateProjectHandler implements ICommandHandler<UpdateProjectCommand> {
  constructor(private readonly outbox: OutboxWriter) {}

  async execute({ teamId, projectId, changes, correlationId }: UpdateProjectCommand): Promise<ProjectDto> {
    const project = await this.outbox.transaction(async (tx) => {
      const { count } = await tx.project.updateMany({ where: { id: projectId, teamId }, data: { ...changes } });
      if (count === 0) throw new NotFoundError('project', projectId);
      const updated = await tx.project.findUniqueOrThrow({ where: { id: projectId }, include: { alias: true } });
      const { cleanUrls, spaFallback, custom404 } = changes;
      if (cleanUrls !== undefined || spaFallback !== undefined || custom404 !== undefined) {
        await announceRouting(this.outbox, tx, updated, correlationId);
      }
      return updated;
    });
    return ProjectDto.from(project);
  }
}
