import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { PrismaService } from '@deploysphere/database';
import { afterCursor, decodeCursor, NEWEST_FIRST, toPage, type Page } from '../../../http/pagination';
import { TokenDto } from '../../token.response.dto';
import { ListTokensQuery } from './list-tokens.query';

@QueryHandler(ListTokensQuery)
export class ListTokensHandler implements IQueryHandler<ListTokensQuery> {
  constructor(private readonly prisma: PrismaService) {}

  async execute({ teamId, limit, cursor }: ListTokensQuery): Promise<Page<TokenDto>> {
    const rows = await this.prisma.apiToken.findMany({
      where: { teamId, ...afterCursor(decodeCursor(cursor)) },
      orderBy: NEWEST_FIRST,
      take: limit + 1,
    });
    return toPage(rows, limit, TokenDto.from);
  }
}
