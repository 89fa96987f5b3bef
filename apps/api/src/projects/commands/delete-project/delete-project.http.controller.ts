import { Controller, Delete, HttpCode } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiNoContentResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Ctx, RequireRole, type RequestContext } from '../../../auth/auth.decorators';
import { ApiProblems } from '../../../http/api-problems.decorator';
import { IdParam } from '../../../http/id-param.pipe';
import { DeleteProjectCommand } from './delete-project.command';

@ApiTags('projects')
@Controller('v1/projects')
export class DeleteProjectHttpController {
  constructor(private readonly commands: CommandBus) {}

  @Delete(':projectId')
  @HttpCode(204)
  @RequireRole('member')
  @ApiOperation({ summary: 'Delete a project with its deployments and env vars', operationId: 'deleteProject' })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiProblems(404)
  async remove(@Ctx() ctx: RequestContext, @IdParam('projectId', 'project') projectId: string): Promise<void> {
    await this.commands.execute(new DeleteProjectCommand(ctx.principal.teamId, projectId, ctx.correlationId));
  }
}
