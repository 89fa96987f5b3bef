import { Body, Controller, HttpCode, Post, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiAcceptedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Ctx, RequireRole, type RequestContext } from '../../../auth/auth.decorators';
import { ApiProblems } from '../../../http/api-problems.decorator';
import { IdParam } from '../../../http/id-param.pipe';
import { AliasDto } from '../../alias.response.dto';
import { RollbackProjectCommand } from './rollback-project.command';
import { RollbackProjectRequestDto } from './rollback-project.request.dto';

@ApiTags('projects')
@Controller('v1/projects')
export class RollbackProjectHttpController {
  constructor(private readonly commands: CommandBus) {}

  @Post(':projectId/rollback')
  @HttpCode(200)
  @RequireRole('member')
  @ApiOperation({
    summary: 'Roll the production URL back',
    description:
      'To the previous READY production deployment, or to the one named. Nothing is rebuilt. A server app is started first (or found running): 202 `starting`, and the alias moves once it is healthy.',
    operationId: 'rollbackProject',
  })
  @ApiOkResponse({ type: AliasDto, description: 'The alias moved (`state: moved`)' })
  @ApiAcceptedResponse({ type: AliasDto, description: 'A server app: it starts first, and the alias moves once it is healthy (`state: starting`)' })
  @ApiProblems(404, 409)
  async rollback(
    @Ctx() ctx: RequestContext,
    @IdParam('projectId', 'project') projectId: string,
    @Body() body: RollbackProjectRequestDto,
    @Res({ passthrough: true }) res: Response,
  ): Promise<AliasDto> {
    const move = await this.commands.execute(new RollbackProjectCommand(ctx.principal.teamId, projectId, body.deploymentId, ctx.correlationId));
    if (move.state === 'starting') res.status(202);
    return move;
  }
}
