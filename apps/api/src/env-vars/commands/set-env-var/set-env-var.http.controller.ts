import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { DEPLOYMENT_TARGETS } from '@deploysphere/contracts';
import { Ctx, RequireRole, type RequestContext } from '../../../auth/auth.decorators';
import { ApiProblems } from '../../../http/api-problems.decorator';
import { IdParam } from '../../../http/id-param.pipe';
import { EnvVarListDto } from '../../env-var.response.dto';
import { SetEnvVarCommand } from './set-env-var.command';
import { SetEnvVarRequestDto } from './set-env-var.request.dto';

@ApiTags('env')
@Controller('v1/projects/:projectId/env')
export class SetEnvVarHttpController {
  constructor(private readonly commands: CommandBus) {}

  @Post()
  @HttpCode(200)
  @RequireRole('member')
  @ApiOperation({ summary: 'Set an environment variable (create or replace, per target)', operationId: 'setEnvVar' })
  @ApiOkResponse({ type: EnvVarListDto })
  @ApiProblems(404, 413)
  async set(@Ctx() ctx: RequestContext, @IdParam('projectId', 'project') projectId: string, @Body() body: SetEnvVarRequestDto) {
    const targets = body.targets ?? [...DEPLOYMENT_TARGETS];
    const items = await this.commands.execute(
      new SetEnvVarCommand(ctx.principal.teamId, projectId, body.key, body.value, targets, body.secret ?? false),
    );
    return { items };
  }
}
