import { Controller, Get, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiOperation, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { DEPLOYMENT_STATUSES, DEPLOYMENT_TARGETS, type DeploymentStatusName, type DeploymentTargetName } from '@deploysphere/contracts';
import { Ctx, RequireRole, type RequestContext } from '../../../auth/auth.decorators';
import { ApiProblems } from '../../../http/api-problems.decorator';
import { IdParam } from '../../../http/id-param.pipe';
import { PageQueryDto, PageResponse } from '../../../http/pagination';
import { DeploymentDto } from '../../deployment.response.dto';
import { ListDeploymentsQuery } from './list-deployments.query';

class ListDeploymentsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: DEPLOYMENT_STATUSES }) @IsOptional() @IsIn(DEPLOYMENT_STATUSES) status?: DeploymentStatusName;
  @ApiPropertyOptional({ enum: DEPLOYMENT_TARGETS }) @IsOptional() @IsIn(DEPLOYMENT_TARGETS) target?: DeploymentTargetName;
}

const DeploymentPage = PageResponse(DeploymentDto, 'DeploymentPage');

@ApiTags('deployments')
@Controller('v1/projects/:projectId/deployments')
export class ListDeploymentsHttpController {
  constructor(private readonly queries: QueryBus) {}

  @Get()
  @RequireRole('viewer')
  @ApiOperation({ summary: 'List a project\'s deployments, newest first', operationId: 'listDeployments' })
  @ApiOkResponse({ type: DeploymentPage })
  @ApiProblems(404)
  list(@Ctx() ctx: RequestContext, @IdParam('projectId', 'project') projectId: string, @Query() q: ListDeploymentsQueryDto) {
    return this.queries.execute(
      new ListDeploymentsQuery(ctx.principal.teamId, projectId, { status: q.status, target: q.target }, q.limit, q.cursor),
    );
  }
}
