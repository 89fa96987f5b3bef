import { Body, Controller, Put } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Ctx, RequireRole, type RequestContext } from '../../../auth/auth.decorators';
import { ApiProblems } from '../../../http/api-problems.decorator';
import { IdParam } from '../../../http/id-param.pipe';
import { ProjectGitDto } from '../../project-git.response.dto';
import { SetProjectGitCommand } from './set-project-git.command';
import { SetProjectGitRequestDto } from './set-project-git.request.dto';

@ApiTags('git')
@Controller('v1/projects/:projectId/git')
export class SetProjectGitHttpController {
  constructor(private readonly commands: CommandBus) {}

  @Put()
  @RequireRole('member')
  @ApiOperation({
    summary: 'Set the git repository, production branch, credential and webhook secret',
    description: 'Omitted fields are unchanged and `null` clears one. Setting a credential or webhook secret replaces (rotates) it; neither is ever returned.',
    operationId: 'setProjectGit',
  })
  @ApiOkResponse({ type: ProjectGitDto })
  @ApiProblems(404, 413)
  set(@Ctx() ctx: RequestContext, @IdParam('projectId', 'project') projectId: string, @Body() body: SetProjectGitRequestDto) {
    return this.commands.execute(new SetProjectGitCommand(ctx.principal.teamId, projectId, body));
  }
}
