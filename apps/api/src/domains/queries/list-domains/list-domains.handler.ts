import { Inject } from '@nestjs/common';
import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { CERTIFICATE_REPOSITORY, type CertificateRepository } from '@deploysphere/certificates';
import { NotFoundError } from '@deploysphere/common';
import { PrismaService } from '@deploysphere/database';
import { afterCursor, decodeCursor, NEWEST_FIRST, toPage, type Page } from '../../../http/pagination';
import { DomainDto } from '../../domain.response.dto';
import { ListDomainsQuery } from './list-domains.query';

@QueryHandler(ListDomainsQuery)
export class ListDomainsHandler implements IQueryHandler<ListDomainsQuery> {
  constructor(
    private readonly prisma: PrismaService,
    @Inject(CERTIFICATE_REPOSITORY) private readonly certificates: CertificateRepository,
  ) {}

  async execute({ teamId, projectId, limit, cursor }: ListDomainsQuery): Promise<Page<DomainDto>> {
    const position = decodeCursor(cursor);
    const project = await this.prisma.project.findFirst({ where: { id: projectId, teamId }, select: { id: true } });
    if (!project) throw new NotFoundError('project', projectId);
    const rows = await this.prisma.domain.findMany({ where: { projectId, ...afterCursor(position) }, orderBy: NEWEST_FIRST, take: limit + 1 });
    const statuses = await this.certificates.statusOf(rows.map((r) => r.id));
    return toPage(rows, limit, (row) => DomainDto.from(row, statuses.get(row.id)));
  }
}
