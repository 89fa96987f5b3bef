import { Inject } from '@nestjs/common';
import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { NotFoundError } from '@deploysphere/common';
import { DEPLOYMENT_REPOSITORY, type DeploymentRepository } from '@deploysphere/deployments';
import { decodeCursor, toPage, type Page } from '../../../http/pagination';
import { DeploymentPresenter } from '../../deployment.presenter';
import type { DeploymentDto } from '../../deployment.response.dto';
import { ListDeploymentsQuery } from './list-deployments.query';

@QueryHandler(ListDeploymentsQuery)
export class ListDeploymentsHandler implements IQueryHandler<ListDeploymentsQuery> {
  constructor(
    @Inject(DEPLOYMENT_REPOSITORY) private readonly deployments: DeploymentRepository,
    private readonly presenter: DeploymentPresenter,
  ) {}

  async execute({ teamId, projectId, filter, limit, cursor }: ListDeploymentsQuery): Promise<Page<DeploymentDto>> {
    const after = decodeCursor(cursor);
    const rows = await this.deployments.listVisible(teamId, projectId, { ...filter, after, take: limit + 1 });
    if (!rows) throw new NotFoundError('project', projectId);
    const page = toPage(rows, limit, (row) => row);
    return { items: await this.presenter.many(page.items), nextCursor: page.nextCursor };
  }
}
