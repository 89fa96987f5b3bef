import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { PrismaService } from '@deploysphere/database';
import { afterCursor, decodeCursor, NEWEST_FIRST, toPage, type Page } from '../../../http/pagination';
import { ProjectDto } from '../../project.response.dto';
import { ListProjectsQuery } from './list-projects.query';

@QueryHandler(ListProjectsQuery)
export class ListProjectsHandler implements IQueryHandler<ListProjectsQuery> {
  constructor(private readonly prisma: PrismaService) {}

  async execute({ teamId, limit, cursor }: ListProjectsQuery): Promise<Page<ProjectDto>> {
    const rows = await this.prisma.project.findMany({
      where: { teamId, ...afterCursor(decodeCursor(cursor)) },
      include: { alias: true },
      orderBy: NEWEST_FIRST,
      take: limit + 1,
    });
    return toPage(rows, limit, ProjectDto.from);
  }
}
