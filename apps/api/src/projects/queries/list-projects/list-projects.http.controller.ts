import { Controller, Get, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Ctx, RequireRole, type RequestContext } from '../../../auth/auth.decorators';
import { ApiProblems } from '../../../http/api-problems.decorator';
import { PageQueryDto, PageResponse } from '../../../http/pagination';
import { ProjectDto } from '../../project.response.dto';
import { ListProjectsQuery } from './list-projects.query';

const ProjectPage = PageResponse(ProjectDto, 'ProjectPage');

@ApiTags('projects')
@Controller('v1/projects')
export class ListProjectsHttpController {
  constructor(private readonly queries: QueryBus) {}

  @Get()
  @RequireRole('viewer')
  @ApiOperation({ summary: 'List your team\'s projects, newest first', operationId: 'listProjects' })
  @ApiOkResponse({ type: ProjectPage })
  @ApiProblems()
  list(@Ctx() ctx: RequestContext, @Query() page: PageQueryDto) {
    return this.queries.execute(new ListProjectsQuery(ctx.principal.teamId, page.limit, page.cursor));
  }
}
