import { Controller, Get } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Ctx, RequireSignedIn, type RequestContext } from '../../../auth/auth.decorators';
import { ApiProblems } from '../../../http/api-problems.decorator';
import { SessionListDto } from '../../account.response.dto';
import { ListSessionsQuery } from './list-sessions.query';

@ApiTags('auth')
@Controller('v1/auth/sessions')
export class ListSessionsHttpController {
  constructor(private readonly queries: QueryBus) {}

  @Get()
  @RequireSignedIn()
  @ApiOperation({ summary: 'Your signed-in sessions (browsers), newest first', operationId: 'listSessions' })
  @ApiOkResponse({ type: SessionListDto })
  @ApiProblems()
  list(@Ctx() ctx: RequestContext): Promise<SessionListDto> {
    return this.queries.execute(new ListSessionsQuery(ctx.principal.userId!, ctx.principal.sessionId!));
  }
}
