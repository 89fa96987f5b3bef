import { Body, Controller, Patch } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Ctx, RequireRole, type RequestContext } from '../../../auth/auth.decorators';
import { ApiProblems } from '../../../http/api-problems.decorator';
import { IdParam } from '../../../http/id-param.pipe';
import { ProjectDto } from '../../project.response.dto';
import { UpdateProjectCommand } from './update-project.command';
import { UpdateProjectRequestDto } from './update-project.request.dto';

@ApiTags('projects')
@Controller('v1/projects')
export class UpdateProjectHttpController {
  constructor(private readonly commands: CommandBus) {}

  @Patch(':projectId')
  @RequireRole('member')
  @ApiOperation({ summary: 'Update a project\'s name or build settings', operationId: 'updateProject' })
  @ApiOkResponse({ type: ProjectDto })
  @ApiProblems(404, 413)
  update(@Ctx() ctx: RequestContext, @IdParam('projectId', 'project') projectId: string, @Body() body: UpdateProjectRequestDto) {
    return this.commands.execute(new UpdateProjectCommand(ctx.principal.teamId, projectId, body, ctx.correlationId));
  }
}
