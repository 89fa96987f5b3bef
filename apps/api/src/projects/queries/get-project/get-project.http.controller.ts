import { Controller, Get } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Ctx, RequireRole, type RequestContext } from '../../../auth/auth.decorators';
import { ApiProblems } from '../../../http/api-problems.decorator';
import { IdParam } from '../../../http/id-param.pipe';
import { ProjectDto } from '../../project.response.dto';
import { GetProjectQuery } from './get-project.query';

@ApiTags('projects')
@Controller('v1/projects')
export class GetProjectHttpController {
  constructor(private readonly queries: QueryBus) {}

  @Get(':projectId')
  @RequireRole('viewer')
  @ApiOperation({ summary: 'Get a project', operationId: 'getProject' })
  @ApiOkResponse({ type: ProjectDto })
  @ApiProblems(404)
  get(@Ctx() ctx: RequestContext, @IdParam('projectId', 'project') projectId: string) {
    return this.queries.execute(new GetProjectQuery(ctx.principal.teamId, projectId));
  }
}
