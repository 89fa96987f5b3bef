import { Controller, HttpCode, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Ctx, RequireScope, type RequestContext } from '../../../auth/auth.decorators';
import { ApiProblems } from '../../../http/api-problems.decorator';
import { IdParam } from '../../../http/id-param.pipe';
import { AliasDto } from '../../alias.response.dto';
import { PromoteDeploymentCommand } from './promote-deployment.command';

@ApiTags('deployments')
@Controller('v1/deployments')
export class PromoteDeploymentHttpController {
  constructor(private readonly commands: CommandBus) {}

  @Post(':deploymentId/promote')
  @HttpCode(200)
  @RequireScope('write')
  @ApiOperation({
    summary: 'Serve a READY deployment at the production URL',
    description: 'Moves the project alias without rebuilding; the edge router switches within a second. 409 DEPLOYMENT_NOT_READY otherwise.',
    operationId: 'promoteDeployment',
  })
  @ApiOkResponse({ type: AliasDto })
  @ApiProblems(404, 409)
  promote(@Ctx() ctx: RequestContext, @IdParam('deploymentId', 'deployment') deploymentId: string) {
    return this.commands.execute(new PromoteDeploymentCommand(ctx.principal.teamId, deploymentId, ctx.correlationId));
  }
}
