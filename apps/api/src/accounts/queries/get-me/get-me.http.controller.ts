import { Controller, Get } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Ctx, RequireSignedIn, type RequestContext } from '../../../auth/auth.decorators';
import { ApiProblems } from '../../../http/api-problems.decorator';
import { MeDto } from '../../account.response.dto';
import { GetMeQuery } from './get-me.query';

@ApiTags('auth')
@Controller('v1/auth/me')
export class GetMeHttpController {
  constructor(private readonly queries: QueryBus) {}

  @Get()
  @RequireSignedIn()
  @ApiOperation({ summary: 'The signed-in user, the acting team and their role in it, and all their teams', operationId: 'getMe' })
  @ApiOkResponse({ type: MeDto })
  @ApiProblems(404)
  me(@Ctx() ctx: RequestContext): Promise<MeDto> {
    return this.queries.execute(new GetMeQuery(ctx.principal.userId!, ctx.principal.teamId));
  }
}
