import { Inject } from '@nestjs/common';
import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { NotFoundError } from '@deploysphere/common';
import { PrismaService } from '@deploysphere/database';
import { DEPLOYMENT_REPOSITORY, type DeploymentRepository } from '@deploysphere/deployments';
import { AppInstanceDto, type AppInstanceListDto } from './app-instance.response.dto';
import { ListInstancesQuery } from './list-instances.query';

/** The instances the orchestrator last recorded (app_instances) for a deployment of the team. */
@QueryHandler(ListInstancesQuery)
export class ListInstancesHandler implements IQueryHandler<ListInstancesQuery> {
  constructor(
    @Inject(DEPLOYMENT_REPOSITORY) private readonly deployments: DeploymentRepository,
    private readonly prisma: PrismaService,
  ) {}

  async execute({ teamId, deploymentId }: ListInstancesQuery): Promise<AppInstanceListDto> {
    if (!(await this.deployments.findVisible(teamId, deploymentId))) throw new NotFoundError('deployment', deploymentId);
    const rows = await this.prisma.appInstance.findMany({ where: { deploymentId }, orderBy: [{ startedAt: 'asc' }, { id: 'asc' }] });
    return { data: rows.map(AppInstanceDto.from) };
  }
}
