import { Controller, Get, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Ctx, RequireRole, type RequestContext } from '../../../auth/auth.decorators';
import { ApiProblems } from '../../../http/api-problems.decorator';
import { IdParam } from '../../../http/id-param.pipe';
import { GetProjectAnalyticsQuery } from './get-project-analytics.query';
import { GetProjectAnalyticsRequestDto } from './get-project-analytics.request.dto';
import { ProjectAnalyticsDto } from './project-analytics.response.dto';

const DAY_MS = 86_400_000;

@ApiTags('logs')
@Controller('v1/projects')
export class GetProjectAnalyticsHttpController {
  constructor(private readonly queries: QueryBus) {}

  @Get(':projectId/analytics')
  @RequireRole('viewer')
  @ApiOperation({
    summary: 'Traffic analytics of a project',
    description:
      'Requests, status classes, bytes, p50/p95 response time and top paths per interval, from the edge router\'s access logs. ' +
      'At most 1440 buckets per request.',
    operationId: 'getProjectAnalytics',
  })
  @ApiOkResponse({ type: ProjectAnalyticsDto })
  @ApiProblems(404)
  get(@Ctx() ctx: RequestContext, @IdParam('projectId', 'project') projectId: string, @Query() q: GetProjectAnalyticsRequestDto) {
    const to = q.to ? new Date(q.to) : new Date();
    const from = q.from ? new Date(q.from) : new Date(to.getTime() - DAY_MS);
    return this.queries.execute(new GetProjectAnalyticsQuery(ctx.principal.teamId, projectId, from, to, q.interval));
  }
}
