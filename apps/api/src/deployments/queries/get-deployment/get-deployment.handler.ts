import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { NotFoundError } from '@deploysphere/common';
import { PrismaService } from '@deploysphere/database';
import { DeploymentDto } from '../../deployment.response.dto';
import { GetDeploymentQuery } from './get-deployment.query';

@QueryHandler(GetDeploymentQuery)
export class GetDeploymentHandler implements IQueryHandler<GetDeploymentQuery> {
  constructor(private readonly prisma: PrismaService) {}

  async execute({ teamId, deploymentId }: GetDeploymentQuery): Promise<DeploymentDto> {
    const d = await this.prisma.deployment.findFirst({ where: { id: deploymentId, project: { teamId } } });
    if (!d) throw new NotFoundError('deployment', deploymentId);
    return DeploymentDto.from(d);
  }
}
