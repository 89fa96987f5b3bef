import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { PrismaService } from '@deploysphere/database';
import { afterCursor, decodeCursor, NEWEST_FIRST, toPage, type Page } from '../../../http/pagination';
import { SiteUrls } from '../../../http/site-urls';
import { PROJECT_URLS, ProjectDto } from '../../project.response.dto';
import { ListProjectsQuery } from './list-projects.query';

@QueryHandler(ListProjectsQuery)
export class ListProjectsHandler implements IQueryHandler<ListProjectsQuery> {
  constructor(
    private readonly prisma: PrismaService,
    private readonly urls: SiteUrls,
  ) {}

  async execute({ teamId, limit, cursor }: ListProjectsQuery): Promise<Page<ProjectDto>> {
    const rows = await this.prisma.project.findMany({
      where: { teamId, ...afterCursor(decodeCursor(cursor)) },
      include: PROJECT_URLS,
      orderBy: NEWEST_FIRST,
      take: limit + 1,
    });
    return toPage(rows, limit, (row) => ProjectDto.from(row, this.urls));
  }
}
