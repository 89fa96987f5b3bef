import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { NotFoundError } from '@deploysphere/common';
import { PrismaService } from '@deploysphere/database';
import { SiteUrls } from '../../../http/site-urls';
import { PROJECT_URLS, ProjectDto } from '../../project.response.dto';
import { GetProjectQuery } from './get-project.query';

/** Another team's project is indistinguishable from a missing one: 404 either way. */
@QueryHandler(GetProjectQuery)
export class GetProjectHandler implements IQueryHandler<GetProjectQuery> {
  constructor(
    private readonly prisma: PrismaService,
    private readonly urls: SiteUrls,
  ) {}

  async execute({ teamId, projectId }: GetProjectQuery): Promise<ProjectDto> {
    const project = await this.prisma.project.findFirst({ where: { id: projectId, teamId }, include: PROJECT_URLS });
    if (!project) throw new NotFoundError('project', projectId);
    return ProjectDto.from(project, this.urls);
  }
}
