import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { NotFoundError } from '@deploysphere/common';
import { PrismaService } from '@deploysphere/database';
import { afterCursor, decodeCursor, NEWEST_FIRST, toPage, type Page } from '../../../http/pagination';
import { DeploymentDto } from '../../deployment.response.dto';
import { ListDeploymentsQuery } from './list-deployments.query';

@QueryHandler(ListDeploymentsQuery)
export class ListDeploymentsHandler implements IQueryHandler<ListDeploymentsQuery> {
  constructor(private readonly prisma: PrismaService) {}

  async execute({ teamId, projectId, filter, limit, cursor }: ListDeploymentsQuery): Promise<Page<DeploymentDto>> {
    const position = decodeCursor(cursor);
    if (!(await this.prisma.project.findFirst({ where: { id: projectId, teamId }, select: { id: true } }))) {
      throw new NotFoundError('project', projectId);
    }
    const rows = await this.prisma.deployment.findMany({
      where: { projectId, ...filter, ...afterCursor(position) },
      orderBy: NEWEST_FIRST,
      take: limit + 1,
    });
    return toPage(rows, limit, DeploymentDto.from);
  }
}
