import { Controller, Get } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Ctx, RequireRole, type RequestContext } from '../../../auth/auth.decorators';
import { ApiProblems } from '../../../http/api-problems.decorator';
import { IdParam } from '../../../http/id-param.pipe';
import { DeploymentDto } from '../../deployment.response.dto';
import { GetDeploymentQuery } from './get-deployment.query';

@ApiTags('deployments')
@Controller('v1/deployments')
export class GetDeploymentHttpController {
  constructor(private readonly queries: QueryBus) {}

  @Get(':deploymentId')
  @RequireRole('viewer')
  @ApiOperation({ summary: 'Get a deployment', operationId: 'getDeployment' })
  @ApiOkResponse({ type: DeploymentDto })
  @ApiProblems(404)
  get(@Ctx() ctx: RequestContext, @IdParam('deploymentId', 'deployment') deploymentId: string) {
    return this.queries.execute(new GetDeploymentQuery(ctx.principal.teamId, deploymentId));
  }
}
