import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { PrismaService } from '@deploysphere/database';
import { afterCursor, decodeCursor, NEWEST_FIRST, toPage, type Page } from '../../../http/pagination';
import { TeamDto } from '../../team.response.dto';
import { ListTeamsQuery } from './list-teams.query';

@QueryHandler(ListTeamsQuery)
export class ListTeamsHandler implements IQueryHandler<ListTeamsQuery> {
  constructor(private readonly prisma: PrismaService) {}

  async execute({ limit, cursor }: ListTeamsQuery): Promise<Page<TeamDto>> {
    const rows = await this.prisma.team.findMany({ where: afterCursor(decodeCursor(cursor)), orderBy: NEWEST_FIRST, take: limit + 1 });
    return toPage(rows, limit, TeamDto.from);
  }
}
