import { Inject } from '@nestjs/common';
import { CommandHandler, EventBus, ICommandHandler } from '@nestjs/cqrs';
import { NotFoundError } from '@deploysphere/common';
import { appsConfig, type ConfigType } from '@deploysphere/config';
import { OutboxWriter } from '@deploysphere/messaging';
import { assertWithinAppLimits } from '../../app-limits';
import { SiteUrls } from '../../../http/site-urls';
import { PROJECT_URLS, ProjectDto } from '../../project.response.dto';
import { announceRouting } from '../../routing-changed';
import { UpdateProjectCommand } from './update-project.command';

@CommandHandler(UpdateProjectCommand)
export class UpdateProjectHandler implements ICommandHandler<UpdateProjectCommand> {
  constructor(
    private readonly outbox: OutboxWriter,
    @Inject(appsConfig.KEY) private readonly apps: ConfigType<typeof appsConfig>,
    private readonly urls: SiteUrls,
    private readonly events: EventBus,
  ) {}

  async execute({ teamId, projectId, changes, correlationId }: UpdateProjectCommand): Promise<ProjectDto> {
    assertWithinAppLimits(changes, this.apps);
    const project = await this.outbox.transaction(async (tx) => {
      const { count } = await tx.project.updateMany({ where: { id: projectId, teamId }, data: { ...changes } });
      if (count === 0) throw new NotFoundError('project', projectId);
      const updated = await tx.project.findUniqueOrThrow({ where: { id: projectId }, include: PROJECT_URLS });
      const { cleanUrls, spaFallback, custom404, hsts } = changes;
      if (cleanUrls !== undefined || spaFallback !== undefined || custom404 !== undefined || hsts !== undefined) {
        announceRouting(this.events, updated, correlationId);
      }
      return updated;
    });
    return ProjectDto.from(project, this.urls);
  }
}
