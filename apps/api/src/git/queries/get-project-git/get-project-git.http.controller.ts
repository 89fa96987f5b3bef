import { Controller, Get } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Ctx, RequireRole, type RequestContext } from '../../../auth/auth.decorators';
import { ApiProblems } from '../../../http/api-problems.decorator';
import { IdParam } from '../../../http/id-param.pipe';
import { ProjectGitDto } from '../../project-git.response.dto';
import { GetProjectGitQuery } from './get-project-git.query';

@ApiTags('git')
@Controller('v1/projects/:projectId/git')
export class GetProjectGitHttpController {
  constructor(private readonly queries: QueryBus) {}

  @Get()
  @RequireRole('viewer')
  @ApiOperation({ summary: 'Get the git settings (secrets only as set / not set)', operationId: 'getProjectGit' })
  @ApiOkResponse({ type: ProjectGitDto })
  @ApiProblems(404)
  get(@Ctx() ctx: RequestContext, @IdParam('projectId', 'project') projectId: string) {
    return this.queries.execute(new GetProjectGitQuery(ctx.principal.teamId, projectId));
  }
}
