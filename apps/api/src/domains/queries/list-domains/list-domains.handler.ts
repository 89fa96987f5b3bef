import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { NotFoundError } from '@deploysphere/common';
import { PrismaService } from '@deploysphere/database';
import { afterCursor, decodeCursor, NEWEST_FIRST, toPage, type Page } from '../../../http/pagination';
import { DomainDto } from '../../domain.response.dto';
import { ListDomainsQuery } from './list-domains.query';

@QueryHandler(ListDomainsQuery)
export class ListDomainsHandler implements IQueryHandler<ListDomainsQuery> {
  constructor(private readonly prisma: PrismaService) {}

  async execute({ teamId, projectId, limit, cursor }: ListDomainsQuery): Promise<Page<DomainDto>> {
    const position = decodeCursor(cursor);
    const project = await this.prisma.project.findFirst({ where: { id: projectId, teamId }, select: { id: true } });
    if (!project) throw new NotFoundError('project', projectId);
    const rows = await this.prisma.domain.findMany({ where: { projectId, ...afterCursor(position) }, orderBy: NEWEST_FIRST, take: limit + 1 });
    return toPage(rows, limit, DomainDto.from);
  }
}
