import { Controller, Delete, HttpCode, Param, Query } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiNoContentResponse, ApiOperation, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { NotFoundError } from '@deploysphere/common';
import { DEPLOYMENT_TARGETS, type DeploymentTargetName } from '@deploysphere/contracts';
import { Ctx, RequireRole, type RequestContext } from '../../../auth/auth.decorators';
import { ApiProblems } from '../../../http/api-problems.decorator';
import { IdParam } from '../../../http/id-param.pipe';
import { DeleteEnvVarCommand } from './delete-env-var.command';

class DeleteEnvVarQueryDto {
  @ApiPropertyOptional({ enum: DEPLOYMENT_TARGETS, description: 'Delete only this target\'s value' })
  @IsOptional() @IsIn(DEPLOYMENT_TARGETS)
  target?: DeploymentTargetName;
}

@ApiTags('env')
@Controller('v1/projects/:projectId/env')
export class DeleteEnvVarHttpController {
  constructor(private readonly commands: CommandBus) {}

  @Delete(':key')
  @HttpCode(204)
  @RequireRole('member')
  @ApiOperation({ summary: 'Delete an environment variable', operationId: 'deleteEnvVar' })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiProblems(404)
  async remove(
    @Ctx() ctx: RequestContext,
    @IdParam('projectId', 'project') projectId: string,
    @Param('key') key: string,
    @Query() query: DeleteEnvVarQueryDto,
  ): Promise<void> {
    if (!/^[A-Za-z_][A-Za-z0-9_]{0,254}$/.test(key)) throw new NotFoundError('env var', key.slice(0, 64));
    await this.commands.execute(new DeleteEnvVarCommand(ctx.principal.teamId, projectId, key, query.target));
  }
}
