import { Controller, Get, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Ctx, RequireRole, type RequestContext } from '../../../auth/auth.decorators';
import { ApiProblems } from '../../../http/api-problems.decorator';
import { PageQueryDto, PageResponse } from '../../../http/pagination';
import { TokenDto } from '../../token.response.dto';
import { ListTokensQuery } from './list-tokens.query';

const TokenPage = PageResponse(TokenDto, 'TokenPage');

@ApiTags('tokens')
@Controller('v1')
export class ListTokensHttpController {
  constructor(private readonly queries: QueryBus) {}

  @Get('tokens')
  @RequireRole('viewer')
  @ApiOperation({ summary: 'List your team\'s tokens (secrets are never returned)', operationId: 'listTokens' })
  @ApiOkResponse({ type: TokenPage })
  @ApiProblems()
  list(@Ctx() ctx: RequestContext, @Query() page: PageQueryDto) {
    return this.queries.execute(new ListTokensQuery(ctx.principal.teamId, page.limit, page.cursor));
  }

  @Get('team/tokens')
  @RequireRole('owner')
  @ApiOperation({ summary: "List your team's tokens with their roles (owners; secrets are never returned)", operationId: 'listTeamTokens' })
  @ApiOkResponse({ type: TokenPage })
  @ApiProblems()
  listAsOwner(@Ctx() ctx: RequestContext, @Query() page: PageQueryDto) {
    return this.queries.execute(new ListTokensQuery(ctx.principal.teamId, page.limit, page.cursor));
  }
}
