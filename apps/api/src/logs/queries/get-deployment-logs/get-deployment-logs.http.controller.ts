import { Controller, Get, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Ctx, RequireRole, type RequestContext } from '../../../auth/auth.decorators';
import { ApiProblems } from '../../../http/api-problems.decorator';
import { IdParam } from '../../../http/id-param.pipe';
import { PageResponse } from '../../../http/pagination';
import { LogLineDto } from './deployment-logs.response.dto';
import { GetDeploymentLogsQuery } from './get-deployment-logs.query';
import { GetDeploymentLogsRequestDto } from './get-deployment-logs.request.dto';

const LogLinePage = PageResponse(LogLineDto, 'LogLinePage');

@ApiTags('logs')
@Controller('v1/deployments')
export class GetDeploymentLogsHttpController {
  constructor(private readonly queries: QueryBus) {}

  @Get(':deploymentId/logs')
  @RequireRole('viewer')
  @ApiOperation({
    summary: 'Search a deployment\'s build log',
    description:
      'Stored lines, oldest first. Filters combine: from a line number, one stream, a time range, a substring. ' +
      'To follow a build live, subscribe through the gateway (Socket.IO) instead.',
    operationId: 'getDeploymentLogs',
  })
  @ApiOkResponse({ type: LogLinePage })
  @ApiProblems(404)
  get(@Ctx() ctx: RequestContext, @IdParam('deploymentId', 'deployment') deploymentId: string, @Query() q: GetDeploymentLogsRequestDto) {
    return this.queries.execute(
      new GetDeploymentLogsQuery(
        ctx.principal.teamId,
        deploymentId,
        { fromSeq: q.fromSeq, stream: q.stream, from: q.from ? new Date(q.from) : undefined, to: q.to ? new Date(q.to) : undefined, q: q.q },
        q.limit,
        q.cursor,
      ),
    );
  }
}
