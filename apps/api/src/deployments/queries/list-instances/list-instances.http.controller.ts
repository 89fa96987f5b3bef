import { Controller, Get } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Ctx, RequireRole, type RequestContext } from '../../../auth/auth.decorators';
import { ApiProblems } from '../../../http/api-problems.decorator';
import { IdParam } from '../../../http/id-param.pipe';
import { AppInstanceListDto } from './app-instance.response.dto';
import { ListInstancesQuery } from './list-instances.query';

@ApiTags('deployments')
@Controller('v1/deployments')
export class ListInstancesHttpController {
  constructor(private readonly queries: QueryBus) {}

  @Get(':deploymentId/instances')
  @RequireRole('viewer')
  @ApiOperation({ summary: "List a server app deployment's instances", operationId: 'listDeploymentInstances' })
  @ApiOkResponse({ type: AppInstanceListDto })
  @ApiProblems(404)
  list(@Ctx() ctx: RequestContext, @IdParam('deploymentId', 'deployment') deploymentId: string) {
    return this.queries.execute(new ListInstancesQuery(ctx.principal.teamId, deploymentId));
  }
}
