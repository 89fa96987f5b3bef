import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Ctx, RequireScope, type RequestContext } from '../../../auth/auth.decorators';
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
  @RequireScope('write')
  @ApiOperation({
    summary: 'Roll the production URL back',
    description: 'To the previous READY production deployment, or to the one named. Nothing is rebuilt.',
    operationId: 'rollbackProject',
  })
  @ApiOkResponse({ type: AliasDto })
  @ApiProblems(404, 409)
  rollback(@Ctx() ctx: RequestContext, @IdParam('projectId', 'project') projectId: string, @Body() body: RollbackProjectRequestDto) {
    return this.commands.execute(new RollbackProjectCommand(ctx.principal.teamId, projectId, body.deploymentId, ctx.correlationId));
  }
}
