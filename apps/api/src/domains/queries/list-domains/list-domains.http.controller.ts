import { Controller, Get, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Ctx, RequireRole, type RequestContext } from '../../../auth/auth.decorators';
import { ApiProblems } from '../../../http/api-problems.decorator';
import { IdParam } from '../../../http/id-param.pipe';
import { PageQueryDto, PageResponse } from '../../../http/pagination';
import { DomainDto } from '../../domain.response.dto';
import { ListDomainsQuery } from './list-domains.query';

const DomainPage = PageResponse(DomainDto, 'DomainPage');

@ApiTags('domains')
@Controller('v1/projects')
export class ListDomainsHttpController {
  constructor(private readonly queries: QueryBus) {}

  @Get(':projectId/domains')
  @RequireRole('viewer')
  @ApiOperation({ summary: "List a project's custom domains, newest first, with their verification records", operationId: 'listDomains' })
  @ApiOkResponse({ type: DomainPage })
  @ApiProblems(404)
  list(@Ctx() ctx: RequestContext, @IdParam('projectId', 'project') projectId: string, @Query() page: PageQueryDto) {
    return this.queries.execute(new ListDomainsQuery(ctx.principal.teamId, projectId, page.limit, page.cursor));
  }
}
