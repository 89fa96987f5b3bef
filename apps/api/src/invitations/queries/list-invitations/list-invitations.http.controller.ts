import { Controller, Get } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Ctx, RequireRole, type RequestContext } from '../../../auth/auth.decorators';
import { ApiProblems } from '../../../http/api-problems.decorator';
import { InvitationListDto } from '../../invitation.response.dto';
import { ListInvitationsQuery } from './list-invitations.query';

@ApiTags('team')
@Controller('v1/team/invitations')
export class ListInvitationsHttpController {
  constructor(private readonly queries: QueryBus) {}

  @Get()
  @RequireRole('owner')
  @ApiOperation({ summary: "Your team's open invitations", operationId: 'listInvitations' })
  @ApiOkResponse({ type: InvitationListDto })
  @ApiProblems()
  list(@Ctx() ctx: RequestContext): Promise<InvitationListDto> {
    return this.queries.execute(new ListInvitationsQuery(ctx.principal.teamId));
  }
}
