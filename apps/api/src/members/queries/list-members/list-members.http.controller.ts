import { Controller, Get } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Ctx, RequireRole, type RequestContext } from '../../../auth/auth.decorators';
import { ApiProblems } from '../../../http/api-problems.decorator';
import { MemberListDto } from '../../member.response.dto';
import { ListMembersQuery } from './list-members.query';

@ApiTags('team')
@Controller('v1/team/members')
export class ListMembersHttpController {
  constructor(private readonly queries: QueryBus) {}

  @Get()
  @RequireRole('viewer')
  @ApiOperation({ summary: 'The members of your team and their roles', operationId: 'listMembers' })
  @ApiOkResponse({ type: MemberListDto })
  @ApiProblems()
  list(@Ctx() ctx: RequestContext): Promise<MemberListDto> {
    return this.queries.execute(new ListMembersQuery(ctx.principal.teamId));
  }
}
