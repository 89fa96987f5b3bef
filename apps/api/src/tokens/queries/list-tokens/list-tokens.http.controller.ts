import { Controller, Get, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Ctx, RequireScope, type RequestContext } from '../../../auth/auth.decorators';
import { ApiProblems } from '../../../http/api-problems.decorator';
import { PageQueryDto, PageResponse } from '../../../http/pagination';
import { TokenDto } from '../../token.response.dto';
import { ListTokensQuery } from './list-tokens.query';

const TokenPage = PageResponse(TokenDto, 'TokenPage');

@ApiTags('tokens')
@Controller('v1/tokens')
export class ListTokensHttpController {
  constructor(private readonly queries: QueryBus) {}

  @Get()
  @RequireScope('read')
  @ApiOperation({ summary: 'List your team\'s tokens (secrets are never returned)', operationId: 'listTokens' })
  @ApiOkResponse({ type: TokenPage })
  @ApiProblems()
  list(@Ctx() ctx: RequestContext, @Query() page: PageQueryDto) {
    return this.queries.execute(new ListTokensQuery(ctx.principal.teamId, page.limit, page.cursor));
  }
}
