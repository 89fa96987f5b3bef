import { Controller, HttpCode, Post, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiAcceptedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Ctx, RequireRole, type RequestContext } from '../../../auth/auth.decorators';
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
  @RequireRole('member')
  @ApiOperation({
    summary: 'Serve a READY deployment at the production URL',
    description:
      'Moves the project alias without rebuilding; the edge router switches within a second. A server app is started first (or found running): 202 `starting`, and the alias moves once it is healthy. 409 DEPLOYMENT_NOT_READY otherwise.',
    operationId: 'promoteDeployment',
  })
  @ApiOkResponse({ type: AliasDto, description: 'The alias moved (`state: moved`)' })
  @ApiAcceptedResponse({ type: AliasDto, description: 'A server app: it starts first, and the alias moves once it is healthy (`state: starting`)' })
  @ApiProblems(404, 409)
  async promote(@Ctx() ctx: RequestContext, @IdParam('deploymentId', 'deployment') deploymentId: string, @Res({ passthrough: true }) res: Response): Promise<AliasDto> {
    const move = await this.commands.execute(new PromoteDeploymentCommand(ctx.principal.teamId, deploymentId, ctx.correlationId));
    if (move.state === 'starting') res.status(202);
    return move;
  }
}
